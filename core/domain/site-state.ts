/**
 * The state of one site, from its polls: pure rules, no I/O. Time comes from the poll (`at`) or from
 * the clock given to createSiteStateMachine, never from Date.now().
 *
 *   unknown      before the first poll, and after a maintenance window until a poll settles it
 *   up           answers, healthy
 *   degraded     answers, but CPU or memory at/over a threshold for `degradedAfterPolls` polls in a row
 *   down         `downAfterFailures` failed polls in a row (one lost poll is not an outage)
 *   maintenance  inside a maintenance window: no alerts, and uptime figures leave the time out
 *
 * Every change carries its time and a reason; a reboot (uptime went backwards) is an event of its own.
 */
import type { Clock } from './clock.js';

export const SITE_STATES = ['unknown', 'up', 'degraded', 'down', 'maintenance'] as const;
export type SiteState = (typeof SITE_STATES)[number];

export interface StateThresholds {
  downAfterFailures: number;
  degradedCpuPercent: number;
  degradedMemoryPercent: number;
  degradedAfterPolls: number;
}

/** What the controller remembers of a site between polls (stored in site_status). */
export interface SiteMemory {
  state: SiteState;
  since: Date;
  consecutiveFailures: number;
  unhealthyPolls: number;
  /** uptime at the last poll that answered; null before one did */
  uptimeSeconds: number | null;
}

/** The part of a poll result the state rules read (controller/poll-site.ts PollResult fits it). */
export type PollOutcome =
  | { ok: true; at: Date; uptimeSeconds: number; cpuLoad: number; freeMemory: number; totalMemory: number }
  | { ok: false; at: Date; failure: string; message: string };

export interface StateChange {
  at: Date;
  from: SiteState;
  to: SiteState;
  reason: string;
  /** a confirmed outage, or a recovery from one (not into or out of maintenance): what alerts are sent for */
  alert: boolean;
}

export interface RebootEvent {
  at: Date;
  previousUptimeSeconds: number;
  uptimeSeconds: number;
  /** when the router came back up: poll time minus its uptime */
  bootedAt: Date;
}

export interface StepResult {
  memory: SiteMemory;
  change: StateChange | null;
  reboot: RebootEvent | null;
}

export function initialMemory(at: Date): SiteMemory {
  return { state: 'unknown', since: at, consecutiveFailures: 0, unhealthyPolls: 0, uptimeSeconds: null };
}

/** Memory use in percent of total, or null when the router did not say. */
export function memoryUsedPercent(freeMemory: number, totalMemory: number): number | null {
  if (!(totalMemory > 0)) return null;
  return ((totalMemory - freeMemory) / totalMemory) * 100;
}

/** Why a poll that answered counts as unhealthy, or null when it is healthy. */
export function unhealthyReason(
  poll: { cpuLoad: number; freeMemory: number; totalMemory: number },
  thresholds: Pick<StateThresholds, 'degradedCpuPercent' | 'degradedMemoryPercent'>,
): string | null {
  const reasons: string[] = [];
  if (poll.cpuLoad >= thresholds.degradedCpuPercent) reasons.push(`cpu ${poll.cpuLoad}% >= ${thresholds.degradedCpuPercent}%`);
  const used = memoryUsedPercent(poll.freeMemory, poll.totalMemory);
  if (used !== null && used >= thresholds.degradedMemoryPercent) {
    reasons.push(`memory ${Math.round(used)}% >= ${thresholds.degradedMemoryPercent}%`);
  }
  return reasons.length ? reasons.join(', ') : null;
}

function isAlert(from: SiteState, to: SiteState): boolean {
  // down at the end of a window is still an outage someone must hear of; coming back from one is not news
  if (to === 'maintenance') return false;
  return to === 'down' || (from === 'down' && (to === 'up' || to === 'degraded'));
}

function moveTo(memory: SiteMemory, to: SiteState, at: Date, reason: string): { memory: SiteMemory; change: StateChange | null } {
  if (memory.state === to) return { memory, change: null };
  return {
    memory: { ...memory, state: to, since: at },
    change: { at, from: memory.state, to, reason, alert: isAlert(memory.state, to) },
  };
}

/**
 * One poll applied to a site: the new memory, the state change if any, and a reboot if the uptime went
 * backwards. `maintenance` is the reason of the window the poll falls in, or null outside one.
 */
