/**
 * A heartbeat site's reading at its slot, from the latest heartbeat its router posted, so that it
 * goes through the same state rules as a poll: a heartbeat that arrived within the last interval is
 * a poll that answered with those values; none is a failed poll ("no heartbeat since …"), so the site
 * is down after CONTROLLER_DOWN_AFTER_FAILURES intervals without one, and reboots and samples work
 * as for a polled router. No connection is made to the router.
 */
import type { PollFailure, PollResult } from './poll-site.js';
import type { HeartbeatValues } from './heartbeat-body.js';
import type { RouterVitals } from './router-vitals.js';

export interface HeartbeatReading extends RouterVitals {
  ok: true;
  at: Date;
  /** a heartbeat has no round trip */
  rttMs: null;
}

export interface FailedReading {
  ok: false;
  at: Date;
  rttMs: number | null;
  failure: PollFailure | 'no-heartbeat';
  message: string;
}

/** What the controller applies at a site's slot: a poll of the router, or its latest heartbeat. */
export type SiteReading = PollResult | HeartbeatReading | FailedReading;

function isHeartbeatValues(value: unknown): value is HeartbeatValues {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return ['uptimeSeconds', 'cpuLoad', 'freeMemory', 'totalMemory', 'activeUsers'].every((k) => typeof v[k] === 'number') && typeof v.version === 'string';
}

/** The reading of a heartbeat site at `now`, from its latest heartbeat (when it arrived, and what it said). */
export function readHeartbeat(latest: { at: Date | null; values: unknown }, now: Date, intervalSeconds: number): HeartbeatReading | FailedReading {
  const fresh = latest.at !== null && latest.at.getTime() > now.getTime() - intervalSeconds * 1000;
  if (!fresh || !isHeartbeatValues(latest.values)) {
    const message = latest.at ? `no heartbeat since ${latest.at.toISOString()}` : 'no heartbeat received yet';
    return { ok: false, at: now, rttMs: null, failure: 'no-heartbeat', message };
  }
  const v = latest.values;
  // the router's uptime now, not when it posted: a reboot's boot time comes out right
  const age = Math.max(0, Math.floor((now.getTime() - (latest.at as Date).getTime()) / 1000));
  return {
    ok: true,
    at: now,
    rttMs: null,
    uptimeSeconds: v.uptimeSeconds + age,
    cpuLoad: v.cpuLoad,
    freeMemory: v.freeMemory,
    totalMemory: v.totalMemory,
    version: v.version,
    board: typeof v.board === 'string' ? v.board : '',
    activeUsers: v.activeUsers,
  };
}
