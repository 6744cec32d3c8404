/**
 * How RouterOS writes durations and dates in API replies (PROTOCOLS.md §B.8–B.9, Trap 14). The
 * router's clock runs in Asia/Jakarta (UTC+7, no daylight saving), whatever the host's TZ.
 */

export const ROUTER_UTC_OFFSET_SECONDS = 7 * 3600;

const UNITS: Array<[string, number]> = [
  ['w', 7 * 86_400],
  ['d', 86_400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];

/**
 * A duration as RouterOS writes it: `<n><unit>`, largest first, zero parts left out, `0s` for
 * zero; `ms` for a sub-second part (and `us` when `micro` is set, as some v7 fields do).
 */
export function formatDuration(seconds: number, options: { micro?: boolean } = {}): string {
  let whole = Math.floor(seconds);
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(whole / size);
    if (n > 0) out += `${n}${unit}`;
    whole -= n * size;
  }
  const fraction = seconds - Math.floor(seconds);
  const micros = Math.round(fraction * 1_000_000);
  const ms = Math.floor(micros / 1000);
  if (ms > 0) out += `${ms}ms`;
  if (options.micro && micros % 1000 > 0) out += `${micros % 1000}us`;
  return out === '' ? '0s' : out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** The router's wall clock fields for an instant. */
function localParts(at: Date): { year: number; month: number; day: number; time: string } {
  const local = new Date(at.getTime() + ROUTER_UTC_OFFSET_SECONDS * 1000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth(),
    day: local.getUTCDate(),
    time: `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}`,
  };
}

/** The old style: `Feb/11/2015 13:24:13` (build-time on v6 and v7 up to 7.10); `lowercase` gives `jan/02/1970 00:00:00`. */
export function formatOldDateTime(at: Date, options: { lowercase?: boolean } = {}): string {
  const { year, month, day, time } = localParts(at);
  const name = options.lowercase ? MONTHS[month].toLowerCase() : MONTHS[month];
  return `${name}/${two(day)}/${year} ${time}`;
}

/** The v7 style: `2024-11-26 12:09:40`. */
export function formatIsoDateTime(at: Date): string {
  const { year, month, day, time } = localParts(at);
  return `${year}-${two(month + 1)}-${two(day)} ${time}`;
}

/** `/system/clock` date and time fields: `feb/25/2026` on v6, `2026-02-25` on v7. */
export function formatClock(at: Date, iso: boolean): { date: string; time: string } {
  const { year, month, day, time } = localParts(at);
  return { date: iso ? `${year}-${two(month + 1)}-${two(day)}` : `${MONTHS[month].toLowerCase()}/${two(day)}/${year}`, time };
}

/** The hour of day (0–23, with a fraction) on the router's clock. */
export function localHour(at: Date): number {
  const seconds = (Math.floor(at.getTime() / 1000) + ROUTER_UTC_OFFSET_SECONDS) % 86_400;
  return (seconds < 0 ? seconds + 86_400 : seconds) / 3600;
}
