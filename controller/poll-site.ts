/**
 * One poll of one router (DESIGN.md "Router monitoring"): system resource, interface counters, the
 * count of active hotspot users and whether the wireless package is there, over a connection kept
 * open between polls. The result is a value, never an exception: a PollResult says what the router
 * answered or which way it failed.
 *
 * Connections: one per site, reused while it stays open (5,000 sites are 5,000 idle sockets). A
 * kept connection that turns out dead at the next poll (a reboot, a flap) is replaced once at
 * once; after a failed connect the next attempt waits an exponential backoff with full jitter,
 * and polls meanwhile return the last failure without touching the network.
 *
 * Time (CONTROLLER_CONNECT_TIMEOUT_MS = C, CONTROLLER_COMMAND_TIMEOUT_MS = M):
 * - each step has its own limit: TCP, TLS and login together within C; the four reads, sent
 *   together in one write, fail when the router stays silent for M while they wait (counted from
 *   the write and again from each reply, so a router that is still answering is not cut off);
 * - and the poll as a whole ends C + M after it started, whatever happened inside: a kept
 *   connection found dead and replaced, a two-step legacy login, a router that answers each read
 *   slowly. That is what one healthy-but-slow router needs at most (one connect, one round of
 *   reads), so no poll holds a slot of the sweep longer.
 * For example, with C = M = 5 s, a router that answers each command 3 s after the previous one
 * (login at 3 s, reads at 6, 9, 12 and 15 s) is never silent for 5 s, but the poll ends at 10 s:
 * a failed poll, `timeout: poll ran out of time after 10000 ms (connect 5000 + command 5000 ms):
 * … (2 of 4 commands answered)`. A router that works on the four reads side by side, as RouterOS
 * does, answers them all 3 s after the login and is up.
 *
 * New connections start at most `connectsPerTurn` per turn of the event loop: a burst of hundreds
 * of connects and logins at the start of a sweep would otherwise starve the reads of the
 * connections already open (their replies waiting in socket buffers while their timers run).
 */
import { performance } from 'node:perf_hooks';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { Logger } from 'pino';
import type { Clock } from '../core/domain/clock.js';
import { rateBetween, type CounterReading } from '../core/domain/counters.js';
import { parseCounter, parseDuration, parseInteger, parseVersion } from '../core/domain/routeros-values.js';
import type { RouterVitals } from './router-vitals.js';
import { connectRouterOs, RouterOsError, type RouterOsConnection, type RouterOsReply, type RunResult } from './routeros-client.js';

export interface RouterTarget {
  siteId: number;
  host: string;
  port: number;
  tls: boolean;
  user: string;
  password: string;
}

export type PollFailure = 'refused' | 'connect-timeout' | 'timeout' | 'auth' | 'protocol' | 'closed' | 'tls' | 'unreachable';

export type PollResult =
  | (RouterVitals & {
      ok: true;
      at: Date;
      rttMs: number;
      /** Cumulative bytes, summed over interfaces (loses precision beyond 2^53, as any JS number). */
      rxBytes: number;
      txBytes: number;
      /** Bytes/s since the previous poll of this site; null on the first, across a reboot or a reset. */
      rxRate: number | null;
      txRate: number | null;
      wirelessMissing: boolean;
    })
  | { ok: false; at: Date; rttMs: number | null; failure: PollFailure; message: string };

export interface RouterPoller {
  poll(target: RouterTarget): Promise<PollResult>;
  /** Drops the site's connection and history (a site removed or handed to another controller). */
  forget(siteId: number): void;
  close(): Promise<void>;
  openConnections(): number;
}

export interface RouterPollerOptions {
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  clock: Clock;
  logger: Logger;
  /** Reconnect backoff after failed connects: base × 2^(failures−1), capped, full jitter. Defaults 1 s and 60 s: keep the cap at or under the poll interval, so a router that comes back is seen within two intervals. */
  backoff?: { baseMs: number; maxMs: number };
  /**
   * TLS settings for API-SSL sites (node:tls: `ca` for the routers' CA, `checkServerIdentity` to
   * pin a fingerprint). Default: the certificate is verified as for any TLS server, so a router
   * with an unverifiable self-signed certificate fails with `tls` rather than sending the password
   * to whoever answers.
   */
  tls?: TlsOptions;
  /** For tests: a source of [0, 1) for the jitter. */
  random?: () => number;
  /** New connections started per turn of the event loop, the rest on the next turns (default 50). */
  connectsPerTurn?: number;
}

