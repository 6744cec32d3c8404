/**
 * One API connection to an emulated router: login, commands with or without `.tag` running side by
 * side, `/cancel`, `/quit`, and the router's fault (silent, slow, garbage, wrong credentials; a
 * reboot or a flap drops the connection). Replies are cut into TCP writes the router's way
 * (spec.formats.splitWrites). The only timers are per connection: a slow reply's delay and /ping.
 */
import type { Socket } from 'node:net';
import { encodeLength, encodeSentence, encodeWord, ProtocolError, SentenceDecoder } from './codec.js';
import { runCommand, type Outcome } from './commands.js';
import { bootAt, isListening, routerStateAt, type RouterSpec } from './router.js';
import { between, hash32, unit } from './random.js';
import { done, fatal, parseRequest, re, trap, type Reply, type Request } from './sentence.js';
import { pingItem } from './tables.js';

/** What a connection needs from its router: the spec and the fleet's clock. */
export interface RouterHandle {
  spec: RouterSpec;
  now(): Date;
  /** Called once when the connection is gone. */
  forget(connection: RouterConnection): void;
}

/** Non-login commands a client may send before logging in; one more is `!fatal`. */
export const MAX_COMMANDS_BEFORE_LOGIN = 8;

interface Running {
  tag: string | undefined;
  timer: NodeJS.Timeout | undefined;
}

let connectionSerial = 0;

export class RouterConnection {
  private readonly decoder = new SentenceDecoder();
  private readonly serial = ++connectionSerial;
  private readonly bootCount: number;
  private loggedIn = false;
  private commandsBeforeLogin = 0;
  private closed = false;
  /** Commands still running (slow replies, pings), by tag or by a key of their own. */
  private running: Map<string | symbol, Running> | undefined;
  private queue: Buffer[] = [];
  private pumping = false;
  private endAfterFlush = false;
  private writes = 0;

