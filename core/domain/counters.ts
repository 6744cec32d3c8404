/**
 * Rates from two readings of a router's byte counters. Counters wrap at 2^32 (some v6 routers) or
 * 2^64, and start again at 0 when the router reboots or the counters are reset: a wrap gives the
 * bytes across it, a reset gives no rate (null), never a huge number.
 */

export const TWO_32 = 1n << 32n;
export const TWO_64 = 1n << 64n;

/** No link carries more than this (100 Gbit/s); a "delta" above it is a reset, not traffic. */
export const MAX_PLAUSIBLE_BYTES_PER_SECOND = 12_500_000_000;

/**
 * Bytes counted between two readings `elapsedSeconds` apart. When the counter went down it
 * wrapped: at 2^32 if the earlier reading fits in 32 bits, else at 2^64. undefined when the
 * result is not plausible (a reset or a reboot) or the readings are not in time order.
 */
export function counterDelta(previous: bigint, current: bigint, elapsedSeconds: number): bigint | undefined {
  if (!(elapsedSeconds > 0) || previous < 0n || current < 0n) return undefined;
  let delta: bigint;
  if (current >= previous) delta = current - previous;
  else if (previous < TWO_32 && current < TWO_32) delta = TWO_32 - previous + current;
  else if (previous < TWO_64 && current < TWO_64) delta = TWO_64 - previous + current;
  else return undefined;
  const limit = BigInt(Math.ceil(MAX_PLAUSIBLE_BYTES_PER_SECOND * elapsedSeconds));
  return delta <= limit ? delta : undefined;
}

/**
 * Whether the router rebooted between two readings: its boot instant (reading time − uptime)
 * moved by more than `toleranceSeconds`. Uptime going backwards is the plain case; a reboot
 * longer ago than the gap between polls is caught too.
 */
export function rebootedBetween(
  previous: { at: Date; uptimeSeconds: number },
  current: { at: Date; uptimeSeconds: number },
  toleranceSeconds = 30,
): boolean {
  if (current.uptimeSeconds < previous.uptimeSeconds) return true;
  const bootBefore = previous.at.getTime() / 1000 - previous.uptimeSeconds;
  const bootNow = current.at.getTime() / 1000 - current.uptimeSeconds;
  return bootNow - bootBefore > toleranceSeconds;
}

export interface CounterReading {
  at: Date;
  uptimeSeconds: number;
  /** Counters by interface name. */
  counters: ReadonlyMap<string, bigint>;
}

/**
 * Bytes per second summed over the interfaces present in both readings; null on the first
 * reading, across a reboot, when the readings are not in time order, or when any interface's
 * counter fell back in a way that is not a wrap (a reset).
 */
export function rateBetween(previous: CounterReading | undefined, current: CounterReading): number | null {
  if (!previous) return null;
  const elapsed = (current.at.getTime() - previous.at.getTime()) / 1000;
  if (!(elapsed > 0) || rebootedBetween(previous, current)) return null;
  let total = 0n;
  for (const [name, value] of current.counters) {
    const before = previous.counters.get(name);
    if (before === undefined) continue;
    const delta = counterDelta(before, value, elapsed);
    if (delta === undefined) return null;
    total += delta;
  }
  return Number(total) / elapsed;
}
