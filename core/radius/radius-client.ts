import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { decodeResponse } from './decode-response.js';
import type { RadiusAttributes } from './dictionary.js';
import { encodeRequest, type EncodeRequestOptions } from './encode-request.js';
import { peekHeader } from './packet-layout.js';
import type { ReplyAttribute } from './packet-writer.js';

export interface RadiusClientOptions {
  host: string;
  port: number;
  secret: string;
  /** Wait per attempt before retransmitting; default 1000 ms. */
  timeoutMs?: number;
  /** Retransmissions of the identical bytes after the first attempt; default 2. */
  retries?: number;
  localAddress?: string;
}

export interface RadiusReply {
  code: number;
  identifier: number;
  attributes: RadiusAttributes;
  raw: Buffer;
}

export class RadiusTimeoutError extends Error {
  constructor(attempts: number) {
    super(`RADIUS request timeout: no valid response after ${attempts} attempt(s)`);
    this.name = 'RadiusTimeoutError';
  }
}

interface PendingRequest {
  identifier: number;
  authenticator: Buffer;
  raw: Buffer;
  attemptsLeft: number;
  attempts: number;
  timer?: NodeJS.Timeout;
  resolve(reply: RadiusReply): void;
  reject(error: Error): void;
}

interface IdentifierWaiter {
  resolve(identifier: number): void;
  reject(error: Error): void;
}

const IDENTIFIERS = 256;

/**
 * A small UDP RADIUS client: one socket, identifiers handed out round-robin and a response matched by
 * identifier and verified against the request authenticator; a response that does not verify is
 * ignored, as a NAS does. Used by the tests, the benchmark, the emulators and CoA/Disconnect.
 */
export class RadiusClient {
  private readonly timeoutMs: number;
  private readonly retries: number;
  private socketReady?: Promise<Socket>;
  private readonly pending = new Map<number, PendingRequest>();
  private readonly identifiersInUse = new Set<number>();
  private readonly identifierWaiters: IdentifierWaiter[] = [];
  private nextIdentifier = 0;
  private closed = false;

  constructor(private readonly options: RadiusClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.retries = options.retries ?? 2;
  }

  async request(code: number, attributes: ReplyAttribute[], options?: EncodeRequestOptions): Promise<RadiusReply> {
    if (this.closed) throw new Error('RADIUS client closed');
    const socket = await this.openSocket();
    const identifier = await this.allocateIdentifier();
    if (this.closed) throw new Error('RADIUS client closed');
    let encoded;
    try {
      encoded = encodeRequest(code, identifier, attributes, this.options.secret, options);
    } catch (error) {
      this.releaseIdentifier(identifier);
      throw error;
    }
    return new Promise<RadiusReply>((resolve, reject) => {
      const entry: PendingRequest = { identifier, ...encoded, attemptsLeft: this.retries + 1, attempts: 0, resolve, reject };
      this.pending.set(identifier, entry);
      this.transmit(socket, entry);
    });
  }

  /** Releases the socket; pending requests are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new Error('RADIUS client closed');
    for (const waiter of this.identifierWaiters.splice(0)) waiter.reject(error);
    this.failAll(error);
    const socket = await this.socketReady?.catch(() => undefined);
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private openSocket(): Promise<Socket> {
    this.socketReady ??= new Promise<Socket>((resolve, reject) => {
      const socket = createSocket(isIPv6(this.options.host) ? 'udp6' : 'udp4');
      socket.on('message', (message) => this.receive(message));
      socket.once('error', (error) => {
        socket.close();
        reject(error);
      });
      socket.bind({ port: 0, address: this.options.localAddress }, () => {
        socket.removeAllListeners('error');
        socket.on('error', (error) => this.failAll(error));
        // Pending requests keep the process alive through their timers; an idle client must not.
        socket.unref();
        resolve(socket);
      });
    });
    return this.socketReady;
  }

  private takeIdentifier(): number | undefined {
    for (let step = 0; step < IDENTIFIERS; step++) {
      const identifier = (this.nextIdentifier + step) % IDENTIFIERS;
      if (this.identifiersInUse.has(identifier)) continue;
      this.identifiersInUse.add(identifier);
      this.nextIdentifier = (identifier + 1) % IDENTIFIERS;
      return identifier;
    }
    return undefined;
  }

  /** All 256 identifiers in flight: the request waits for one to be released. */
  private allocateIdentifier(): Promise<number> {
    const identifier = this.takeIdentifier();
    if (identifier !== undefined) return Promise.resolve(identifier);
    return new Promise((resolve, reject) => this.identifierWaiters.push({ resolve, reject }));
  }

  private releaseIdentifier(identifier: number): void {
    const waiter = this.identifierWaiters.shift();
    if (waiter) waiter.resolve(identifier);
    else this.identifiersInUse.delete(identifier);
  }

  private transmit(socket: Socket, entry: PendingRequest): void {
    entry.attemptsLeft--;
    entry.attempts++;
    entry.timer = setTimeout(() => this.onTimeout(socket, entry), this.timeoutMs);
    try {
      socket.send(entry.raw, this.options.port, this.options.host, (error) => {
        if (error) this.settle(entry, error);
      });
    } catch (error) {
      this.settle(entry, error as Error);
    }
  }

  private onTimeout(socket: Socket, entry: PendingRequest): void {
    if (entry.attemptsLeft > 0) this.transmit(socket, entry);
    else this.settle(entry, new RadiusTimeoutError(entry.attempts));
  }

  private receive(message: Buffer): void {
    const header = peekHeader(message);
    const entry = header && this.pending.get(header.identifier);
    if (!header || !entry) return;
    const decoded = decodeResponse(message, entry.authenticator, this.options.secret);
    if (!decoded.ok) return;
    const raw = message.subarray(0, header.length);
    this.settle(entry, { code: decoded.code, identifier: decoded.identifier, attributes: decoded.attributes, raw });
  }

  private settle(entry: PendingRequest, outcome: RadiusReply | Error): void {
    if (this.pending.get(entry.identifier) !== entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(entry.identifier);
    this.releaseIdentifier(entry.identifier);
    if (outcome instanceof Error) entry.reject(outcome);
    else entry.resolve(outcome);
  }

  private failAll(error: Error): void {
    for (const entry of [...this.pending.values()]) this.settle(entry, error);
  }
}
