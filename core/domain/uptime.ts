/**
 * Uptime as the dashboard shows it: pure arithmetic over seconds in each state (from the rollups)
 * and over a site's changes of state (its timeline).
 *
 * Uptime = (up + degraded) / (up + degraded + down):
 * - planned maintenance is left out (its seconds are neither up nor down), as the city reports it;
 * - unknown time is left out too: it is time nobody observed (before the first poll, after a window
 *   until a poll settles it, a controller that was not running). Counting it as down would charge the
 *   city for a gap in monitoring; counting it as up would hide one. The dashboard shows how much time
 *   was counted, so a gap is visible rather than folded into the figure;
 * - degraded counts as up: the router answered and citizens were online, only slower.
 * With nothing counted the uptime is null ("no data"), never 0 % nor 100 %.
 */
import type { SiteState } from './site-state.js';

export interface StateSeconds {
  up: number;
  degraded: number;
  down: number;
  maintenance: number;
  unknown: number;
}

export const NO_SECONDS: Readonly<StateSeconds> = Object.freeze({ up: 0, degraded: 0, down: 0, maintenance: 0, unknown: 0 });

export function addSeconds(a: StateSeconds, b: StateSeconds): StateSeconds {
  return { up: a.up + b.up, degraded: a.degraded + b.degraded, down: a.down + b.down, maintenance: a.maintenance + b.maintenance, unknown: a.unknown + b.unknown };
}

/** The share of counted time the site (or the fleet) answered: 0 … 1, or null when no time was counted. */
export function uptimeShare(seconds: Pick<StateSeconds, 'up' | 'degraded' | 'down'>): number | null {
  const counted = seconds.up + seconds.degraded + seconds.down;
  return counted > 0 ? (seconds.up + seconds.degraded) / counted : null;
}

export interface TimelineSegment {
  from: Date;
  to: Date;
  state: SiteState;
}

/**
 * A site's states between `from` and `to` as consecutive segments: `stateAtFrom` until the first
 * change inside the range, then each change's state until the next. Changes outside the range are
 * ignored; neighbouring segments in the same state are joined.
 */
export function buildTimeline(changes: ReadonlyArray<{ at: Date; to: SiteState }>, from: Date, to: Date, stateAtFrom: SiteState): TimelineSegment[] {
  const inside = changes.filter((c) => c.at > from && c.at < to).sort((a, b) => a.at.getTime() - b.at.getTime());
  const segments: TimelineSegment[] = [];
  let state = stateAtFrom;
  let cursor = from;
  const close = (until: Date) => {
    if (until <= cursor) return;
    const last = segments[segments.length - 1];
    if (last && last.state === state) last.to = until;
    else segments.push({ from: cursor, to: until, state });
  };
  for (const change of inside) {
    close(change.at);
    cursor = change.at > cursor ? change.at : cursor;
    state = change.to;
  }
  close(to);
  return segments;
}

/** Seconds in each state over a timeline (for a figure that must agree with the bar drawn). */
export function timelineSeconds(segments: readonly TimelineSegment[]): StateSeconds {
  const seconds: StateSeconds = { ...NO_SECONDS };
  for (const s of segments) seconds[s.state] += (s.to.getTime() - s.from.getTime()) / 1000;
  return seconds;
}