  constructor(
    private readonly socket: Socket,
    private readonly router: RouterHandle,
  ) {
    this.bootCount = bootAt(router.spec, router.now()).bootCount;
    socket.setNoDelay(true);
    socket.on('error', () => this.socket.destroy());
    socket.on('close', () => this.dispose());
    if (router.spec.fault === 'silent') {
      // Reads everything so the client's writes never block, answers nothing, never closes.
      socket.on('data', () => undefined);
      return;
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** Drops the connection at once with a TCP reset (a flap, a reboot, the fleet closing): the client sees ECONNRESET. */
  drop(): void {
    // A reset on a socket already shutting down (the client left first) can leave Node spinning at
    // exit (seen on Node 20.20): only an open socket gets the reset.
    if (this.socket.readyState === 'open' && !this.socket.destroyed) this.socket.resetAndDestroy();
    else this.socket.destroy();
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.running) for (const r of this.running.values()) if (r.timer) clearTimeout(r.timer);
    this.running = undefined;
    this.queue = [];
    this.router.forget(this);
  }

  private onData(chunk: Buffer): void {
    let sentences: Buffer[][];
    try {
      sentences = this.decoder.push(chunk);
    } catch (error) {
      if (error instanceof ProtocolError) {
        this.socket.destroy();
        return;
      }
      throw error;
    }
    for (const words of sentences) {
      if (this.closed || this.endAfterFlush) return;
      this.onSentence(words.map((w) => w.toString('utf8')));
    }
  }

  private onSentence(words: string[]): void {
    const spec = this.router.spec;
    const now = this.router.now();
    // The router this connection reached has rebooted or dropped off the network since.
    if (!isListening(spec, now) || bootAt(spec, now).bootCount !== this.bootCount) {
      this.drop();
      return;
    }
    const request = parseRequest(words);
    if (!request) {
      this.send([trap(`no such command or directory (${words[0] ?? ''})`, undefined, 0), trap('no such command prefix'), done()]);
      return;
    }
    if (request.command === '/login' && spec.timing.garbage === 'cut-at-login') return this.sendGarbage(request);
    if (request.command === '/login') return this.login(request);
    if (request.command === '/quit') return this.quit();
    if (!this.loggedIn) return this.refuseBeforeLogin(request);
    if (request.command === '/cancel') return this.cancel(request);
    if (spec.timing.garbage) return this.sendGarbage(request);
    this.later(request.tag, () => this.execute(request, runCommand(request, spec, routerStateAt(spec, this.router.now()))));
  }

  private login(request: Request): void {
    const { user, password } = this.router.spec.credentials;
    const ok = request.attributes.get('name') === user && (request.attributes.get('password') ?? '') === password;
    this.later(request.tag, () => {
      if (ok) {
        this.loggedIn = true;
        this.send([done(request.tag)]);
      } else {
        this.send([trap('invalid user name or password (6)', request.tag), done(request.tag)]);
      }
    });
  }

  private quit(): void {
    this.send([fatal('session terminated on request')]);
    this.endWhenFlushed();
  }

  private refuseBeforeLogin(request: Request): void {
    this.commandsBeforeLogin += 1;
    if (this.commandsBeforeLogin > MAX_COMMANDS_BEFORE_LOGIN) {
      this.send([fatal('too many commands before login')]);
      this.endWhenFlushed();
      return;
    }
    this.later(request.tag, () => this.send([trap('not logged in', request.tag, 5), done(request.tag)]));
  }

  /** `/cancel =tag=X` stops command X (`!trap` interrupted, `!done`, both tagged X); `/cancel` stops all. */
  private cancel(request: Request): void {
    const target = request.attributes.get('tag');
    for (const [key, r] of this.running ?? []) {
      if (target !== undefined && r.tag !== target) continue;
      if (r.timer) clearTimeout(r.timer);
      this.running!.delete(key);
      this.send([trap('interrupted', r.tag, 2), done(r.tag)]);
    }
    this.later(request.tag, () => this.send([done(request.tag)]));
  }

  /** Runs `work` now, or after the slow router's delay (cancellable by tag meanwhile). */
  private later(tag: string | undefined, work: () => void): void {
    const delay = this.router.spec.timing.slowReplyMs;
    if (!delay) {
      work();
      return;
    }
    const key = tag ?? Symbol('untagged');
    const entry: Running = { tag, timer: undefined };
    entry.timer = setTimeout(() => {
      this.running?.delete(key);
      work();
    }, delay);
    (this.running ??= new Map()).set(key, entry);
  }

  private execute(request: Request, outcome: Outcome): void {
    if (this.closed) return;
    if (outcome.kind === 'replies') {
      this.send(outcome.replies);
      return;
    }
    const { address, count, intervalMs } = outcome;
    const key = request.tag ?? Symbol('ping');
    const entry: Running = { tag: request.tag, timer: undefined };
    (this.running ??= new Map()).set(key, entry);
    const rtts: number[] = [];
    let seq = 0;
    const probe = (): void => {
      if (this.closed || this.running?.get(key) !== entry) return;
      rtts.push(between(300, 20_000, this.router.spec.index, this.serial, seq) / 1000);
      this.send([re(pingItem(this.router.spec, address, seq, seq + 1, rtts), request.tag)]);
      seq += 1;
      if (count !== undefined && seq >= count) {
        this.running?.delete(key);
        this.send([done(request.tag)]);
        return;
      }
      entry.timer = setTimeout(probe, intervalMs);
    };
    probe();
  }

  /** The garbage router's answer to its first command (or its login): a reply that breaks off, then the socket closes. */
  private sendGarbage(request: Request): void {
    const spec = this.router.spec;
    const start = encodeWord('!re');
    let bytes: Buffer;
    switch (spec.timing.garbage) {
      case 'truncated':
        bytes = Buffer.concat([start, encodeLength(40), Buffer.from('=name=cw-')]);
        break;
      case 'reserved-byte':
        bytes = Buffer.concat([start, Buffer.of(0xf8 + (hash32(spec.index, 'reserved') % 8)), Buffer.from('=name=x')]);
        break;
      case 'cut-at-login':
        bytes = Buffer.concat([encodeLength(5), Buffer.from('!do')]);
        break;
      case 'unknown-reply':
        bytes = encodeSentence(request.tag === undefined ? ['!bogus', '=x=y'] : ['!bogus', '=x=y', `.tag=${request.tag}`]);
        break;
      default: {
        const length = between(64, 512, spec.index, this.serial, 'noise');
        bytes = Buffer.from(Array.from({ length }, (_, k) => hash32(spec.index, this.serial, 'noise', k) & 0xff));
      }
    }
    this.write([bytes]);
    this.endWhenFlushed();
  }

  private send(replies: Reply[]): void {
    if (this.closed || replies.length === 0) return;
    this.write(replies.map((words) => encodeSentence(words)));
  }

  /** Writes sentences (or raw bytes) cut the router's way; order is kept across calls. */
  private write(sentences: Buffer[]): void {
    if (this.closed) return;
    const mode = this.router.spec.formats.splitWrites;
    if (mode === 'whole' && !this.pumping) {
      this.socket.write(sentences.length === 1 ? sentences[0] : Buffer.concat(sentences));
      return;
    }
    if (mode === 'whole' || mode === 'sentence') this.queue.push(...sentences);
    else if (mode === 'byte') {
      for (const s of sentences) for (let k = 0; k < s.length; k++) this.queue.push(s.subarray(k, k + 1));
    } else {
      const all = Buffer.concat(sentences);
      this.queue.push(...this.randomCuts(all));
    }
    if (!this.pumping) this.pump();
  }

  private randomCuts(bytes: Buffer): Buffer[] {
    const n = this.writes++;
    const cuts = new Set<number>();
    const wanted = 1 + Math.floor(bytes.length / 64);
    for (let k = 0; k < wanted; k++) cuts.add(1 + Math.floor(unit(this.router.spec.index, this.serial, n, k) * Math.max(1, bytes.length - 1)));
    const points = [0, ...[...cuts].filter((c) => c < bytes.length).sort((a, b) => a - b), bytes.length];
    const pieces: Buffer[] = [];
    for (let k = 1; k < points.length; k++) if (points[k] > points[k - 1]) pieces.push(bytes.subarray(points[k - 1], points[k]));
    return pieces;
  }

  /** One piece per turn of the event loop, so the pieces leave as separate TCP segments. */
  private pump(): void {
    const chunk = this.queue.shift();
    if (!chunk || this.closed) {
      this.pumping = false;
      if (this.endAfterFlush && !this.closed) this.socket.end();
      return;
    }
    this.pumping = true;
    this.socket.write(chunk);
    setImmediate(() => this.pump());
  }

  private endWhenFlushed(): void {
    this.endAfterFlush = true;
    if (!this.pumping) this.socket.end();
  }
}
