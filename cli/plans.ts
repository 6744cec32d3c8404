import { Option, type Command } from 'commander';
import { addPlan, listPlans, type PlanRecord } from '../core/db/queries/plans.js';
import { parseInterimInterval, type PlanInput } from '../core/domain/plan-form.js';
import { formatByteSize, formatDuration, parseByteSize, parseDuration } from '../core/domain/units.js';
import { withContext } from './context.js';
import { formatFields, formatTable, parsedBy, rateLimitArg, rethrowAsUsage, textOf, wholeNumberIn } from './options.js';

const DURATION_HELP = 'seconds, or with s, m, h or d: 90s, 30m, 2h, 1d';

/** Every limit of a plan with the option that sets it, in the units an operator types them. */
function planFields(plan: PlanRecord): Array<[string, string]> {
  const show = <T>(value: T | null, format: (v: T) => string) => (value === null ? '-' : format(value));
  return [
    ['name', plan.name],
    ['rate-limit', plan.rateLimit ?? '-'],
    ['session-timeout', show(plan.sessionTimeout, formatDuration)],
    ['idle-timeout', show(plan.idleTimeout, formatDuration)],
    ['daily-time', show(plan.dailyTime, formatDuration)],
    ['daily-bytes', show(plan.dailyBytes, formatByteSize)],
    ['simultaneous-use', show(plan.simultaneousUse, String)],
    ['interim-interval', show(plan.interimInterval, formatDuration)],
  ];
}

function durationOption(flag: string, description: string): Option {
  return new Option(`${flag} <duration>`, `${description} (${DURATION_HELP})`).argParser(parsedBy(flag, parseDuration));
}

function registerAdd(plans: Command): void {
  plans
    .command('add')
    .description('define a plan: the limits a citizen, voucher or account gets')
    .requiredOption('--name <name>', 'a unique name for the plan', textOf('--name', 64))
    .option('--rate-limit <rate>', 'Mikrotik-Rate-Limit, rx/tx from the router\'s side (upload/download) in bit/s with k, M or G, e.g. 2M/5M', rateLimitArg)
    .addOption(durationOption('--session-timeout', 'longest single session'))
    .addOption(durationOption('--idle-timeout', 'disconnect after this long without traffic'))
    .addOption(durationOption('--daily-time', 'online time allowed per day'))
    .addOption(
      new Option('--daily-bytes <size>', 'data allowed per day: bytes, or with K, M, G or T in multiples of 1024 (500M, 2G)')
        .argParser(parsedBy('--daily-bytes', parseByteSize)),
    )
    .option('--simultaneous-use <count>', 'sessions allowed at once', wholeNumberIn('--simultaneous-use', 1, 1000))
    .addOption(
      durationOption('--interim-interval', 'Acct-Interim-Interval for this plan, at least 60s; unset = RADIUS_INTERIM_INTERVAL')
        .argParser(parsedBy('--interim-interval', parseInterimInterval)),
    )
    .action(async (opts: PlanInput) => {
      await withContext(async ({ db }) => {
        const plan = await addPlan(db, opts).catch(rethrowAsUsage);
        process.stdout.write(`plan added: ${formatFields(planFields(plan))}\n`);
      });
    });
}

function registerList(plans: Command): void {
  plans
    .command('list')
    .description('list the plans and their limits')
    .option('--json', 'print a JSON array instead of a table')
    .action(async (opts: { json?: boolean }) => {
      await withContext(async ({ db }) => {
        const all = await listPlans(db);
        if (opts.json) {
          process.stdout.write(JSON.stringify(all.map(({ id: _id, ...plan }) => plan), null, 2) + '\n');
          return;
        }
        const rows = all.map((plan) => planFields(plan).map(([, value]) => value));
        const header = ['NAME', 'RATE-LIMIT', 'SESSION', 'IDLE', 'DAILY-TIME', 'DAILY-BYTES', 'SIMULTANEOUS', 'INTERIM'];
        process.stdout.write(rows.length ? formatTable(header, rows) : 'no plans defined\n');
      });
    });
}

export function registerPlans(program: Command): void {
  const plans = program.command('plans').description('manage plans (rate, time and data limits)');
  registerAdd(plans);
  registerList(plans);
}
