/**
 * The one adapter to a router's API (PROTOCOLS.md §B, Traps 6–9): connect (plain 8728 or API-SSL
 * 8729), log in, run tagged commands side by side, close. The only code in citywifi that speaks to
 * a router.
 *
 * Our own client, not node-routeros 1.6.9: that library throws UNKNOWNREPLY inside its socket data
 * handler when a RouterOS ≥ 7.18 router answers `!empty` (and UNREGISTEREDTAG for a late reply),
 * where no wrapper can catch it, and its pending promises never settle when the socket dies.
 * test/integration/controller/node-routeros-defects.test.ts is the evidence.
 *
 * Promises here always settle: every failure is a RouterOsError with a `reason`, never an uncaught
 * exception. One deadline covers TCP, TLS and login; every batch of commands has its own timeout
 * (see run()); after a timeout, a protocol error, a `!fatal` or a socket error the socket is
 * destroyed and every pending command is rejected.
 *
 * Timers and a busy event loop: a timer that comes due never fails anything by itself. It defers
 * the check by one setImmediate, so the I/O phase in between reads whatever the router has already
 * sent; a reply that arrived before the deadline counts, however late the process got to read it.
 */
import { createHash } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as connectTls, type ConnectionOptions as TlsOptions } from 'node:tls';
import { attributesOf, encodeSentences, SentenceReader, tagOf } from './routeros-wire.js';

export type RouterOsFailure = 'refused' | 'connect-timeout' | 'timeout' | 'auth' | 'protocol' | 'closed' | 'tls' | 'unreachable' | 'trap';

/**
 * A failure with its reason. These are expected outcomes on a fleet (a dead router is one per
 * poll), so no stack trace is captured: it would say nothing about the router and costs CPU on
 * every refused or timed-out connection.
 */
export class RouterOsError extends Error {
  constructor(
    readonly reason: RouterOsFailure,
    message: string,
    /** For reason `trap`: the router's `=category=` (0: no such command, 1: bad argument, …). */
    readonly category?: number,
  ) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = 'RouterOsError';
  }
}

export interface RouterOsConnectOptions {
  host: string;
  port: number;
  /** API-SSL: true for default TLS options (certificate checked), or node:tls options (ca, checkServerIdentity, ciphers). */
  tls?: boolean | TlsOptions;
  user: string;
  password: string;
  /** One deadline for TCP connect, TLS handshake and login. */
  connectTimeoutMs: number;
  /** Default timeout of each command or batch (command() and run() may override it). */
  commandTimeoutMs: number;
}

export interface RouterOsReply {
  /** The `!re` items, attributes by name. */
  items: Array<Record<string, string>>;
  /** The attributes of `!done` (`ret` for count-only and add). */
  done: Record<string, string>;
  /** The router said `!empty` (RouterOS ≥ 7.18) for a command with no data. */
  empty: boolean;
}

export interface RunOptions {
  /**
   * How long the router may stay silent while the batch waits: measured from the write, and
   * from the last bytes the router sent since (a router still answering is not cut off).
   */
  timeoutMs?: number;
  /** An absolute performance.now() time by which the batch must be done, whatever the router says meanwhile. */
  deadlineAt?: number;
}

export interface RunResult {
  /** One per command, in order: the reply, or the RouterOsError (reason `trap`) of a `!trap`. */
  outcomes: Array<RouterOsReply | RouterOsError>;
  /** From the write to the `!done` of the first command, in ms. */
  firstAnswerMs: number;
}

interface Batch {
  size: number;
  left: number;
  outcomes: Array<RouterOsReply | RouterOsError>;
  sentAt: number;
  firstAnswerMs: number;
  timeoutMs: number;
  deadlineAt: number;
  timer: NodeJS.Timeout | undefined;
  settled: boolean;
  resolve(result: RunResult): void;
  reject(error: RouterOsError): void;
}

interface Pending {
  batch: Batch;
  index: number;
  command: string;
  items: Array<Record<string, string>>;
  empty: boolean;
  trap: { message: string; category: number | undefined } | undefined;
}

const REPLY_WORDS = new Set(['!re', '!done', '!trap', '!empty', '!fatal']);