export function applyPoll(memory: SiteMemory, poll: PollOutcome, thresholds: StateThresholds, maintenance: string | null = null): StepResult {
  const at = poll.at;
  if (!poll.ok) {
    const failures = memory.consecutiveFailures + 1;
    let next: SiteMemory = { ...memory, consecutiveFailures: failures, unhealthyPolls: 0 };
    const failed = `${poll.failure}: ${poll.message}`;
    let change: StateChange | null = null;
    if (maintenance !== null) {
      ({ memory: next, change } = moveTo(next, 'maintenance', at, `maintenance: ${maintenance}`));
    } else if (failures >= thresholds.downAfterFailures) {
      ({ memory: next, change } = moveTo(next, 'down', at, `${failed} (${failures} failed polls in a row)`));
    } else if (memory.state === 'maintenance') {
      ({ memory: next, change } = moveTo(next, 'unknown', at, `maintenance over; ${failed} (${failures} failed poll)`));
    }
    return { memory: next, change, reboot: null };
  }

  let reboot: RebootEvent | null = null;
  if (memory.uptimeSeconds !== null && poll.uptimeSeconds < memory.uptimeSeconds) {
    reboot = {
      at,
      previousUptimeSeconds: memory.uptimeSeconds,
      uptimeSeconds: poll.uptimeSeconds,
      bootedAt: new Date(at.getTime() - poll.uptimeSeconds * 1000),
    };
  }
  const unhealthy = unhealthyReason(poll, thresholds);
  const unhealthyPolls = unhealthy === null ? 0 : memory.unhealthyPolls + 1;
  const recovered = memory.state === 'down' ? ` after ${memory.consecutiveFailures} failed polls` : '';
  let next: SiteMemory = { ...memory, consecutiveFailures: 0, unhealthyPolls, uptimeSeconds: poll.uptimeSeconds };
  let change: StateChange | null;
  if (maintenance !== null) {
    ({ memory: next, change } = moveTo(next, 'maintenance', at, `maintenance: ${maintenance}`));
  } else if (unhealthy !== null && unhealthyPolls >= thresholds.degradedAfterPolls) {
    ({ memory: next, change } = moveTo(next, 'degraded', at, `${unhealthy} for ${unhealthyPolls} polls${recovered}`));
  } else if (memory.state === 'degraded' && unhealthy !== null) {
    // still unhealthy, the count restarted by a lost poll in between: stay degraded
    change = null;
  } else {
    const why = memory.state === 'unknown' ? 'first answer' : memory.state === 'maintenance' ? 'maintenance over; answered' : memory.state === 'degraded' ? 'healthy again' : `answered${recovered}`;
    ({ memory: next, change } = moveTo(next, 'up', at, why));
  }
  return { memory: next, change, reboot };
}

/**
 * A maintenance window opening or closing between polls (no poll needed): into maintenance at once;
 * out of it to unknown, until the next poll settles the state.
 */
export function applyMaintenance(memory: SiteMemory, at: Date, maintenance: string | null): { memory: SiteMemory; change: StateChange | null } {
  if (maintenance !== null) return moveTo(memory, 'maintenance', at, `maintenance: ${maintenance}`);
  if (memory.state === 'maintenance') return moveTo({ ...memory, consecutiveFailures: 0, unhealthyPolls: 0 }, 'unknown', at, 'maintenance over');
  return { memory, change: null };
}

/** The rules bound to thresholds and a clock (the clock dates maintenance changes made between polls). */
export function createSiteStateMachine(thresholds: StateThresholds, clock: Clock) {
  return {
    initial: (): SiteMemory => initialMemory(clock()),
    applyPoll: (memory: SiteMemory, poll: PollOutcome, maintenance: string | null = null) => applyPoll(memory, poll, thresholds, maintenance),
    applyMaintenance: (memory: SiteMemory, maintenance: string | null) => applyMaintenance(memory, clock(), maintenance),
  };
}

export interface UptimeFigures {
  upSeconds: number;
  degradedSeconds: number;
  downSeconds: number;
  maintenanceSeconds: number;
  unknownSeconds: number;
  /** (up + degraded) / (up + degraded + down): maintenance and unknown time left out; null when none counted */
  availability: number | null;
}

/**
 * Seconds spent in each state between `from` and `to`, from the changes of one site (any order) and
 * the state it was in at `from` (the `to_state` of the last change before it; 'unknown' if none).
 */
export function uptimeFigures(
  changes: ReadonlyArray<{ at: Date; to: SiteState }>,
  from: Date,
  to: Date,
  stateAtFrom: SiteState = 'unknown',
): UptimeFigures {
  const seconds: Record<SiteState, number> = { unknown: 0, up: 0, degraded: 0, down: 0, maintenance: 0 };
  const inside = changes.filter((c) => c.at > from && c.at < to).sort((a, b) => a.at.getTime() - b.at.getTime());
  let state = stateAtFrom;
  let cursor = from.getTime();
  for (const change of inside) {
    seconds[state] += (change.at.getTime() - cursor) / 1000;
    cursor = change.at.getTime();
    state = change.to;
  }
  if (to.getTime() > cursor) seconds[state] += (to.getTime() - cursor) / 1000;
  const counted = seconds.up + seconds.degraded + seconds.down;
  return {
    upSeconds: seconds.up,
    degradedSeconds: seconds.degraded,
    downSeconds: seconds.down,
    maintenanceSeconds: seconds.maintenance,
    unknownSeconds: seconds.unknown,
    availability: counted > 0 ? (seconds.up + seconds.degraded) / counted : null,
  };
}
