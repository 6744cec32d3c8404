/**
 * When each owned site is next polled, in which order the polls of one sweep start, and a pool that
 * runs polls under a concurrency cap.
 * Each site has fixed slots one interval apart, at a phase of its own (state-leases.ts nextSlot), so
 * the sweep spreads over the interval and a site is polled at most once per slot.
 */
import { firstPollAt, nextSlot } from './state-leases.js';

export class PollSchedule {
  private readonly next = new Map<number, number>();

  constructor(private readonly intervalSeconds: number) {}

  /** Takes a site on: first polled at its slot at or after max(now, last poll + interval). */
  add(siteId: number, lastPollAt: Date | null, now: Date): Date {
    const at = firstPollAt(siteId, lastPollAt, now, this.intervalSeconds);
    this.next.set(siteId, at.getTime());
    return at;
  }

  remove(siteId: number): void {
    this.next.delete(siteId);
  }

  has(siteId: number): boolean {
    return this.next.has(siteId);
  }

  sites(): number[] {
    return [...this.next.keys()].sort((a, b) => a - b);
  }

  get size(): number {
    return this.next.size;
  }

  /** Sites whose slot has come, earliest first. */
  due(now: Date): number[] {
    const t = now.getTime();
    return [...this.next.entries()]
      .filter(([, at]) => at <= t)
      .sort((a, b) => a[1] - b[1] || a[0] - b[0])
      .map(([id]) => id);
  }

  /** After a poll that started at `startedAt`: the next slot after both it and the slot it served. */
  polled(siteId: number, startedAt: Date): void {
    const slot = this.next.get(siteId);
    if (slot === undefined) return;
    const after = Math.max(slot, startedAt.getTime()) + 1;
    this.next.set(siteId, nextSlot(siteId, new Date(after), this.intervalSeconds).getTime());
  }

  /** The earliest slot of any site (but those in `except`, polls in flight), or null with none. */
  nextDueAt(except?: ReadonlySet<number>): Date | null {
    let min = Infinity;
    for (const [id, at] of this.next) if (at < min && !except?.has(id)) min = at;
    return Number.isFinite(min) ? new Date(min) : null;
  }

  /** The next slot of one site (ms), null when not scheduled. */
  nextDueAtOf(siteId: number): number | null {
    return this.next.get(siteId) ?? null;
  }
}

/** What the last poll of a site says about how long the next one will take (site_status). */
export interface PollHistory {
  siteId: number;
  monitoring: 'api' | 'heartbeat';
  lastPollAt: Date | null;
  /** `failure: message` of the last poll, null when it answered */
  lastError: string | null;
  rttMs: number | null;
  memory: { consecutiveFailures: number };
}

/** The last poll ran into a time limit: the next one will likely wait for its whole deadline again. */
function timedOut(lastError: string | null): boolean {
  return lastError !== null && /^(connect-)?timeout:/.test(lastError);
}

/**
 * How likely a poll is to take long, higher first: a site whose last poll timed out (it waits out
 * its deadline), then one never polled (nothing known), then by the round trip of its last answer,
 * slowest first. A heartbeat site is read from the database, never waited for: last.
 */
function slowness(site: PollHistory): [number, number, number] {
  if (site.monitoring === 'heartbeat') return [0, 0, 0];
  if (timedOut(site.lastError)) return [3, site.memory.consecutiveFailures, 0];
  if (site.lastPollAt === null) return [2, 0, 0];
  return [1, site.rttMs ?? 0, site.memory.consecutiveFailures];
}

/**
 * The polls of one sweep (or of one tick's due sites) in the order to start them: the likely slow
 * ones first, so that the sweep ends about one deadline after it began rather than one deadline
 * after the last slow poll happened to start behind thousands of quick ones. Ties keep their order.
 */
export function slowFirst<T extends PollHistory>(sites: readonly T[]): T[] {
  const keyed = sites.map((site, index) => ({ site, index, key: slowness(site) }));
  keyed.sort((a, b) => b.key[0] - a.key[0] || b.key[1] - a.key[1] || b.key[2] - a.key[2] || a.index - b.index);
  return keyed.map((k) => k.site);
}

/** Runs `work` over `items`, at most `concurrency` at a time; resolves when all are done. */
export async function runPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let index = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (index < items.length) {
      const item = items[index++];
      await work(item);
    }
  });
  await Promise.all(workers);
}
