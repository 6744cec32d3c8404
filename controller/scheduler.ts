/**
 * When each owned site is next polled, and a pool that runs polls under a concurrency cap.
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

  /** The earliest slot of any site, or null with no sites. */
  nextDueAt(): Date | null {
    let min = Infinity;
    for (const at of this.next.values()) if (at < min) min = at;
    return Number.isFinite(min) ? new Date(min) : null;
  }
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
