/**
 * Reading the values RouterOS v6 and v7 print in API replies (PROTOCOLS.md §B.8–B.9, Trap 14):
 * durations (`1w2d3h4m5s`, `4m17s120ms`, old `01:22:53`), booleans (`true`/`false`, `yes`/`no`),
 * counters (decimal strings beyond 2^53), numbers with units (`24.3V`), both build-time formats,
 * versions with a channel, and both /system/health shapes. Pure: no I/O, no clock.
 */

const DURATION_UNITS: Record<string, number> = { w: 604_800, d: 86_400, h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000_001 };

/**
 * Seconds in a RouterOS duration: `<n><unit>` parts, largest first; `ms` and `us` are matched
 * before `m` (mikrotik-exporter's trap: `500ms` is not 500 minutes). Also `HH:MM:SS` and
 * `1d01:22:53` from old replies. undefined for anything else.
 */
export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = text.trim();
  const clock = /^(?:(\d+)d)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(value);
  if (clock) {
    const [, d, h, m, s, fraction] = clock;
    return Number(d ?? 0) * 86_400 + Number(h) * 3600 + Number(m) * 60 + Number(s) + (fraction ? Number(`0.${fraction}`) : 0);
  }
  if (value === '' || !/^(\d+(ms|us|w|d|h|m|s))+$/.test(value)) return undefined;
  let seconds = 0;
  for (const [, n, unit] of value.matchAll(/(\d+)(ms|us|w|d|h|m|s)/g)) seconds += Number(n) * DURATION_UNITS[unit];
  // Sub-second parts are added as fractions; round away binary noise (0.1 + 0.02).
  return Math.round(seconds * 1_000_000) / 1_000_000;
}

/** `true`/`false` (v6, v7) and `yes`/`no` (old replies); undefined for anything else. */
export function parseBoolean(text: string | undefined): boolean | undefined {
  switch (text?.trim().toLowerCase()) {
    case 'true':
    case 'yes':
      return true;
    case 'false':
    case 'no':
      return false;
    default:
      return undefined;
  }
}

/** A non-negative decimal counter (64-bit counters exceed Number's 2^53): undefined if not one. */
export function parseCounter(text: string | undefined): bigint | undefined {
  if (text === undefined || !/^\d{1,20}$/.test(text.trim())) return undefined;
  const value = BigInt(text.trim());
  return value < 1n << 64n ? value : undefined;
}

/** A whole number (`cpu-load`, `free-memory`); undefined if not one. */
export function parseInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+$/.test(text.trim())) return undefined;
  const value = Number(text.trim());
  return Number.isSafeInteger(value) ? value : undefined;
}

/** A number with or without a unit (`24.3V`, `46C`, `24.3`, `0.1%`, `3000RPM`): the number and the unit. */
export function parseMeasure(text: string | undefined): { value: number; unit: string } | undefined {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*([A-Za-z%°]*)\s*$/.exec(text ?? '');
  if (!match) return undefined;
  return { value: Number(match[1]), unit: match[2] };
}

export interface RouterOsVersion {
  /** `7.18.2` */
  number: string;
  major: number;
  minor: number;
  patch: number;
  /** `stable`, `long-term`, … or undefined when not printed. */
  channel: string | undefined;
}

/** `6.49.17 (long-term)`, `7.18.2 (stable)`, `6.27`, `7.1beta4`; undefined for anything else. */
export function parseVersion(text: string | undefined): RouterOsVersion | undefined {
  const match = /^\s*(\d+)\.(\d+)(?:\.(\d+))?([a-z]+\d*)?\s*(?:\(([^)]*)\))?\s*$/.exec(text ?? '');
  if (!match) return undefined;
  const [, major, minor, patch, suffix, channel] = match;
  return {
    number: `${major}.${minor}${patch === undefined ? '' : `.${patch}`}${suffix ?? ''}`,
    major: Number(major),
    minor: Number(minor),
    patch: Number(patch ?? 0),
    channel: channel?.trim() || undefined,
  };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** A date and time on the router's clock (its time zone is the router's, not known here). */
export interface RouterDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/**
 * Both date-time styles: `Jul/19/2022 11:25:54` / `jan/02/1970 00:00:00` (v6, v7 up to 7.10) and
 * `2024-11-26 12:09:40` (7.16+); undefined for anything else.
 */
export function parseRouterDateTime(text: string | undefined): RouterDateTime | undefined {
  const value = (text ?? '').trim();
  let parts: number[] | undefined;
  const old = /^([A-Za-z]{3})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})$/.exec(value);
  if (old) {
    const month = MONTHS.indexOf(old[1].toLowerCase()) + 1;
    if (month === 0) return undefined;
    parts = [Number(old[3]), month, Number(old[2]), Number(old[4]), Number(old[5]), Number(old[6])];
  }
  const iso = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(value);
  if (iso) parts = iso.slice(1).map(Number);
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second] = parts;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  return { year, month, day, hour, minute, second };
}

/** The instant of a router date-time, given the router's offset from UTC in minutes (+420 for Asia/Jakarta). */
export function routerDateTimeToDate(value: RouterDateTime, utcOffsetMinutes: number): Date {
  const utc = Date.UTC(value.year, value.month - 1, value.day, value.hour, value.minute, value.second);
  return new Date(utc - utcOffsetMinutes * 60_000);
}

export interface HealthReading {
  /** The sensor's value: a number (units stripped) or a state (`ok`, `fail`). */
  value: number | string;
  /** `V`, `C`, `RPM`, … or '' when none is known. */
  unit: string;
}

/**
 * /system/health in either shape: v6 is one item with named fields (`voltage=24.3V`, or bare
 * numbers), v7 one item per sensor (`name=voltage value=24.3 type=V`); no items at all is an empty
 * result (CHR, some boards). Sensors by name.
 */
export function parseHealth(items: ReadonlyArray<Record<string, string>>): Record<string, HealthReading> {
  const out: Record<string, HealthReading> = {};
  const read = (text: string, unit: string): HealthReading => {
    const measure = parseMeasure(text);
    return measure ? { value: measure.value, unit: measure.unit || unit } : { value: text, unit };
  };
  for (const item of items) {
    if (item.name !== undefined && item.value !== undefined) {
      out[item.name] = read(item.value, item.type ?? '');
      continue;
    }
    for (const [name, text] of Object.entries(item)) {
      if (name === '.id') continue;
      out[name] = read(text, '');
    }
  }
  return out;
}
