import { connect, type Socket } from 'node:net';

/**
 * A bare RouterOS API client of the tests' own, written from PROTOCOLS.md §B.1 without the
 * emulator's codec, so the emulated routers are checked by an independent reading of the wire.
 * It keeps every sentence received, counts TCP chunks, and records a protocol error or an
 * unfinished sentence at close instead of throwing.
 */

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.of(n);
  if (n < 0x4000) return Buffer.of(0x80 | (n >> 8), n & 0xff);
  if (n < 0x200000) return Buffer.of(0xc0 | (n >> 16), (n >> 8) & 0xff, n & 0xff);
  if (n < 0x10000000) return Buffer.of(0xe0 | (n >>> 24), (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  return Buffer.of(0xf0, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}

export function encodeRawSentence(words: string[]): Buffer {
  const parts: Buffer[] = [];
  for (const w of words) {
    const bytes = Buffer.from(w, 'utf8');
    parts.push(encodeLength(bytes.length), bytes);
  }
  parts.push(Buffer.of(0));
  return Buffer.concat(parts);
}

export function tagOf(sentence: string[]): string | undefined {
  const word = sentence.find((w) => w.startsWith('.tag='));
  return word?.slice(5);
}

/** The `=name=value` words of a sentence as an object (split at the second `=`). */
export function fieldsOf(sentence: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of sentence) {
    if (!w.startsWith('=')) continue;
    const eq = w.indexOf('=', 1);
    out[w.slice(1, eq)] = w.slice(eq + 1);
  }
  return out;
}

export class RawRouterOsClient {
  /** Every complete sentence received, in order. */
  readonly received: string[][] = [];
  /** How many 'data' events (TCP chunks as read) arrived. */
  chunks = 0;
  /** Set when the stream broke the framing rules (a reserved byte, an absurd length). */
  protocolError: string | undefined;
  /** Bytes (or words) of an unfinished sentence left when the socket closed. */
  leftoverAtClose = 0;
  closed = false;
  /** The socket error seen, if any (ECONNRESET when the router resets the connection). */
  socketError: string | undefined;
  private inbox: string[][] = [];
  private pending = Buffer.alloc(0);
  private words: string[] = [];
  private waiters: Array<() => void> = [];
  private readonly closedPromise: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.socketError = error.code ?? error.message;
    });
    this.closedPromise = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        this.leftoverAtClose = this.pending.length + this.words.length;
        this.wake();
        resolve();
      }),
    );
  }

  /** Connects; rejects with the socket error (ECONNREFUSED for a closed port). */
  static connect(port: number, host = '127.0.0.1'): Promise<RawRouterOsClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawRouterOsClient(socket));
      });
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private onData(chunk: Buffer): void {
    this.chunks += 1;
    if (this.protocolError) return;
    this.pending = Buffer.concat([this.pending, chunk]);
    for (;;) {
      if (this.pending.length === 0) break;
      const b = this.pending[0];
      let size: number;
      let length: number;
      if (b < 0x80) [size, length] = [1, b];
      else if (b < 0xc0) [size, length] = [2, b & 0x3f];
      else if (b < 0xe0) [size, length] = [3, b & 0x1f];
      else if (b < 0xf0) [size, length] = [4, b & 0x0f];
      else if (b === 0xf0) [size, length] = [5, 0];
      else {
        this.protocolError = `reserved byte 0x${b.toString(16)}`;
        this.wake();
        return;
      }
      if (this.pending.length < size) break;
      for (let k = 1; k < size; k++) length = length * 256 + this.pending[k];
      if (length > 16 * 1024 * 1024) {
        this.protocolError = `word of ${length} bytes`;
        this.wake();
        return;
      }
      if (this.pending.length < size + length) break;
      const word = this.pending.subarray(size, size + length).toString('utf8');
      this.pending = this.pending.subarray(size + length);
      if (length === 0) {
        if (this.words.length > 0) {
          this.received.push(this.words);
          this.inbox.push(this.words);
        }
        this.words = [];
      } else {
        this.words.push(word);
      }
    }
    this.wake();
  }

  send(words: string[]): void {
    this.socket.write(encodeRawSentence(words));
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The first unread sentence matching `match`; rejects after `timeoutMs`, at close or on a protocol error. */
  async take(match: (s: string[]) => boolean, timeoutMs = 5000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const k = this.inbox.findIndex(match);
      if (k !== -1) return this.inbox.splice(k, 1)[0];
      if (this.protocolError) throw new Error(`protocol error: ${this.protocolError}`);
      if (this.closed) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching sentence within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The replies to one command (by its tag, or untagged) up to and including its `!done` (or a `!fatal`). */
  async repliesUntilDone(tag?: string, timeoutMs = 5000): Promise<string[][]> {
    const out: string[][] = [];
    for (;;) {
      const s = await this.take((x) => x[0] === '!fatal' || tagOf(x) === tag, timeoutMs);
      out.push(s);
      if (s[0] === '!done' || s[0] === '!fatal') return out;
    }
  }

  /** Sends a command and collects its replies. */
  async run(words: string[], timeoutMs = 5000): Promise<string[][]> {
    this.send(words);
    const tag = words.find((w) => w.startsWith('.tag='))?.slice(5);
    return this.repliesUntilDone(tag, timeoutMs);
  }

  async login(user: string, password: string, timeoutMs = 5000): Promise<string[][]> {
    return this.run(['/login', `=name=${user}`, `=password=${password}`], timeoutMs);
  }

  /** Resolves when the socket closes; rejects after `timeoutMs`. */
  waitClosed(timeoutMs = 5000): Promise<void> {
    return Promise.race([
      this.closedPromise,
      new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`still open after ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
  }

  /** Waits `ms` and tells whether anything at all arrived meanwhile. */
  async quietFor(ms: number): Promise<boolean> {
    const before = this.chunks;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.chunks === before;
  }

  close(): void {
    this.socket.destroy();
  }
}
