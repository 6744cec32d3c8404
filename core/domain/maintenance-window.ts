/**
 * A maintenance window typed into the dashboard: start and end as the city's wall-clock time
 * (an HTML datetime-local value, "2026-11-26T22:00"), and a reason. Pure rules; the outcome is the
 * window or the key of what is wrong (the dashboard says it in the user's language).
 */
import { toLocalTime } from './local-time.js';

export const MAX_WINDOW_DAYS = 31;
export const REASON_MIN = 3;
export const REASON_MAX = 200;

export type WindowProblem = 'badStart' | 'badEnd' | 'endBeforeStart' | 'tooLong' | 'alreadyOver' | 'badReason';

export type WindowOutcome = { ok: true; startsAt: Date; endsAt: Date; reason: string } | { ok: false; problem: WindowProblem };

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A wall-clock time in `timeZone` as an instant, or null when the text is not one (or no such time exists). */
export function parseLocalDateTime(text: string, timeZone: string): Date | null {
  const m = LOCAL_DATE_TIME.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0));
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  // The zone's offset at that moment, found by reading the guess back in the zone (twice, for a zone that shifts).
  let instant = asUtc;
  for (let i = 0; i < 2; i++) {
    const l = toLocalTime(new Date(instant), timeZone);
    const shown = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
    instant += asUtc - shown;
  }
  const back = toLocalTime(new Date(instant), timeZone);
  if (back.year !== year || back.month !== month || back.day !== day || back.hour !== hour || back.minute !== minute) return null;
  return new Date(instant);
}

/**
 * The window from the form, checked: both times valid, the end after the start, at most
 * MAX_WINDOW_DAYS long, not already over at `now` (a window in the past would rewrite outage history
 * that is already reported), and a reason of REASON_MIN … REASON_MAX characters.
 */
export function checkMaintenanceWindow(input: { starts: unknown; ends: unknown; reason: unknown }, now: Date, timeZone: string): WindowOutcome {
  const startsAt = typeof input.starts === 'string' ? parseLocalDateTime(input.starts, timeZone) : null;
  if (!startsAt) return { ok: false, problem: 'badStart' };
  const endsAt = typeof input.ends === 'string' ? parseLocalDateTime(input.ends, timeZone) : null;
  if (!endsAt) return { ok: false, problem: 'badEnd' };
  if (endsAt <= startsAt) return { ok: false, problem: 'endBeforeStart' };
  if (endsAt.getTime() - startsAt.getTime() > MAX_WINDOW_DAYS * 86_400_000) return { ok: false, problem: 'tooLong' };
  if (endsAt <= now) return { ok: false, problem: 'alreadyOver' };
  const reason = typeof input.reason === 'string' ? input.reason.trim().replace(/\s+/g, ' ') : '';
  if (reason.length < REASON_MIN || reason.length > REASON_MAX) return { ok: false, problem: 'badReason' };
  return { ok: true, startsAt, endsAt, reason };
}

/** An instant as a datetime-local value in `timeZone` ("2026-11-26T22:00"), to fill a form. */
export function toLocalInputValue(instant: Date, timeZone: string): string {
  const l = toLocalTime(instant, timeZone);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${l.year}-${p(l.month)}-${p(l.day)}T${p(l.hour)}:${p(l.minute)}`;
}