const RESOURCE_PROPS = 'uptime,version,board-name,cpu-load,free-memory,total-memory';
const INTERFACE_PROPS = 'name,rx-byte,tx-byte';

/** The four reads of a poll, in the order of their outcomes. */
const READS: ReadonlyArray<readonly string[]> = [
  ['/system/resource/print', `=.proplist=${RESOURCE_PROPS}`],
  ['/interface/print', `=.proplist=${INTERFACE_PROPS}`],
  ['/ip/hotspot/active/print', '=count-only='],
  ['/interface/wireless/print', '=count-only='],
];

interface SiteState {
  key: string;
  connection: RouterOsConnection | undefined;
  connecting: Promise<RouterOsConnection> | undefined;
  /** Consecutive failed connects (for the backoff). */
  failures: number;
  /** No reconnect before this clock time (ms). */
  retryAt: number;
  lastFailure: { failure: PollFailure; message: string } | undefined;
  previous: CounterReading & { tx: ReadonlyMap<string, bigint> } | undefined;
  /** One poll at a time per site: a second poll() waits for the first. */
  busy: Promise<unknown>;
}

function keyOf(t: RouterTarget): string {
  return JSON.stringify([t.host, t.port, t.tls, t.user, t.password]);
}

function failureOf(error: unknown): { failure: PollFailure; message: string } {
  if (error instanceof RouterOsError) {
    return { failure: error.reason === 'trap' ? 'protocol' : error.reason, message: error.message };
  }
  return { failure: 'protocol', message: `unexpected: ${(error as Error)?.message ?? String(error)}` };
}

/** The router answered, but not what a poll needs (a value that does not parse, a trap). */
interface Unreadable {
  failure: PollFailure;
  message: string;
}

/** A gate that lets `perTurn` calls through per turn of the event loop and queues the rest for the next turns. */
function createTurnGate(perTurn: number): (start: () => void) => void {
  const queue: Array<() => void> = [];
  let started = 0;
  let scheduled = false;
  const nextTurn = (): void => {
    scheduled = false;
    started = 0;
    while (started < perTurn && queue.length > 0) {
      started += 1;
      queue.shift()!();
    }
    if (queue.length > 0 || started > 0) schedule();
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(nextTurn);
  };
  return (start) => {
    if (started < perTurn && queue.length === 0) {
      started += 1;
      schedule();
      start();
    } else {
      queue.push(start);
      schedule();
    }
  };
}

