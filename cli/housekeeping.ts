import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { pino } from 'pino';
import type { PurgeCount } from '../core/db/queries/retention.js';
import { purgeExpired } from '../core/db/queries/retention.js';
import { systemClock } from '../core/domain/clock.js';
import { localDate } from '../core/domain/local-time.js';
import { createLogger } from '../core/logger.js';
import { createHousekeeping, type RollupReport } from '../controller/housekeeping.js';
import { UsageError, withContext } from './context.js';
import { formatFields, formatTable, parsedBy } from './options.js';

/**
 * `citywifi rollup [--from DAY --to DAY]` and `citywifi purge [--dry-run]`: by hand what the
 * controller's housekeeping does on its own (controller/housekeeping.ts).
 */

const dayArg = (flag: string) =>
  parsedBy(flag, (text) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
    if (!m || !d || d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
      return { ok: false, reason: `"${text}" is not a date written YYYY-MM-DD` };
    }
    return { ok: true, value: text };
  });

/** The command prints its own summary; the log (warnings and worse, unless debug is asked for) goes to stderr. */
function commandLogger(level: string) {
  return createLogger('housekeeping', { level: level === 'debug' || level === 'trace' ? level : 'warn', destination: pino.destination(2) });
}

/** A progress bar over the days on stderr when it is a terminal (cli-progress); silent otherwise. */
function dayProgress(): { update(done: number, total: number, day: string): void; end(): void } {
  if (!process.stderr.isTTY) return { update() {}, end() {} };
  const bar = new SingleBar({ format: 'rolling up [{bar}] {percentage}% {value}/{total} days  {day}', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  let started = false;
  return {
    update(done, total, day) {
      if (!started) bar.start(total, 0, { day });
      started = true;
      bar.update(done, { day });
    },
    end() {
      if (started) bar.stop();
    },
  };
}

function summary(report: RollupReport): string {
  return formatFields([
    ['hours', String(report.hours)],
    ['site-hours', String(report.siteHours)],
    ['days', report.days.length ? report.days.join(',') : '-'],
    ['rolled-to', report.rolledTo ? report.rolledTo.toISOString() : '-'],
  ]);
}

interface RollupFlags {
  from?: string;
  to?: string;
}

function registerRollup(program: Command): void {
  program
    .command('rollup')
    .description(
      'roll up router states, samples and sessions into the hourly and daily tables: what is due (as the controller does every few minutes), ' +
        'or again for whole local days with --from/--to (after declaring a past maintenance window, say); on a terminal, a progress bar on stderr',
    )
    .option('--from <day>', 'first local day to roll up again, YYYY-MM-DD', dayArg('--from'))
    .option('--to <day>', 'last local day to roll up again, YYYY-MM-DD (default: today, up to the last complete hour)', dayArg('--to'))
    .action(async (flags: RollupFlags) => {
      if (flags.to && !flags.from) throw new UsageError('--to: give --from as well (the first day to roll up)');
      await withContext(async ({ config, db }) => {
        // an operator asking for what is due gets all of it, not the controller's share per run
        const housekeeping = createHousekeeping({
          db, clock: systemClock, logger: commandLogger(config.logLevel), timezone: config.timezone, maxHoursPerRun: Number.POSITIVE_INFINITY,
        });
        if (!flags.from) {
          const report = await housekeeping.rollUpDue();
          if (!report.ran) {
            process.stdout.write('rollup: another controller is rolling up right now; nothing done\n');
            return;
          }
          process.stdout.write(`${report.hours ? 'rolled up' : 'nothing due'}: ${summary(report)}\n`);
          return;
        }
        const to = flags.to ?? localDate(systemClock(), config.timezone);
        if (flags.from > to) throw new UsageError(`--from: ${flags.from} is after --to ${to}`);
        const progress = dayProgress();
        let report: RollupReport;
        try {
          report = await housekeeping.rollUpRange(flags.from, to, (p) => progress.update(p.done, p.total, p.day));
        } finally {
          progress.end();
        }
        process.stdout.write(`${report.days.length ? 'rolled up' : 'nothing to roll up (the range has no complete hour yet)'}: ${summary(report)}\n`);
      });
    });
}

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function purgeTable(counts: PurgeCount[], dryRun: boolean): string {
  return formatTable(
    ['CLASS', 'KEEP-DAYS', 'OLDER-THAN', dryRun ? 'EXPIRED' : 'DELETED', 'NOTE'],
    counts.map((c) => [
      c.dataClass,
      String(c.keepDays),
      isoSeconds(c.cutoff),
      c.skipped ? '-' : String(c.rows),
      c.skipped ?? (c.partitionsDropped ? `${c.partitionsDropped} monthly partition(s) ${dryRun ? 'would be ' : ''}dropped whole` : ''),
    ]),
  );
}

function registerPurge(program: Command): void {
  program
    .command('purge')
    .description('delete what is older than its retention period, for every data class in retention_settings (the controller does it once a day)')
    .option('--dry-run', 'count what has expired, delete nothing')
    .option('--json', 'one JSON array: class, keep_days, older_than, rows, partitions_dropped, skipped')
    .action(async (flags: { dryRun?: boolean; json?: boolean }) => {
      await withContext(async ({ db }) => {
        const dryRun = flags.dryRun ?? false;
        const counts = await purgeExpired(db, systemClock(), { dryRun });
        if (flags.json) {
          const rows = counts.map((c) => ({
            class: c.dataClass,
            keep_days: c.keepDays,
            older_than: c.cutoff.toISOString(),
            rows: c.rows,
            partitions_dropped: c.partitionsDropped,
            skipped: c.skipped ?? null,
          }));
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        process.stdout.write(purgeTable(counts, dryRun));
        const total = counts.reduce((n, c) => n + c.rows, 0);
        process.stdout.write(dryRun ? `dry run: ${total} rows have expired; nothing was deleted\n` : `purged: ${total} rows\n`);
      });
    });
}

export function registerHousekeeping(program: Command): void {
  registerRollup(program);
  registerPurge(program);
}
