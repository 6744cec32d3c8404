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
 * exception. One deadline covers TCP, TLS and login; every command has its own timeout; after a
 * timeout, a protocol error, a `!fatal` or a socket error the socket is destroyed and every
 * pending command is rejected.
 */
import { createHash } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions as TlsOptions } from 'node:tls';
import { attributesOf, encodeSentence, SentenceReader, tagOf } from './routeros-wire.js';

export type RouterOsFailure = 'refused' | 'connect-timeout' | 'timeout' | 'auth' | 'protocol' | 'closed' | 'tls' | 'unreachable' | 'trap';

export class RouterOsError extends Error {
  constructor(
    readonly reason: RouterOsFailure,
    message: string,
    /** For reason `trap`: the router's `=category=` (0: no such command, 1: bad argument, …). */
    readonly category?: number,
  ) {
    super(message);
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
  /** Default timeout of each command (command() may override it). */
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

interface Pending {
  resolve(reply: RouterOsReply): void;
  reject(error: RouterOsError): void;
  timer: NodeJS.Timeout;
  items: Array<Record<string, string>>;
  empty: boolean;
  trap: { message: string; category: number | undefined } | undefined;
  command: string;
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
  command(words: readonly string[], options: { timeoutMs?: number } = {}): Promise<RouterOsReply> {
    if (this.closedReason) return Promise.reject(new RouterOsError(this.closedReason.reason === 'trap' ? 'closed' : this.closedReason.reason, this.closedReason.message));
    const tag = String(this.nextTag++);
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise<RouterOsReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new RouterOsError('timeout', `${this.label}: no answer to ${words[0]} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(tag, { resolve, reject, timer, items: [], empty: false, trap: undefined, command: words[0] ?? '' });
      this.socket.write(encodeSentence([...words, `.tag=${tag}`]));
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
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
    this.socket.destroy();
    for (const listener of this.closeListeners.splice(0)) listener(error);
  }

  private onData(chunk: Buffer): void {
    if (this.closedReason) return;
    let sentences: string[][];
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
    const attributes = attributesOf(words);
    if (kind === '!re') p.items.push(attributes);
    else if (kind === '!empty') p.empty = true;
    else if (kind === '!trap') {
      // Several traps can come (unknown command: two); the first one says what went wrong.
      p.trap ??= { message: attributes.message ?? '', category: attributes.category === undefined ? undefined : Number(attributes.category) };
    } else {
      this.pending.delete(tag!);
      clearTimeout(p.timer);
      if (p.trap) p.reject(new RouterOsError('trap', `${this.label}: ${p.command}: ${p.trap.message}`, p.trap.category));
      else p.resolve({ items: p.items, done: attributes, empty: p.empty });
    }
  }
}

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
    const deadline = setTimeout(() => {
      finish(
        transportUp
          ? new RouterOsError('timeout', `${label}: no answer to /login within ${options.connectTimeoutMs} ms`)
          : new RouterOsError('connect-timeout', `${label}: no ${options.tls ? 'TLS ' : ''}connection within ${options.connectTimeoutMs} ms`),
      );
    }, options.connectTimeoutMs);

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
