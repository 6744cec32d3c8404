/**
 * The controller's housekeeping (issue 4 §3): rollups and the daily purge.
 *
 * Every few minutes runOnce():
 * 1. rolls up the hours completed since the last hour rolled up (housekeeping_progress 'rollups'),
 *    catching up after downtime a chunk at a time, and with them the local day they belong to. The
 *    last SETTLE_HOURS hours are rolled again when a new hour completes, so sessions that were open
 *    and interim updates that came late are counted; a day's row is final once its last hour has
 *    been rolled again (about 01:00 the next day, local time);
 * 2. once per local day, purges what has expired (core/db/queries/retention.ts).
 *
 * Only one controller in the fleet does either at a time: each chunk of hours is rolled in a
 * transaction that holds the housekeeping advisory lock and moves the progress with the rows it
 * wrote; the day's purge is claimed the same way. A controller that finds the lock taken leaves
 * the work to the one that holds it.
 */
import { withTransaction, type Db, type Tx } from '../core/db/index.js';
import {
  findEarliestActivity,
  readProgress,
  tryHousekeepingLock,
  waitHousekeepingLock,
  writeProgress,
} from '../core/db/queries/housekeeping-progress.js';
import { purgeExpired, type PurgeCount } from '../core/db/queries/retention.js';
import { findRollupHorizons, rollUpDay, rollUpHours } from '../core/db/queries/rollups.js';
import type { Clock } from '../core/domain/clock.js';
import { localDate, startOfLocalDay, startOfNextLocalDay } from '../core/domain/local-time.js';
import type { Logger } from '../core/logger.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Hours rolled again when a new one completes (late interim updates, sessions still open). */
export const SETTLE_HOURS = 2;

export interface HousekeepingOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  timezone: string;
  /** how often start() runs runOnce (default 300 s) */
  everySeconds?: number;
  /** most hours rolled up by one runOnce, so a long catch-up is spread over runs (default 72) */
  maxHoursPerRun?: number;
  /** hours per transaction (default 6) */
  hoursPerChunk?: number;
  /** how far back a fresh installation starts rolling up (default 14 days) */
  firstRunDays?: number;
}

export interface RollupReport {
  /** false when another process held the housekeeping lock */
  ran: boolean;
  hours: number;
  siteHours: number;
  days: string[];
  /** the end of the last hour rolled up */
  rolledTo: Date | null;
}

export interface HousekeepingReport {
  rollups: RollupReport;
  /** null when the day's purge was already done (or another process is doing it) */
  purge: PurgeCount[] | null;
}

export interface RangeProgress {
  /** the local day just rolled up, and how many of the range's days are done */
  day: string;
  done: number;
  total: number;
  siteHours: number;
}

export interface Housekeeping {
  runOnce(): Promise<HousekeepingReport>;
  /** rolls up what is due now (the first half of runOnce) */
  rollUpDue(): Promise<RollupReport>;
  /** re-rolls whole local days from `from` to `to` (YYYY-MM-DD, inclusive), up to the last complete hour */
  rollUpRange(from: string, to: string, onDay?: (p: RangeProgress) => void): Promise<RollupReport>;
  /** purges now if today's purge has not run (the second half of runOnce) */
  purgeIfDue(): Promise<PurgeCount[] | null>;
  start(): void;
  stop(): Promise<void>;
}

function floorHour(t: number): number {
  return Math.floor(t / HOUR_MS) * HOUR_MS;
}

/** Midnight of a local day given as YYYY-MM-DD. */
function startOfDay(day: string, timezone: string): Date {
  // noon UTC of that date is inside the local day in every zone from UTC−11 to UTC+11; Indonesia is +7…+9
  return startOfLocalDay(new Date(`${day}T12:00:00Z`), timezone);
}

