/**
 * Which routers of the fleet misbehave, and how. A fault share is a percent of the fleet (rounded)
 * or an exact number of routers; the routers are picked by a shuffle seeded with --seed, so the
 * same options give the same faulty routers every run. A router has at most one fault.
 */
import type { Parsed } from '../../core/domain/units.js';
import { shuffled } from './random.js';

export const FAULT_KINDS = [
  /** Port closed: nothing listens there. */
  'dead',
  /** Accepts the connection, reads, never answers (not even the login). */
  'silent',
  /** Answers correctly, each reply (login included) `slowReplyMs` late. */
  'slow',
  /** Logs in, then answers the first command with malformed bytes and closes mid-sentence (or cuts the login: mode cut-at-login). */
  'garbage',
  /** Alternately up (listening) and dead (port closed) by time windows; the router itself keeps running. */
  'flapping',
  /** Reboots every `rebootEverySeconds`: uptime falls back, counters reset, open connections drop. */
  'rebooting',
  /** Accepts other credentials than the fleet's: login ends in `!trap` "invalid user name or password (6)". */
  'wrong-credentials',
  /** No wireless package: `/interface/wireless/...` answers `!trap` "no such command". */
  'no-wireless',
  /** Answers, but with CPU load above 90% and free memory below 5% (for "degraded"). */
  'busy',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** How garbage routers corrupt their first command reply (assigned in turn among them). */
export const GARBAGE_MODES = [
  /** A word announces 40 bytes, 10 follow, the socket closes. */
  'truncated',
  /** A reserved control byte (0xF8–0xFF) where a word length belongs, then close. */
  'reserved-byte',
  /** A whole sentence with an unknown reply word (`!bogus`), then close. */
  'unknown-reply',
  /** Seeded random bytes, then close. */
  'noise',
  /** Half of the login's `!done`, then close: the connection dies before login ends. */
  'cut-at-login',
] as const;

export type GarbageMode = (typeof GARBAGE_MODES)[number];

/** A share of the fleet: `{ percent }` of the routers (rounded), or an exact `{ count }`. */
export type FaultShare = { percent: number } | { count: number };

export type FaultShares = Partial<Record<FaultKind, FaultShare>>;

export function isFaultKind(text: string): text is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(text);
}

/**
 * Reads `dead=5,silent=3,slow=#2`: a bare number or `N%` is a percent of the fleet, `#N` an exact
 * number of routers.
 */
export function parseFaultShares(text: string): Parsed<FaultShares> {
  const shares: FaultShares = {};
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const match = /^([a-z-]+)=(#?)(\d+(?:\.\d+)?)(%?)$/.exec(part);
    if (!match) return { ok: false, reason: `"${part}" is not kind=percent or kind=#count (e.g. dead=5,slow=#2)` };
    const [, kind, hash, number, percentSign] = match;
    if (!isFaultKind(kind)) return { ok: false, reason: `unknown fault "${kind}" (known: ${FAULT_KINDS.join(', ')})` };
    if (hash !== '' && percentSign !== '') return { ok: false, reason: `"${part}": either #count or percent, not both` };
    const value = Number(number);
    if (hash !== '') {
      if (!Number.isInteger(value)) return { ok: false, reason: `"${part}": a count is a whole number` };
      shares[kind] = { count: value };
    } else {
      if (value > 100) return { ok: false, reason: `"${part}": a percent is at most 100` };
      shares[kind] = { percent: value };
    }
  }
  return { ok: true, value: shares };
}

/** How many routers of a fleet of `total` a share names. */
export function routersFor(share: FaultShare, total: number): number {
  return 'count' in share ? share.count : Math.round((total * share.percent) / 100);
}

/**
 * The fault of each router, by index (null: healthy). Throws RangeError when the shares add up to
 * more routers than the fleet has.
 */
export function assignFaults(total: number, shares: FaultShares, seed: number): Array<FaultKind | null> {
  const wanted = FAULT_KINDS.map((kind) => [kind, shares[kind] ? routersFor(shares[kind], total) : 0] as const);
  const sum = wanted.reduce((n, [, k]) => n + k, 0);
  if (sum > total) {
    throw new RangeError(`the faults name ${sum} routers but the fleet has ${total}`);
  }
  const order = shuffled(
    Array.from({ length: total }, (_, i) => i),
    seed,
    'faults',
  );
  const faults: Array<FaultKind | null> = new Array(total).fill(null);
  let next = 0;
  for (const [kind, n] of wanted) {
    for (let k = 0; k < n; k++) faults[order[next++]] = kind;
  }
  return faults;
}

/** A readable summary: `dead=2 silent=1` (healthy routers left out). */
export function describeFaults(faults: ReadonlyArray<FaultKind | null>): string {
  const counts = new Map<FaultKind, number>();
  for (const f of faults) if (f) counts.set(f, (counts.get(f) ?? 0) + 1);
  return FAULT_KINDS.filter((k) => counts.has(k))
    .map((k) => `${k}=${counts.get(k)}`)
    .join(' ');
}