/** The reason for a socket or TLS error code. */
export function reasonOfSocketError(error: NodeJS.ErrnoException): RouterOsFailure {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (['EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTDOWN', 'EADDRNOTAVAIL'].includes(code)) return 'unreachable';
  if (code === 'ETIMEDOUT') return 'connect-timeout';
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME/.test(code) || /SSL|TLS/.test(error.message)) return 'tls';
  return 'closed';
}

/** An open, logged-in API connection. */
export class RouterOsConnection {
  private readonly reader = new SentenceReader();
  private readonly pending = new Map<string, Pending>();
  private nextTag = 1;
  private closedReason: RouterOsError | undefined;
  private readonly closeListeners: Array<(reason: RouterOsError) => void> = [];
  /** performance.now() of the last bytes the router sent. */
  private lastHeardAt = 0;

  /** @internal use connectRouterOs(). */
  constructor(
    private readonly socket: Socket,
    private readonly defaultTimeoutMs: number,
    readonly label: string,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => this.fail(new RouterOsError(reasonOfSocketError(error), `${label}: ${error.code ?? ''} ${error.message}`.trim())));
    socket.on('close', () => {
      const midSentence = this.reader.unfinished > 0 ? ' in the middle of a sentence' : '';
      this.fail(new RouterOsError('closed', `${label}: the router closed the connection${midSentence}`));
    });
  }

  get isOpen(): boolean {
    return this.closedReason === undefined;
  }

  /** Why the connection ended (undefined while open). */
  get endReason(): RouterOsError | undefined {
    return this.closedReason;
  }

  /** Called once when the connection ends, for whatever reason. */
  onClose(listener: (reason: RouterOsError) => void): void {
    if (this.closedReason) listener(this.closedReason);
    else this.closeListeners.push(listener);
  }

  /**
   * Runs one command (`['/interface/print', '=.proplist=name,rx-byte']`) under its own tag.
   * Resolves at `!done`; a `!trap` rejects with reason `trap` (the connection stays usable); a
   * timeout destroys the connection and rejects with reason `timeout`.
   */
  async command(words: readonly string[], options: RunOptions = {}): Promise<RouterOsReply> {
    const { outcomes } = await this.run([words], options);
    const outcome = outcomes[0];
    if (outcome instanceof RouterOsError) throw outcome;
    return outcome;
  }

  /**
   * Runs several commands side by side, each under its own tag, sent in one write (PROTOCOLS.md
   * §B.6: a router answers tagged commands independently, replies interleaved). Resolves when
   * every command has its `!done`; a `!trap` is that command's outcome and the others go on.
   * Rejects (and the connection ends) on a timeout, a socket error, a `!fatal` or a protocol error.
   *
   * Timeout rule: the batch fails when the router has sent nothing for `timeoutMs` while it waits
   * (counted from the write, then from the last bytes heard), or when `deadlineAt` passes.
   */
  run(commands: ReadonlyArray<readonly string[]>, options: RunOptions = {}): Promise<RunResult> {
    if (this.closedReason) return Promise.reject(new RouterOsError(this.closedReason.reason === 'trap' ? 'closed' : this.closedReason.reason, this.closedReason.message));
    return new Promise<RunResult>((resolve, reject) => {
      const now = performance.now();
      const batch: Batch = {
        size: commands.length,
        left: commands.length,
        outcomes: new Array<RouterOsReply | RouterOsError>(commands.length),
        sentAt: now,
        firstAnswerMs: 0,
        timeoutMs: options.timeoutMs ?? this.defaultTimeoutMs,
        deadlineAt: options.deadlineAt ?? Infinity,
        timer: undefined,
        settled: false,
        resolve,
        reject,
      };
      const sentences: string[][] = [];
      for (let index = 0; index < commands.length; index++) {
        const words = commands[index];
        const tag = String(this.nextTag++);
        this.pending.set(tag, { batch, index, command: words[0] ?? '', items: [], empty: false, trap: undefined });
        sentences.push([...words, `.tag=${tag}`]);
      }
      this.armTimer(batch, now);
      this.socket.write(encodeSentences(sentences));
    });
  }

  /** Ends the connection (pending commands reject with reason `closed`). Never throws. */
  async close(): Promise<void> {
    this.fail(new RouterOsError('closed', `${this.label}: closed by the controller`));
  }

  /** Ends everything once: rejects each pending command with `error` and destroys the socket. */
  fail(error: RouterOsError): void {
    if (this.closedReason) return;
    this.closedReason = error;
    for (const p of this.pending.values()) this.settle(p.batch, error);
    this.pending.clear();
    this.socket.destroy();
    for (const listener of this.closeListeners.splice(0)) listener(error);
  }

  /** When the batch is due to fail if nothing more is heard: silence after the write or the last bytes, or its deadline. */
  private dueAt(batch: Batch): number {
    return Math.min(Math.max(batch.sentAt, this.lastHeardAt) + batch.timeoutMs, batch.deadlineAt);
  }

  private armTimer(batch: Batch, now: number): void {
    batch.timer = setTimeout(() => setImmediate(() => this.checkTimer(batch)), Math.max(1, Math.ceil(this.dueAt(batch) - now)));
  }

  /**
   * The batch's timer came due one setImmediate ago: the I/O phase in between has read whatever
   * the router sent by then. Done, or heard from since: nothing to do (or wait on). Else it fails.
   */
  private checkTimer(batch: Batch): void {
    batch.timer = undefined;
    if (batch.settled || this.closedReason) return;
    const now = performance.now();
    if (now < this.dueAt(batch)) {
      this.armTimer(batch, now);
      return;
    }
    let waiting = '';
    for (const p of this.pending.values()) if (p.batch === batch) waiting ||= p.command;
    const answered = batch.size - batch.left;
    const progress = batch.size > 1 ? ` (${answered} of ${batch.size} commands answered)` : '';
    const silentUntil = Math.max(batch.sentAt, this.lastHeardAt) + batch.timeoutMs;
    const message =
      batch.deadlineAt < silentUntil
        ? `${this.label}: no answer to ${waiting} by the deadline, ${Math.round(batch.deadlineAt - batch.sentAt)} ms after sending it${progress}`
        : `${this.label}: no answer to ${waiting} within ${batch.timeoutMs} ms${progress}`;
    this.fail(new RouterOsError('timeout', message));
  }

  private settle(batch: Batch, error: RouterOsError | undefined): void {
    if (batch.settled) return;
    batch.settled = true;
    if (batch.timer) clearTimeout(batch.timer);
    batch.timer = undefined;
    if (error) batch.reject(error);
    else batch.resolve({ outcomes: batch.outcomes, firstAnswerMs: batch.firstAnswerMs });
  }

  private onData(chunk: Buffer): void {
    if (this.closedReason) return;
    this.lastHeardAt = performance.now();
    let sentences: readonly string[][];
    try {
      sentences = this.reader.push(chunk);
    } catch (error) {
      this.fail(new RouterOsError('protocol', `${this.label}: ${(error as Error).message}`));
      return;
    }
    for (const words of sentences) {
      if (this.closedReason) return;
      this.onSentence(words);
    }
  }

  private onSentence(words: string[]): void {
    const kind = words[0];
    if (kind === '!fatal') {
      this.fail(new RouterOsError('closed', `${this.label}: !fatal ${words.slice(1).join(' ')}`.trim()));
      return;
    }
    if (!REPLY_WORDS.has(kind)) {
      this.fail(new RouterOsError('protocol', `${this.label}: unknown reply word ${JSON.stringify(kind.slice(0, 40))}`));
      return;
    }
    const tag = tagOf(words);
    const p = tag === undefined ? undefined : this.pending.get(tag);
    if (!p) {
      // Every command we send is tagged and a timed-out one closes the connection, so a reply
      // nobody waits for means the stream is not what it should be.
      this.fail(new RouterOsError('protocol', `${this.label}: a ${kind} reply for ${tag === undefined ? 'no tag' : `unknown tag ${tag}`}`));
      return;
    }
    if (kind === '!re') p.items.push(attributesOf(words));
    else if (kind === '!empty') p.empty = true;
    else if (kind === '!trap') {
      // Several traps can come (unknown command: two); the first one says what went wrong.
      if (!p.trap) {
        const attributes = attributesOf(words);
        p.trap = { message: attributes.message ?? '', category: attributes.category === undefined ? undefined : Number(attributes.category) };
      }
    } else {
      this.pending.delete(tag!);
      const batch = p.batch;
      batch.outcomes[p.index] = p.trap
        ? new RouterOsError('trap', `${this.label}: ${p.command}: ${p.trap.message}`, p.trap.category)
        : { items: p.items, done: words.length > 2 ? attributesOf(words) : NO_ATTRIBUTES, empty: p.empty };
      if (p.index === 0) batch.firstAnswerMs = performance.now() - batch.sentAt;
      batch.left -= 1;
      if (batch.left === 0) this.settle(batch, undefined);
    }
  }
}

