/** The outcome of parsing an operator's value: the value, or a reason fit to show as one line. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The largest value an integer column holds; durations and counts are stored there. */
export const MAX_INT4 = 2_147_483_647;

const SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const BINARY: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

function fail<T>(reason: string): Parsed<T> {
  return { ok: false, reason };
}

/**
 * A positive duration in whole seconds: plain seconds ('3600') or numbers with s, m, h or d,
 * alone or combined ('90s', '30m', '2h', '1d', '1h30m').
 */
export function parseDuration(text: string): Parsed<number> {
  const trimmed = text.trim().toLowerCase();
  const usage = `"${text}" is not a duration: use seconds or a number with s, m, h or d (e.g. 90s, 30m, 2h, 1d)`;
  let seconds: number;
  if (/^\d+$/.test(trimmed)) {
    seconds = Number(trimmed);
  } else if (/^(\d+[smhd])+$/.test(trimmed)) {
    seconds = 0;
    for (const [, amount, unit] of trimmed.matchAll(/(\d+)([smhd])/g)) seconds += Number(amount) * SECONDS[unit];
  } else {
    return fail(usage);
  }
  if (seconds <= 0) return fail(`"${text}" is not a duration: it must be more than 0 seconds`);
  if (seconds > MAX_INT4) return fail(`"${text}" is too long a duration: at most ${MAX_INT4} seconds`);
  return { ok: true, value: seconds };
}

/**
 * A positive size in bytes: plain bytes ('1000') or a number with K, M, G or T in binary multiples
 * of 1024 ('500K', '500M', '2G', '1.5G', '1T'); a trailing B or iB is allowed ('2GB', '2GiB').
 */
export function parseByteSize(text: string): Parsed<number> {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  if (!match) {
    return fail(`"${text}" is not a size: use bytes or a number with K, M, G or T (multiples of 1024, e.g. 500M, 2G)`);
  }
  const bytes = Math.round(Number(match[1]) * BINARY[match[2].toLowerCase()]);
  if (bytes <= 0) return fail(`"${text}" is not a size: it must be more than 0 bytes`);
  if (!Number.isSafeInteger(bytes)) return fail(`"${text}" is too large a size`);
  return { ok: true, value: bytes };
}

/** A whole number written in plain digits, between min and max inclusive. */
export function parseWholeNumber(text: string, min: number, max: number): Parsed<number> {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return fail(`"${text}" is not a whole number`);
  const value = Number(trimmed);
  if (value < min || value > max) return fail(`"${text}" is out of range: use ${min} to ${max}`);
  return { ok: true, value };
}

/** Seconds written back in the largest whole units, as parseDuration reads them ('1h30m'). */
export function formatDuration(seconds: number): string {
  let rest = seconds;
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const amount = Math.floor(rest / size);
    if (amount > 0) parts.push(`${amount}${unit}`);
    rest -= amount * size;
  }
  return parts.join('') || '0s';
}

/** Bytes written in the largest binary unit that divides them exactly ('2G', '500M', '1000'). */
export function formatByteSize(bytes: number): string {
  for (const unit of ['T', 'G', 'M', 'K'] as const) {
    const size = BINARY[unit.toLowerCase()];
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
