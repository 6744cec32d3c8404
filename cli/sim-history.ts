import { Option, type Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { startOfLocalDay } from '../core/domain/local-time.js';
import { DEFAULT_NEW_SITES, generateHistory, HistoryExistsError, type HistorySummary } from '../sim/history/generate.js';
import { UsageError, withContext } from './context.js';
import { formatFields, parsedBy, wholeNumberIn } from './options.js';

interface HistoryFlags {
  sites?: number;
  days: number;
  sessionDays: number;
  seed: number;
  end?: string;
  replace?: boolean;
}

const dayArg = parsedBy('--end', (text) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !d || d.toISOString().slice(0, 10) !== text) return { ok: false, reason: `"${text}" is not a date written YYYY-MM-DD` };
  return { ok: true, value: text };
});

/** A progress bar over the steps on stderr when it is a terminal (cli-progress); silent otherwise. */
function stepProgress(): { update(done: number, total: number, step: string): void; end(): void } {
  if (!process.stderr.isTTY) return { update() {}, end() {} };
  const bar = new SingleBar({ format: 'history [{bar}] {percentage}% {value}/{total} {step}  {duration_formatted}', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  let started = false;
  return {
    update(done, total, step) {
      if (!started) bar.start(total, 0, { step });
      started = true;
      bar.update(done, { step });
    },
    end() {
      if (started) bar.stop();
    },
  };
}

function summaryText(s: HistorySummary, seconds: number): string {
  const timing = Object.entries(s.seconds).map(([k, v]) => `${k}=${v.toFixed(1)}s`).join(',');
  return `history generated: ${formatFields([
    ['sites', String(s.sites)],
    ['created', String(s.sitesCreated)],
    ['days', `${s.firstDay}..${s.lastDay}`],
    ['raw-from', s.windowFirstDay],
    ['until', s.end.toISOString()],
    ['daily-rows', String(s.dailyRows)],
    ['hourly-rows', String(s.hourlyRows)],
    ['sessions', String(s.sessions)],
    ['samples', String(s.samples)],
    ['state-changes', String(s.stateChanges)],
    ['maintenance-windows', String(s.maintenanceWindows)],
    ['problem-reports', String(s.problemReports)],
    ['ratings', String(s.ratings)],
    ['seconds', seconds.toFixed(1)],
  ])}\n  steps: ${timing}\n`;
}

/** `citywifi sim history`: fills the database with simulated history (sim/history/generate.ts says what). */
export function registerSimHistory(sim: Command): void {
  sim
    .command('history')
    .description(
      'fill the database with a year of simulated history: outages, maintenance windows, daily rollups, and for the last days sessions, hourly rollups ' +
        'and samples, problem reports and ratings (deterministic for a seed; on a terminal, a progress bar on stderr)',
    )
    .addOption(new Option('--sites <n>', `how many sites: the first N in the database (default all), or N new ones placed in their kelurahan when it has none (default ${DEFAULT_NEW_SITES})`).argParser(wholeNumberIn('--sites', 1, 50_000)))
    .addOption(new Option('--days <n>', 'days of history (daily rollups, state changes, reports)').default(365).argParser(wholeNumberIn('--days', 1, 1095)))
    .addOption(new Option('--session-days <n>', 'the last days with raw sessions, samples of the last two, and hourly rollups').default(30).argParser(wholeNumberIn('--session-days', 1, 400)))
    .addOption(new Option('--seed <n>', 'the same seed on the same sites gives the same history').default(1).argParser(wholeNumberIn('--seed', 0, 2 ** 31 - 1)))
    .option('--end <day>', 'history stops at the start of this local day, YYYY-MM-DD (default: at the start of the current hour)', dayArg)
    .option('--replace', 'delete the history these sites already have in the range and generate it anew')
    .action(async (flags: HistoryFlags) => {
      if (flags.sessionDays > flags.days) throw new UsageError(`--session-days: ${flags.sessionDays} is more than --days ${flags.days}`);
      await withContext(async ({ config, db, box }) => {
        const end = flags.end
          ? startOfLocalDay(new Date(`${flags.end}T12:00:00Z`), config.timezone)
          : new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
        const started = Date.now();
        const progress = stepProgress();
        let summary: HistorySummary;
        try {
          summary = await generateHistory(
            db,
            box,
            { sites: flags.sites, days: flags.days, sessionDays: flags.sessionDays, seed: flags.seed, end, timezone: config.timezone, replace: flags.replace ?? false },
            (s) => progress.update(s.done, s.total, s.step),
          );
        } catch (error) {
          if (error instanceof HistoryExistsError) throw new UsageError(error.message);
          throw error;
        } finally {
          progress.end();
        }
        process.stdout.write(summaryText(summary, (Date.now() - started) / 1000));
      });
    });
}
