import { findRateLimitProblem } from '../core/domain/rate-limit.js';
import { parseAddressOrCidr } from '../core/domain/net.js';
import { parseWholeNumber, type Parsed } from '../core/domain/units.js';
import { AppError } from '../core/errors.js';
import { UsageError } from './context.js';

/**
 * Turns a parser into a commander argParser that reports a bad value as one line naming the option.
 * A UsageError passes through commander untouched and ends in exitOnError: exit 2, nothing done.
 */
export function parsedBy<T>(flag: string, parse: (text: string) => Parsed<T>): (text: string) => T {
  return (text) => {
    const result = parse(text);
    if (!result.ok) throw new UsageError(`${flag}: ${result.reason}`);
    return result.value;
  };
}

/** A port flag's value (0 to 65535), or undefined when the flag is not given. */
export function portFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`${flag} must be a port number from 0 to 65535, not "${value}"`);
  return Number(value);
}

export function wholeNumberIn(flag: string, min: number, max: number): (text: string) => number {
  return parsedBy(flag, (text) => parseWholeNumber(text, min, max));
}

/** Text of bounded length without control characters (or only what `allowed` says): names, secrets, notes. */
export function textOf(
  flag: string,
  max: number,
  allowed = { pattern: /^[^\p{Cc}]+$/u, description: 'no control characters' },
): (text: string) => string {
  return parsedBy(flag, (text) => {
    if (text.trim() === '') return { ok: false, reason: 'must not be empty' };
    if (text.length > max) return { ok: false, reason: `at most ${max} characters` };
    if (!allowed.pattern.test(text)) return { ok: false, reason: `only ${allowed.description}` };
    return { ok: true, value: text };
  });
}

export const addressArg = parsedBy('--address', (text) => {
  const address = parseAddressOrCidr(text);
  return address
    ? { ok: true, value: address }
    : { ok: false, reason: `"${text}" is not an IPv4 or IPv6 address or CIDR network (e.g. 10.20.0.1 or 10.20.0.0/16)` };
});

const RATE_LIMIT_FORMAT = 'rx[/tx] [burst] [threshold] [burst-time] [priority] [min]';

export const rateLimitArg = parsedBy('--rate-limit', (text) => {
  const problem = findRateLimitProblem(text);
  return problem ? { ok: false, reason: `${problem} (format: ${RATE_LIMIT_FORMAT})` } : { ok: true, value: text.trim() };
});

/** An expected refusal from core (unknown name, name taken) becomes the operator's one-line answer. */
export function rethrowAsUsage(error: unknown): never {
  if (error instanceof AppError && (error.code === 'NOT_FOUND' || error.code === 'BAD_ARGUMENT')) {
    throw new UsageError(error.message);
  }
  throw error;
}

export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

/** Prints rows as aligned columns under a header, for list commands. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd() + '\n';
  return line(header) + rows.map(line).join('');
}

/** `key=value` words for a success line; a value with spaces is quoted so the line stays readable. */
export function formatFields(fields: Array<[string, string]>): string {
  return fields.map(([key, value]) => `${key}=${/[\s="]/.test(value) ? JSON.stringify(value) : value}`).join(' ');
}
