import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../../core/crypto.js';
import { withTransaction, type Db } from '../../core/db/index.js';
import {
  analyzeHistory,
  countExistingHistory,
  countHourlyRows,
  deleteHistory,
  findOrAddHistoryNas,
  insertSimSites,
  listKelurahan,
  listSiteIds,
  markRolledUpTo,
  prepareHistory,
  writeDaySessions,
  writeEarlyDailyRollups,
  writeFeedback,
  writeOutages,
  writeSamples,
  writeWindowHourlyBase,
  type HistoryRange,
} from '../../core/db/queries/history-fill.js';
import { rollUpDay, rollUpHours, type RollupHorizons } from '../../core/db/queries/rollups.js';
import { localDate, startOfLocalDay } from '../../core/domain/local-time.js';
import { HISTORY_MODEL } from './model.js';
import { placeSites } from './place-sites.js';

/**
 * `citywifi sim history`: a year of rollups and a month of raw data for the fleet, so the dashboard
 * has history to show and its queries can be measured at 5,000 sites (issue 5 §4).
 *
 * - Whole range (--days): commissioning dates (sites without one get one: most before the range,
 *   the rest through it, so the fleet grows), outages, degraded spells and maintenance windows as
 *   site_state_changes and maintenance_windows, rollups_daily, problem reports and ratings.
 * - The last --session-days: sessions, hourly rollups and the days' rows rolled up by the real
 *   rollup statements (core/db/queries/rollups.ts) from the generated state changes, windows,
 *   sessions and samples, exactly as the controller would.
 * - The last two days: samples every 5 minutes, for the site page's charts.
 * Everything runs in one transaction: it all lands, or nothing does.
 */

export interface HistoryOptions {
  /** how many sites: the first N in the database, or N new ones when it has none (default: all, or 5,000 new) */
  sites?: number;
  days: number;
  sessionDays: number;
  seed: number;
  /** history stops here (exclusive); default: the start of the current hour */
  end: Date;
  timezone: string;
  /** delete history already there for these sites instead of refusing */
  replace: boolean;
}

export interface HistoryStep {
  done: number;
  total: number;
  step: string;
}

export interface HistorySummary {
  sites: number;
  sitesCreated: number;
  firstDay: string;
  lastDay: string;
  windowFirstDay: string;
  end: Date;
  intervals: number;
  stateChanges: number;
  maintenanceWindows: number;
  dailyRows: number;
  hourlyRows: number;
  sessions: number;
  samples: number;
  problemReports: number;
  ratings: number;
  seconds: Record<string, number>;
}

/** What already exists in the range: the command refuses unless asked to replace it. */
export class HistoryExistsError extends Error {}

export const DEFAULT_NEW_SITES = 5000;
const SAMPLE_DAYS = 2;
const HOUR_MS = 3_600_000;
const FAR_PAST = new Date('0001-01-01T00:00:00Z');

