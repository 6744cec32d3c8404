/** Wall-clock arithmetic in a named time zone (Asia/Jakarta by default), independent of the host's TZ. */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function toLocalTime(instant: Date, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday),
  };
}

/** Seconds east of UTC that the zone is at this instant. */
function offsetSeconds(instant: Date, timeZone: string): number {
  const l = toLocalTime(instant, timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 1000);
}

/** The instant at which the local day containing `instant` began. */
export function startOfLocalDay(instant: Date, timeZone: string): Date {
  const l = toLocalTime(instant, timeZone);
  const guess = Date.UTC(l.year, l.month - 1, l.day) - offsetSeconds(instant, timeZone) * 1000;
  // Correct once for a zone whose offset differs at midnight (daylight saving; not in Indonesia).
  const corrected = Date.UTC(l.year, l.month - 1, l.day) - offsetSeconds(new Date(guess), timeZone) * 1000;
  return new Date(corrected);
}

/** The instant the next local day begins. */
export function startOfNextLocalDay(instant: Date, timeZone: string): Date {
  const start = startOfLocalDay(instant, timeZone);
  return startOfLocalDay(new Date(start.getTime() + 36 * 3600 * 1000), timeZone);
}

export function secondsUntilNextLocalDay(instant: Date, timeZone: string): number {
  return Math.max(1, Math.ceil((startOfNextLocalDay(instant, timeZone).getTime() - instant.getTime()) / 1000));
}

/** Local calendar date as YYYY-MM-DD. */
export function localDate(instant: Date, timeZone: string): string {
  const l = toLocalTime(instant, timeZone);
  return `${l.year}-${String(l.month).padStart(2, '0')}-${String(l.day).padStart(2, '0')}`;
}

/**
 * startOfLocalDay for a hot path: the day's bounds are worked out once and reused until the clock
 * leaves them (formatting dates in a time zone costs microseconds per call).
 */
export function dayStartCache(timeZone: string): (instant: Date) => Date {
  let start = 0;
  let end = 0;
  return (instant) => {
    const t = instant.getTime();
    if (t < start || t >= end) {
      start = startOfLocalDay(instant, timeZone).getTime();
      end = startOfNextLocalDay(instant, timeZone).getTime();
    }
    return new Date(start);
  };
}