export function createHousekeeping(options: HousekeepingOptions): Housekeeping {
  const { db, clock, logger, timezone } = options;
  const everyMs = (options.everySeconds ?? 300) * 1000;
  const maxHoursPerRun = options.maxHoursPerRun ?? 72;
  const hoursPerChunk = options.hoursPerChunk ?? 6;
  const firstRunDays = options.firstRunDays ?? 14;

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;

  /** The end of a chunk starting at `from`: at most hoursPerChunk hours, never past `limit` or the local midnight. */
  function chunkEnd(from: number, limit: number): number {
    const midnight = startOfNextLocalDay(new Date(from), timezone).getTime();
    return Math.min(limit, from + hoursPerChunk * HOUR_MS, midnight);
  }

  /** Rolls [from, to) and, when the chunk closes its day or the run, that day; in the caller's transaction. */
  async function rollChunk(
    tx: Tx,
    from: number,
    to: number,
    last: number,
    now: Date,
  ): Promise<{ siteHours: number; day: string | null }> {
    const horizons = await findRollupHorizons(tx, now);
    const hours = await rollUpHours(tx, { from: new Date(from), to: new Date(to) }, { timezone, horizons });
    const day = localDate(new Date(from), timezone);
    const closesDay = to === startOfNextLocalDay(new Date(from), timezone).getTime() || to === last;
    if (!closesDay) return { siteHours: hours.rows, day: null };
    await rollUpDay(tx, day, { timezone, horizons });
    return { siteHours: hours.rows, day };
  }

  async function rollUpDue(): Promise<RollupReport> {
    const report: RollupReport = { ran: true, hours: 0, siteHours: 0, days: [], rolledTo: null };
    /** where the next chunk starts: SETTLE_HOURS before the progress at first, then each chunk's end */
    let cursor: number | undefined;
    for (;;) {
      const now = clock();
      const target = floorHour(now.getTime());
      const step = await withTransaction(db, async (tx) => {
        if (!(await tryHousekeepingLock(tx))) return 'busy' as const;
        let done = (await readProgress(tx, 'rollups'))?.getTime();
        if (done === undefined) {
          const earliest = await findEarliestActivity(tx, new Date(now.getTime() - firstRunDays * DAY_MS));
          done = floorHour((earliest ?? now).getTime());
          await writeProgress(tx, 'rollups', new Date(done), now);
        }
        report.rolledTo = new Date(done);
        if (cursor === undefined) {
          if (done >= target) return 'done' as const;
          // a new hour has completed: the hours before it are rolled again first
          cursor = done - SETTLE_HOURS * HOUR_MS;
        }
        if (cursor >= target || report.hours >= maxHoursPerRun) return 'done' as const;
        const from = cursor;
        const to = chunkEnd(from, Math.min(target, from + (maxHoursPerRun - report.hours) * HOUR_MS));
        const rolled = await rollChunk(tx, from, to, target, now);
        const newDone = Math.max(done, to);
        await writeProgress(tx, 'rollups', new Date(newDone), now);
        cursor = to;
        report.hours += (to - from) / HOUR_MS;
        report.siteHours += rolled.siteHours;
        if (rolled.day && !report.days.includes(rolled.day)) report.days.push(rolled.day);
        report.rolledTo = new Date(newDone);
        logger.info(
          { from: new Date(from).toISOString(), to: new Date(to).toISOString(), siteHours: rolled.siteHours, day: rolled.day ?? undefined },
          'rolled up hours',
        );
        return 'more' as const;
      });
      if (step === 'busy') {
        if (report.hours === 0) {
          report.ran = false;
          logger.debug('rollups: another controller holds the housekeeping lock');
        }
        return report;
      }
      if (step === 'done') return report;
    }
  }

  async function rollUpRange(fromDay: string, toDay: string, onDay?: (p: RangeProgress) => void): Promise<RollupReport> {
    const report: RollupReport = { ran: true, hours: 0, siteHours: 0, days: [], rolledTo: null };
    const now = clock();
    const last = floorHour(now.getTime());
    const days: string[] = [];
    for (let d = startOfDay(fromDay, timezone).getTime(); d < last && localDate(new Date(d), timezone) <= toDay; ) {
      days.push(localDate(new Date(d), timezone));
      d = startOfNextLocalDay(new Date(d), timezone).getTime();
    }
    for (const [i, day] of days.entries()) {
      const dayStart = startOfDay(day, timezone).getTime();
      const dayEnd = Math.min(startOfNextLocalDay(new Date(dayStart), timezone).getTime(), last);
      let siteHours = 0;
      for (let from = dayStart; from < dayEnd; ) {
        const to = chunkEnd(from, dayEnd);
        siteHours += await withTransaction(db, async (tx) => {
          await waitHousekeepingLock(tx);
          return (await rollChunk(tx, from, to, dayEnd, now)).siteHours;
        });
        report.hours += (to - from) / HOUR_MS;
        from = to;
      }
      report.siteHours += siteHours;
      report.days.push(day);
      report.rolledTo = new Date(dayEnd);
      logger.info({ day, siteHours }, 'rolled up day');
      onDay?.({ day, done: i + 1, total: days.length, siteHours });
    }
    return report;
  }

  async function purgeIfDue(): Promise<PurgeCount[] | null> {
    const now = clock();
    const today = localDate(now, timezone);
    const claimed = await withTransaction(db, async (tx) => {
      if (!(await tryHousekeepingLock(tx))) return false;
      const last = await readProgress(tx, 'purge');
      if (last && localDate(last, timezone) >= today) return false;
      await writeProgress(tx, 'purge', now, now);
      return true;
    });
    if (!claimed) return null;
    const counts = await purgeExpired(db, now, {
      onClass: (c) => {
        if (c.rows > 0 || c.partitionsDropped > 0) logger.info({ class: c.dataClass, rows: c.rows, partitionsDropped: c.partitionsDropped }, 'purged');
        if (c.skipped) logger.warn({ class: c.dataClass, why: c.skipped }, 'not purged');
      },
    });
    logger.info({ rows: counts.reduce((n, c) => n + c.rows, 0) }, 'purge done');
    return counts;
  }

  async function runOnce(): Promise<HousekeepingReport> {
    const rollups = await rollUpDue();
    const purge = await purgeIfDue();
    return { rollups, purge };
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce()
        .catch((err) => logger.error({ err }, 'housekeeping failed; trying again at the next run'))
        .finally(schedule);
    }, everyMs);
    timer.unref?.();
  }

  return {
    runOnce,
    rollUpDue,
    rollUpRange,
    purgeIfDue,
    start() {
      if (!stopped) return;
      stopped = false;
      running = runOnce()
        .catch((err) => logger.error({ err }, 'housekeeping failed; trying again at the next run'))
        .finally(schedule);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
