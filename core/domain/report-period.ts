/**
 * The period of a city report: a calendar month ("2026-11") or a year ("2026") in the city's time
 * zone. Days are local dates (YYYY-MM-DD) as rollups_daily keeps them; `toDay` is the first day after.
 */
import { localDate } from './local-time.js';

export interface ReportPeriod {
  kind: 'month' | 'year';
  /** as asked: "2026-11" or "2026" */
  text: string;
  year: number;
  /** 1 … 12 for a month, null for a year */
  month: number | null;
  /** first local day of the period, YYYY-MM-DD */
  fromDay: string;
  /** the first local day after the period, YYYY-MM-DD */
  toDay: string;
}

export type PeriodProblem = 'format' | 'month' | 'range' | 'future';
export type ParsedPeriod = { ok: true; period: ReportPeriod } | { ok: false; problem: PeriodProblem };

export const FIRST_REPORT_YEAR = 2000;

const pad = (n: number) => String(n).padStart(2, '0');

function monthPeriod(year: number, month: number): ReportPeriod {
  const next = month === 12 ? `${year + 1}-01-01` : `${year}-${pad(month + 1)}-01`;
  return { kind: 'month', text: `${year}-${pad(month)}`, year, month, fromDay: `${year}-${pad(month)}-01`, toDay: next };
}

function yearPeriod(year: number): ReportPeriod {
  return { kind: 'year', text: String(year), year, month: null, fromDay: `${year}-01-01`, toDay: `${year + 1}-01-01` };
}

/** The month that `now` falls in, locally: the report shown when none is asked for. */
export function currentMonthPeriod(now: Date, timeZone: string): ReportPeriod {
  const [year, month] = localDate(now, timeZone).split('-').map(Number);
  return monthPeriod(year, month);
}

/**
 * "YYYY-MM" or "YYYY", from FIRST_REPORT_YEAR on, and not starting after today (a period that has
 * not begun has no figures). Anything else is refused with the reason, never guessed at.
 */
export function parseReportPeriod(text: string, now: Date, timeZone: string): ParsedPeriod {
  const match = /^(\d{4})(?:-(\d{2}))?$/.exec(text.trim());
  if (!match) return { ok: false, problem: 'format' };
  const year = Number(match[1]);
  const month = match[2] === undefined ? null : Number(match[2]);
  if (month !== null && (month < 1 || month > 12)) return { ok: false, problem: 'month' };
  if (year < FIRST_REPORT_YEAR) return { ok: false, problem: 'range' };
  const period = month === null ? yearPeriod(year) : monthPeriod(year, month);
  if (period.fromDay > localDate(now, timeZone)) return { ok: false, problem: 'future' };
  return { ok: true, period };
}

/**
 * The day on which site counts (installed, commissioned) are taken: the period's last day, or today
 * while the period is still running (a site planned for next week is not installed yet).
 */
export function countingDay(period: ReportPeriod, now: Date, timeZone: string): string {
  const today = localDate(now, timeZone);
  const last = lastDay(period);
  return today < last ? today : last;
}

/** The period's last local day, YYYY-MM-DD. */
export function lastDay(period: ReportPeriod): string {
  const d = new Date(`${period.toDay}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