function addDays(dayText: string, n: number): string {
  const d = new Date(`${dayText}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function localStart(dayText: string, timezone: string): Date {
  return startOfLocalDay(new Date(`${dayText}T12:00:00Z`), timezone);
}

/** The days and instants of a run: the last local day is the one holding the last instant before `end`. */
export function historyRange(options: Pick<HistoryOptions, 'days' | 'sessionDays' | 'seed' | 'end' | 'timezone'>): HistoryRange {
  const lastDay = localDate(new Date(options.end.getTime() - 1), options.timezone);
  const firstDay = addDays(lastDay, -(options.days - 1));
  const windowFirstDay = addDays(lastDay, -(Math.min(options.sessionDays, options.days) - 1));
  const windowStart = localStart(windowFirstDay, options.timezone);
  const twoDaysBack = new Date(Math.floor((options.end.getTime() - SAMPLE_DAYS * 24 * HOUR_MS) / HOUR_MS) * HOUR_MS);
  return {
    firstDay,
    lastDay,
    end: options.end,
    windowFirstDay,
    samplesFrom: twoDaysBack > windowStart ? twoDaysBack : windowStart,
    timezone: options.timezone,
    seed: options.seed,
  };
}

export async function generateHistory(db: Db, box: SecretBox, options: HistoryOptions, onStep: (s: HistoryStep) => void = () => {}): Promise<HistorySummary> {
  const range = historyRange(options);
  const from = localStart(range.firstDay, options.timezone);
  const windowDays: string[] = [];
  for (let d = range.windowFirstDay; d <= range.lastDay; d = addDays(d, 1)) windowDays.push(d);
  const seconds: Record<string, number> = {};
  // one step per call of step() after the first: the last one reports done = total
  const total = 7 + 2 * windowDays.length;
  let done = 0;
  let mark = Date.now();
  const step = (name: string, timing?: string) => {
    if (timing) {
      seconds[timing] = (seconds[timing] ?? 0) + (Date.now() - mark) / 1000;
      mark = Date.now();
    }
    onStep({ done: done++, total, step: name });
  };

  step('choosing sites');
  let siteIds = await listSiteIds(db, options.sites);
  let sitesCreated = 0;
  if (siteIds.length === 0) {
    const kelurahan = await listKelurahan(db);
    await insertSimSites(db, placeSites(options.sites ?? DEFAULT_NEW_SITES, kelurahan, options.seed));
    siteIds = await listSiteIds(db, options.sites);
    sitesCreated = siteIds.length;
  }
  const existing = await countExistingHistory(db, siteIds, from, range.firstDay);
  if (!options.replace && existing.rollupDays + existing.sessions + existing.stateChanges > 0) {
    throw new HistoryExistsError(
      `history already exists for these sites from ${range.firstDay} on (${existing.rollupDays} daily rollups, ${existing.sessions} sessions, ` +
        `${existing.stateChanges} state changes); run again with --replace to delete it and generate anew`,
    );
  }
  const fallbackNasId = await findOrAddHistoryNas(db, box.encrypt(randomBytes(24).toString('base64url')));
  step('preparing', 'sites');

  return withTransaction(db, async (tx) => {
    if (options.replace) await deleteHistory(tx, siteIds, from, range.firstDay);
    const sites = await prepareHistory(tx, HISTORY_MODEL, range, { siteIds, fallbackNasId });
    step('outages and maintenance', 'prepare');
    const outages = await writeOutages(tx, HISTORY_MODEL, range);
    step('daily rollups before the window', 'outages');
    const earlyDaily = await writeEarlyDailyRollups(tx, HISTORY_MODEL, range);
    step('hourly rows (router samples)', 'daily');
    await writeWindowHourlyBase(tx, HISTORY_MODEL, range);
    step(`sessions ${windowDays[0]}`, 'hourly base');
    let sessions = 0;
    for (const [i, d] of windowDays.entries()) {
      sessions += await writeDaySessions(tx, HISTORY_MODEL, range, d);
      step(i + 1 < windowDays.length ? `sessions ${windowDays[i + 1]}` : 'samples', 'sessions');
    }
    const samples = await writeSamples(tx, HISTORY_MODEL, range);
    step(`rollups ${windowDays[0]}`, 'samples');
    await analyzeHistory(tx);
    const horizons: RollupHorizons = { states: FAR_PAST, samples: range.samplesFrom, sessions: localStart(range.windowFirstDay, options.timezone), hourly: FAR_PAST };
    let windowDaily = 0;
    for (const [i, d] of windowDays.entries()) {
      const dayStart = localStart(d, options.timezone);
      const dayEnd = new Date(Math.min(localStart(addDays(d, 1), options.timezone).getTime(), range.end.getTime()));
      await rollUpHours(tx, { from: dayStart, to: dayEnd }, { timezone: options.timezone, horizons });
      windowDaily += (await rollUpDay(tx, d, { timezone: options.timezone, horizons })).rows;
      step(i + 1 < windowDays.length ? `rollups ${windowDays[i + 1]}` : 'problem reports and ratings', 'rollups');
    }
    const feedback = await writeFeedback(tx, range);
    await markRolledUpTo(tx, range.end);
    step('done', 'feedback');
    const hourlyRows = await countHourlyRows(tx, localStart(range.windowFirstDay, options.timezone));
    return {
      sites,
      sitesCreated,
      firstDay: range.firstDay,
      lastDay: range.lastDay,
      windowFirstDay: range.windowFirstDay,
      end: range.end,
      intervals: outages.intervals,
      stateChanges: outages.stateChanges,
      maintenanceWindows: outages.maintenanceWindows,
      dailyRows: earlyDaily + windowDaily,
      hourlyRows,
      sessions,
      samples,
      problemReports: feedback.problemReports,
      ratings: feedback.ratings,
      seconds,
    };
  });
}
