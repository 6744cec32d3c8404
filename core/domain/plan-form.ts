/**
 * A plan as typed into a form: the same rules as `citywifi plans add` (units.ts parseDuration,
 * parseByteSize, parseWholeNumber; rate-limit.ts), with each problem named by field so a page can
 * say it in the user's language. Empty fields mean "no limit".
 */
import { findRateLimitProblem } from './rate-limit.js';
import { parseByteSize, parseDuration, parseWholeNumber, type Parsed } from './units.js';

export const PLAN_FIELDS = ['name', 'rateLimit', 'sessionTimeout', 'idleTimeout', 'dailyTime', 'dailyBytes', 'simultaneousUse', 'interimInterval'] as const;
export type PlanField = (typeof PLAN_FIELDS)[number];

export interface PlanInput {
  name: string;
  rateLimit?: string;
  sessionTimeout?: number;
  idleTimeout?: number;
  dailyTime?: number;
  dailyBytes?: number;
  simultaneousUse?: number;
  interimInterval?: number;
}

export interface FieldProblem<F extends string = string> {
  field: F;
  /** the English reason, as the CLI says it */
  reason: string;
}

const CONTROL = /\p{Cc}/u;

/** A name: 1 to 64 characters, no control characters (as the CLI's --name). */
export function parsePlanName(text: string): Parsed<string> {
  const name = text.trim();
  if (name === '') return { ok: false, reason: 'must not be empty' };
  if (name.length > 64) return { ok: false, reason: 'at most 64 characters' };
  if (CONTROL.test(name)) return { ok: false, reason: 'only no control characters' };
  return { ok: true, value: name };
}

/** Acct-Interim-Interval for a plan: a duration of at least 60 seconds (as `plans add --interim-interval`). */
export function parseInterimInterval(text: string): Parsed<number> {
  const parsed = parseDuration(text);
  return parsed.ok && parsed.value < 60 ? { ok: false, reason: `"${text}" is shorter than 60 seconds` } : parsed;
}

const PARSERS: Record<Exclude<PlanField, 'name' | 'rateLimit'>, (text: string) => Parsed<number>> = {
  sessionTimeout: parseDuration,
  idleTimeout: parseDuration,
  dailyTime: parseDuration,
  dailyBytes: parseByteSize,
  simultaneousUse: (text) => parseWholeNumber(text, 1, 1000),
  interimInterval: parseInterimInterval,
};

/** Reads every field of a plan form; all problems at once, or the plan. */
export function readPlanForm(form: Partial<Record<PlanField, string>>): { ok: true; value: PlanInput } | { ok: false; problems: Array<FieldProblem<PlanField>> } {
  const problems: Array<FieldProblem<PlanField>> = [];
  const name = parsePlanName(form.name ?? '');
  if (!name.ok) problems.push({ field: 'name', reason: name.reason });
  const value: PlanInput = { name: name.ok ? name.value : '' };
  const rate = (form.rateLimit ?? '').trim();
  if (rate !== '') {
    const problem = findRateLimitProblem(rate);
    if (problem) problems.push({ field: 'rateLimit', reason: problem });
    else value.rateLimit = rate;
  }
  for (const [field, parse] of Object.entries(PARSERS) as Array<[keyof typeof PARSERS, (text: string) => Parsed<number>]>) {
    const text = (form[field] ?? '').trim();
    if (text === '') continue;
    const parsed = parse(text);
    if (parsed.ok) value[field] = parsed.value;
    else problems.push({ field, reason: parsed.reason });
  }
  return problems.length ? { ok: false, problems } : { ok: true, value };
}
