import { toLocalTime } from './local-time.js';

/**
 * A site's opening hours: for each weekday a list of [open, close] "HH:MM" pairs in local time.
 * A day that is absent is closed; hours of null mean always open; a close before its open runs past
 * midnight ("20:00"–"02:00").
 */
export type Weekday = 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';
export type OpeningHours = Partial<Record<Weekday, Array<[string, string]>>>;

const DAYS: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

export function validateOpeningHours(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return 'opening hours must be an object of weekdays';
  for (const [day, ranges] of Object.entries(value as Record<string, unknown>)) {
    if (!DAYS.includes(day as Weekday)) return `unknown weekday "${day}" (use ${DAYS.join(', ')})`;
    if (!Array.isArray(ranges)) return `${day}: expected a list of ["HH:MM", "HH:MM"] pairs`;
    for (const r of ranges) {
      if (!Array.isArray(r) || r.length !== 2 || !HHMM.test(String(r[0])) || !HHMM.test(String(r[1]))) {
        return `${day}: ${JSON.stringify(r)} is not a ["HH:MM", "HH:MM"] pair`;
      }
    }
  }
  return undefined;
}

interface Interval {
  start: number;
  end: number;
}

/** Open intervals in minutes relative to today's local midnight, from yesterday's overnight ranges to tomorrow's. */
function intervalsAround(hours: OpeningHours, weekday: number): Interval[] {
  const out: Interval[] = [];
  for (const offset of [-1, 0, 1]) {
    const day = DAYS[(weekday + offset + 7) % 7];
    for (const [open, close] of hours[day] ?? []) {
      const start = minutes(open) + offset * 1440;
      let end = minutes(close) + offset * 1440;
      if (end <= start) end += 1440;
      out.push({ start, end });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * Whether the site is open at `now`, and if so how many seconds remain until it closes
 * (contiguous ranges are joined); undefined seconds when always open.
 */
export function openingState(
  hours: OpeningHours | null | undefined,
  now: Date,
  timeZone: string,
): { open: boolean; secondsUntilClose?: number } {
  if (!hours) return { open: true };
  const l = toLocalTime(now, timeZone);
  const nowMin = l.hour * 60 + l.minute + l.second / 60;
  const intervals = intervalsAround(hours, l.weekday);
  const current = intervals.find((i) => i.start <= nowMin && nowMin < i.end);
  if (!current) return { open: false };
  let end = current.end;
  for (const i of intervals) if (i.start <= end && i.end > end) end = i.end;
  return { open: true, secondsUntilClose: Math.max(1, Math.round((end - nowMin) * 60)) };
}

/** "06:00–22:00" for today's hours, for messages to citizens. */
export function describeToday(hours: OpeningHours | null | undefined, now: Date, timeZone: string): string {
  if (!hours) return '24 jam';
  const day = DAYS[toLocalTime(now, timeZone).weekday];
  const ranges = hours[day] ?? [];
  return ranges.length ? ranges.map(([a, b]) => `${a}–${b}`).join(', ') : 'tutup';
}