export function createRouterPoller(options: RouterPollerOptions): RouterPoller {
  const { connectTimeoutMs, commandTimeoutMs, clock, logger } = options;
  const backoff = options.backoff ?? { baseMs: 1000, maxMs: 60_000 };
  const random = options.random ?? Math.random;
  const sites = new Map<number, SiteState>();
  let closed = false;

  function stateOf(target: RouterTarget): SiteState {
    const key = keyOf(target);
    let state = sites.get(target.siteId);
    if (state && state.key !== key) {
      // Address or credentials changed: a new connection, a fresh backoff.
      state.connection?.fail(new RouterOsError('closed', 'site settings changed'));
      state = undefined;
    }
    if (!state) {
      state = { key, connection: undefined, connecting: undefined, failures: 0, retryAt: 0, lastFailure: undefined, previous: undefined, busy: Promise.resolve() };
      sites.set(target.siteId, state);
    }
    return state;
  }

  const startConnect = createTurnGate(options.connectsPerTurn ?? 50);

  function connect(target: RouterTarget, state: SiteState, timeoutMs: number): Promise<RouterOsConnection> {
    const attempt = new Promise<RouterOsConnection>((resolve, reject) => {
      startConnect(() => {
        if (closed) {
          reject(new RouterOsError('closed', 'poller closed'));
          return;
        }
        connectRouterOs({
          host: target.host,
          port: target.port,
          tls: target.tls ? (options.tls ?? true) : false,
          user: target.user,
          password: target.password,
          connectTimeoutMs: timeoutMs,
          commandTimeoutMs,
        }).then(resolve, reject);
      });
    }).then(
      (connection) => {
        state.failures = 0;
        state.retryAt = 0;
        if (closed || sites.get(target.siteId) !== state) {
          void connection.close();
          throw new RouterOsError('closed', 'poller closed');
        }
        state.connection = connection;
        connection.onClose(() => {
          if (state.connection === connection) state.connection = undefined;
        });
        return connection;
      },
      (error: unknown) => {
        state.failures += 1;
        const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(30, state.failures - 1));
        state.retryAt = clock().getTime() + Math.floor(random() * ceiling);
        throw error;
      },
    );
    state.connecting = attempt;
    attempt.then(
      () => {
        if (state.connecting === attempt) state.connecting = undefined;
      },
      () => {
        if (state.connecting === attempt) state.connecting = undefined;
      },
    );
    return attempt;
  }

  /** A router without the wireless package answers "no such command" (category 0). */
  function isNoSuchCommand(error: RouterOsError): boolean {
    return error.category === 0 || /no such command/.test(error.message);
  }

  /** The reads' outcomes as a PollResult, or what made them unreadable. */
  function toResult(state: SiteState, at: Date, read: RunResult): PollResult | Unreadable {
    const [resourceReply, interfaceReply, activeReply, wirelessReply] = read.outcomes;
    for (const reply of [resourceReply, interfaceReply, activeReply]) if (reply instanceof RouterOsError) return failureOf(reply);
    if (wirelessReply instanceof RouterOsError && !isNoSuchCommand(wirelessReply)) return failureOf(wirelessReply);
    const resource = resourceReply as RouterOsReply;
    const res = resource.items[0];
    if (!res) return { failure: 'protocol', message: '/system/resource/print returned no item' };
    const unreadable = (what: string, text: string | undefined): Unreadable => ({ failure: 'protocol', message: `${what}: cannot read ${JSON.stringify(text)}` });
    const uptime = parseDuration(res.uptime);
    if (uptime === undefined) return unreadable('uptime', res.uptime);
    if (parseVersion(res.version) === undefined) return unreadable('version', res.version);
    const cpuLoad = parseInteger(res['cpu-load']);
    if (cpuLoad === undefined) return unreadable('cpu-load', res['cpu-load']);
    const freeMemory = parseInteger(res['free-memory']);
    if (freeMemory === undefined) return unreadable('free-memory', res['free-memory']);
    const totalMemory = parseInteger(res['total-memory']);
    if (totalMemory === undefined) return unreadable('total-memory', res['total-memory']);
    const activeRet = (activeReply as RouterOsReply).done.ret;
    const activeUsers = parseInteger(activeRet);
    if (activeUsers === undefined) return unreadable('active users', activeRet);
    const uptimeSeconds = Math.floor(uptime);
    const rx = new Map<string, bigint>();
    const tx = new Map<string, bigint>();
    let rxSum = 0n;
    let txSum = 0n;
    for (const item of (interfaceReply as RouterOsReply).items) {
      const name = item.name ?? item['.id'] ?? String(rx.size);
      const r = parseCounter(item['rx-byte'] ?? '0');
      if (r === undefined) return unreadable(`${name} rx-byte`, item['rx-byte']);
      const t = parseCounter(item['tx-byte'] ?? '0');
      if (t === undefined) return unreadable(`${name} tx-byte`, item['tx-byte']);
      rx.set(name, r);
      tx.set(name, t);
      rxSum += r;
      txSum += t;
    }
    const current = { at, uptimeSeconds, counters: rx, tx };
    const previous = state.previous;
    const rxRate = rateBetween(previous, current);
    const txRate = rateBetween(previous && { at: previous.at, uptimeSeconds: previous.uptimeSeconds, counters: previous.tx }, { at, uptimeSeconds, counters: tx });
    state.previous = current;
    return {
      ok: true,
      at,
      rttMs: Math.round(read.firstAnswerMs * 10) / 10,
      uptimeSeconds,
      cpuLoad,
      freeMemory,
      totalMemory,
      version: res.version.trim(),
      board: res['board-name'] ?? '',
      activeUsers,
      rxBytes: Number(rxSum),
      txBytes: Number(txSum),
      rxRate: rxRate === null ? null : Math.round(rxRate),
      txRate: txRate === null ? null : Math.round(txRate),
      wirelessMissing: wirelessReply instanceof RouterOsError,
    };
  }

  const budgetMs = connectTimeoutMs + commandTimeoutMs;

  async function pollOnce(target: RouterTarget, state: SiteState): Promise<PollResult> {
    const at = clock();
    const startedAt = performance.now();
    // The whole poll ends here (see the top of this file).
    const deadlineAt = startedAt + budgetMs;
    const failed = (failure: PollFailure, message: string, remember: boolean): PollResult => {
      const outOfTime = (failure === 'timeout' || failure === 'connect-timeout') && performance.now() >= deadlineAt;
      const text = outOfTime ? `poll ran out of time after ${budgetMs} ms (connect ${connectTimeoutMs} + command ${commandTimeoutMs} ms): ${message}` : message;
      state.lastFailure = remember ? { failure, message: text } : undefined;
      logger.debug({ siteId: target.siteId, failure, msg: text }, 'poll failed');
      return { ok: false, at, rttMs: null, failure, message: text };
    };
    let connection = state.connection?.isOpen ? state.connection : undefined;
    let reused = connection !== undefined;
    for (let attempt = 0; ; attempt++) {
      let read: RunResult;
      try {
        if (!connection) {
          if (state.lastFailure && clock().getTime() < state.retryAt) {
            const { failure, message } = state.lastFailure;
            return { ok: false, at, rttMs: null, failure, message: `${message} (next connect after ${new Date(state.retryAt).toISOString()})` };
          }
          const left = Math.floor(deadlineAt - performance.now());
          if (left <= 0) return failed('timeout', `${target.host}:${target.port}: no time left to connect`, false);
          connection = await (state.connecting ?? connect(target, state, Math.min(connectTimeoutMs, left)));
          reused = false;
        }
        read = await connection.run(READS, { timeoutMs: commandTimeoutMs, deadlineAt });
      } catch (error) {
        const { failure, message } = failureOf(error);
        // A kept connection found dead (the router rebooted or flapped since the last poll): one
        // fresh connection now, not a lost poll.
        if (reused && attempt === 0 && failure === 'closed') {
          connection = undefined;
          continue;
        }
        return failed(failure, message, true);
      }
      const result = toResult(state, at, read);
      // The router answered, but not what a poll needs: keep the connection, report it.
      if (!('ok' in result)) return failed(result.failure, result.message, false);
      state.lastFailure = undefined;
      return result;
    }
  }

  return {
    poll(target) {
      if (closed) return Promise.resolve({ ok: false, at: clock(), rttMs: null, failure: 'closed', message: 'poller closed' });
      const state = stateOf(target);
      const run = state.busy.then(() => pollOnce(target, state)).catch((error: unknown): PollResult => ({ ok: false, at: clock(), rttMs: null, ...failureOf(error) }));
      state.busy = run;
      return run;
    },
    forget(siteId) {
      const state = sites.get(siteId);
      sites.delete(siteId);
      state?.connection?.fail(new RouterOsError('closed', 'site forgotten'));
    },
    async close() {
      closed = true;
      const all = [...sites.values()];
      sites.clear();
      for (const s of all) s.connection?.fail(new RouterOsError('closed', 'poller closed'));
      await Promise.allSettled(all.map((s) => s.connecting));
    },
    openConnections() {
      let n = 0;
      for (const s of sites.values()) if (s.connection?.isOpen) n += 1;
      return n;
    },
  };
}