/** The `!done` of most commands carries nothing but its tag: one shared, frozen empty object. */
const NO_ATTRIBUTES: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** The MD5 challenge response of the pre-6.43 login (PROTOCOLS.md §B.4). */
export function legacyLoginResponse(password: string, challengeHex: string): string {
  const digest = createHash('md5')
    .update(Buffer.of(0))
    .update(Buffer.from(password, 'utf8'))
    .update(Buffer.from(challengeHex, 'hex'))
    .digest('hex');
  return `00${digest}`;
}

function openSocket(options: RouterOsConnectOptions): Socket {
  if (!options.tls) return connectTcp({ host: options.host, port: options.port, noDelay: true });
  const tlsOptions: TlsOptions = options.tls === true ? {} : options.tls;
  return connectTls({ host: options.host, port: options.port, servername: /^[\d.:]+$/.test(options.host) ? undefined : options.host, ...tlsOptions });
}

/**
 * Connects and logs in. Rejects with a RouterOsError: refused, unreachable, connect-timeout (no
 * TCP/TLS within the deadline), timeout (connected, but no answer to the login in time), tls,
 * auth (`!trap` at login), closed (the router hung up before login ended), protocol.
 */
export function connectRouterOs(options: RouterOsConnectOptions): Promise<RouterOsConnection> {
  const label = `${options.host}:${options.port}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    let connection: RouterOsConnection | undefined;
    const socket = openSocket(options);
    const secureEvent = options.tls ? 'secureConnect' : 'connect';
    let transportUp = false;

    const finish = (error: RouterOsError | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      socket.off('error', onEarlyError);
      socket.off('close', onEarlyClose);
      if (error) {
        connection?.fail(error);
        socket.destroy();
        reject(error);
      } else {
        resolve(connection!);
      }
    };
    const onEarlyError = (error: NodeJS.ErrnoException): void =>
      finish(new RouterOsError(reasonOfSocketError(error), `${label}: ${error.code ?? ''} ${error.message}`.trim()));
    const onEarlyClose = (): void => finish(new RouterOsError('closed', `${label}: the router closed the connection before login ended`));
    // Attached first, so no socket error can ever go unheard.
    socket.on('error', onEarlyError);
    socket.on('close', onEarlyClose);
    // Deferred by a setImmediate (see the top of this file): a login answer already received wins.
    const onDeadline = (): void => {
      finish(
        transportUp
          ? new RouterOsError('timeout', `${label}: no answer to /login within ${options.connectTimeoutMs} ms`)
          : new RouterOsError('connect-timeout', `${label}: no ${options.tls ? 'TLS ' : ''}connection within ${options.connectTimeoutMs} ms`),
      );
    };
    const deadline = setTimeout(() => setImmediate(onDeadline), options.connectTimeoutMs);

    socket.once(secureEvent, () => {
      if (settled) return;
      transportUp = true;
      socket.setKeepAlive(true, 30_000);
      connection = new RouterOsConnection(socket, options.commandTimeoutMs, label);
      connection.onClose((reason) => finish(reason));
      void login(connection, options).then(
        () => finish(undefined),
        (error: RouterOsError) => finish(error),
      );
    });
  });
}

async function login(connection: RouterOsConnection, options: RouterOsConnectOptions): Promise<void> {
  // The login runs under the connect deadline; its own timeout only has to be longer.
  const timeoutMs = options.connectTimeoutMs + 1000;
  let reply: RouterOsReply;
  try {
    reply = await connection.command(['/login', `=name=${options.user}`, `=password=${options.password}`], { timeoutMs });
    const challenge = reply.done.ret;
    if (challenge !== undefined && /^[0-9a-f]{32}$/i.test(challenge)) {
      // A pre-6.43 router ignores =password= and asks for the challenge response.
      await connection.command(['/login', `=name=${options.user}`, `=response=${legacyLoginResponse(options.password, challenge)}`], { timeoutMs });
    }
  } catch (error) {
    const e = error as RouterOsError;
    if (e.reason === 'trap') throw new RouterOsError('auth', e.message.replace('/login: ', 'login refused: '));
    throw e;
  }
}
