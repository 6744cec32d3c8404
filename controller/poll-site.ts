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
 */
import { performance } from 'node:perf_hooks';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { Logger } from 'pino';
import type { Clock } from '../core/domain/clock.js';
import { rateBetween, type CounterReading } from '../core/domain/counters.js';
import { parseCounter, parseDuration, parseInteger, parseVersion } from '../core/domain/routeros-values.js';
import { connectRouterOs, RouterOsError, type RouterOsConnection, type RouterOsReply } from './routeros-client.js';

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
  | {
      ok: true;
      at: Date;
      rttMs: number;
      uptimeSeconds: number;
      cpuLoad: number;
      freeMemory: number;
      totalMemory: number;
      version: string;
      board: string;
      activeUsers: number;
      /** Cumulative bytes, summed over interfaces (loses precision beyond 2^53, as any JS number). */
      rxBytes: number;
      txBytes: number;
      /** Bytes/s since the previous poll of this site; null on the first, across a reboot or a reset. */
      rxRate: number | null;
      txRate: number | null;
      wirelessMissing: boolean;
    }
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
}

const RESOURCE_PROPS = 'uptime,version,board-name,cpu-load,free-memory,total-memory';
const INTERFACE_PROPS = 'name,rx-byte,tx-byte';

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

class PollError extends Error {
  constructor(
    readonly failure: PollFailure,
    message: string,
  ) {
    super(message);
  }
}

function required<T>(value: T | undefined, what: string, text: string | undefined): T {
  if (value === undefined) throw new PollError('protocol', `${what}: cannot read ${JSON.stringify(text)}`);
  return value;
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

  function connect(target: RouterTarget, state: SiteState): Promise<RouterOsConnection> {
    const attempt = connectRouterOs({
      host: target.host,
      port: target.port,
      tls: target.tls ? (options.tls ?? true) : false,
      user: target.user,
      password: target.password,
      connectTimeoutMs,
      commandTimeoutMs,
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
    void attempt.finally(() => {
      if (state.connecting === attempt) state.connecting = undefined;
    }).catch(() => undefined);
    return attempt;
  }

  async function readRouter(connection: RouterOsConnection): Promise<{ rttMs: number; replies: RouterOsReply[]; wirelessMissing: boolean }> {
    const started = performance.now();
    const resource = connection.command(['/system/resource/print', `=.proplist=${RESOURCE_PROPS}`]);
    const firstAnswer = resource.then(() => performance.now() - started);
    const interfaces = connection.command(['/interface/print', `=.proplist=${INTERFACE_PROPS}`]);
    const active = connection.command(['/ip/hotspot/active/print', '=count-only=']);
    const wireless = connection.command(['/interface/wireless/print', '=count-only=']).then(
      () => false,
      (error: unknown) => {
        // A router without the wireless package answers "no such command" (category 0).
        if (error instanceof RouterOsError && error.reason === 'trap' && (error.category === 0 || /no such command/.test(error.message))) return true;
        throw error;
      },
    );
    const settled = await Promise.allSettled([resource, interfaces, active, wireless, firstAnswer]);
    const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (rejected) throw rejected.reason;
    const [r, i, a, w, rtt] = settled.map((s) => (s as PromiseFulfilledResult<unknown>).value);
    return { rttMs: Math.round((rtt as number) * 10) / 10, replies: [r, i, a] as RouterOsReply[], wirelessMissing: w as boolean };
  }

  function toResult(state: SiteState, at: Date, read: Awaited<ReturnType<typeof readRouter>>): PollResult {
    const [resourceReply, interfaceReply, activeReply] = read.replies;
    const res = resourceReply.items[0];
    if (!res) throw new PollError('protocol', '/system/resource/print returned no item');
    const uptimeSeconds = Math.floor(required(parseDuration(res.uptime), 'uptime', res.uptime));
    required(parseVersion(res.version), 'version', res.version);
    const rx = new Map<string, bigint>();
    const tx = new Map<string, bigint>();
    for (const item of interfaceReply.items) {
      const name = item.name ?? item['.id'] ?? String(rx.size);
      rx.set(name, required(parseCounter(item['rx-byte'] ?? '0'), `${name} rx-byte`, item['rx-byte']));
      tx.set(name, required(parseCounter(item['tx-byte'] ?? '0'), `${name} tx-byte`, item['tx-byte']));
    }
    const sum = (m: Map<string, bigint>): number => Number([...m.values()].reduce((a, b) => a + b, 0n));
    const current = { at, uptimeSeconds, counters: rx, tx };
    const previous = state.previous;
    const rxRate = rateBetween(previous, current);
    const txRate = rateBetween(previous && { at: previous.at, uptimeSeconds: previous.uptimeSeconds, counters: previous.tx }, { at, uptimeSeconds, counters: tx });
    state.previous = current;
    return {
      ok: true,
      at,
      rttMs: read.rttMs,
      uptimeSeconds,
      cpuLoad: required(parseInteger(res['cpu-load']), 'cpu-load', res['cpu-load']),
      freeMemory: required(parseInteger(res['free-memory']), 'free-memory', res['free-memory']),
      totalMemory: required(parseInteger(res['total-memory']), 'total-memory', res['total-memory']),
      version: res.version.trim(),
      board: res['board-name'] ?? '',
      activeUsers: required(parseInteger(activeReply.done.ret), 'active users', activeReply.done.ret),
      rxBytes: sum(rx),
      txBytes: sum(tx),
      rxRate: rxRate === null ? null : Math.round(rxRate),
      txRate: txRate === null ? null : Math.round(txRate),
      wirelessMissing: read.wirelessMissing,
    };
  }

  async function pollOnce(target: RouterTarget): Promise<PollResult> {
    const state = stateOf(target);
    const at = clock();
    let connection = state.connection?.isOpen ? state.connection : undefined;
    let reused = connection !== undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        if (!connection) {
          if (state.lastFailure && clock().getTime() < state.retryAt) {
            const { failure, message } = state.lastFailure;
            return { ok: false, at, rttMs: null, failure, message: `${message} (next connect after ${new Date(state.retryAt).toISOString()})` };
          }
          connection = await (state.connecting ?? connect(target, state));
          reused = false;
        }
        const read = await readRouter(connection);
        const result = toResult(state, at, read);
        state.lastFailure = undefined;
        return result;
      } catch (error) {
        const { failure, message } = error instanceof PollError ? { failure: error.failure, message: error.message } : failureOf(error);
        // A kept connection found dead (the router rebooted or flapped since the last poll): one
        // fresh connection now, not a lost poll.
        if (reused && attempt === 0 && failure === 'closed') {
          connection = undefined;
          continue;
        }
        if (error instanceof PollError || (error instanceof RouterOsError && error.reason === 'trap')) {
          // The router answered, but not what a poll needs: keep the connection, report it.
          state.lastFailure = undefined;
        } else {
          state.lastFailure = { failure, message };
        }
        logger.debug({ siteId: target.siteId, failure, msg: message }, 'poll failed');
        return { ok: false, at, rttMs: null, failure, message };
      }
    }
  }

  return {
    poll(target) {
      if (closed) return Promise.resolve({ ok: false, at: clock(), rttMs: null, failure: 'closed', message: 'poller closed' });
      const state = stateOf(target);
      const run = state.busy.then(() => pollOnce(target)).catch((error: unknown): PollResult => ({ ok: false, at: clock(), rttMs: null, ...failureOf(error) }));
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
