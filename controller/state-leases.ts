/**
 * Lease arithmetic for several controllers sharing the fleet (issue 4 §5), pure so it can be tested.
 *
 * Each controller, every `renewEvery` (a quarter interval): writes its heartbeat, renews the leases of
 * its sites to now + `lease` (1.5 intervals), releases sites above its fair share, and claims sites
 * whose lease has lapsed, up to its fair share. Why these numbers:
 *
 * - Takeover: a dead controller renewed at most `renewEvery` before it died, so its leases lapse at
 *   most `lease` after its death, and another controller claims them within `renewEvery` after that:
 *   lease + renewEvery = 1.75 intervals ≤ 2 intervals.
 * - No site polled twice in an interval: each site has slots one interval apart (phaseOf) and is
 *   polled at most once per slot; a claimed site is first polled at a slot after the one its
 *   last_poll_at served. A dead controller's last poll may not have been written, but it happened
 *   before its death, and the claim comes at least lease - renewEvery = 1.25 intervals after its last
 *   renewal, so more than one interval after that poll. A controller that releases a site writes
 *   its polls first.
 */

export interface LeaseTiming {
  intervalSeconds: number;
  /** how long a lease lasts from its last renewal */
  leaseSeconds: number;
  /** how often a controller heartbeats, renews and claims */
  renewEverySeconds: number;
  /** a controller whose heartbeat is older than this is dead and not counted in the fair share */
  liveForSeconds: number;
}

export function leaseTiming(intervalSeconds: number): LeaseTiming {
  return {
    intervalSeconds,
    leaseSeconds: intervalSeconds * 1.5,
    renewEverySeconds: intervalSeconds / 4,
    liveForSeconds: intervalSeconds * 1.5,
  };
}

/** The longest time from a controller's death until all its sites have a new owner. */
export function worstTakeoverSeconds(t: LeaseTiming): number {
  return t.leaseSeconds + t.renewEverySeconds;
}

/** The shortest time between a dead controller's last poll and the first poll of the new owner's claim. */
export function leastGapAfterTakeoverSeconds(t: LeaseTiming): number {
  return t.leaseSeconds - t.renewEverySeconds;
}

/** The most sites one controller should hold: an even split over the live controllers, rounded up. */
export function fairShare(totalSites: number, liveControllers: number): number {
  return Math.ceil(totalSites / Math.max(1, liveControllers));
}

export function addSeconds(at: Date, seconds: number): Date {
  return new Date(at.getTime() + seconds * 1000);
}

/** Where in the interval a site's polls fall, in [0, 1): spread evenly by the golden ratio of its id. */
export function phaseOf(siteId: number): number {
  const x = siteId * 0.6180339887498949;
  return x - Math.floor(x);
}

/** The first of a site's slots (phase + k × interval since the epoch) at or after `notBefore`. */
export function nextSlot(siteId: number, notBefore: Date, intervalSeconds: number): Date {
  const intervalMs = intervalSeconds * 1000;
  const offset = Math.round(phaseOf(siteId) * intervalMs);
  const k = Math.ceil((notBefore.getTime() - offset) / intervalMs);
  return new Date(k * intervalMs + offset);
}

/**
 * When a newly owned site is first polled: its first slot at or after now that comes after the slot
 * its last poll served (the slot at or before that poll). A poll late in its slot by d is followed by
 * one a little under an interval later, as in one controller's own schedule; never two in one slot.
 */
export function firstPollAt(siteId: number, lastPollAt: Date | null, now: Date, intervalSeconds: number): Date {
  const afterLast = lastPollAt ? nextSlot(siteId, new Date(lastPollAt.getTime() + 1), intervalSeconds) : now;
  return nextSlot(siteId, afterLast > now ? afterLast : now, intervalSeconds);
}

/** The slot a poll at `at` served: the latest of the site's slots at or before it. */
export function slotOf(siteId: number, at: Date, intervalSeconds: number): Date {
  return new Date(nextSlot(siteId, new Date(at.getTime() + 1), intervalSeconds).getTime() - intervalSeconds * 1000);
}
