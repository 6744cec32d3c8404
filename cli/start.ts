import type { Command } from 'commander';
import { loadConfig, type Config } from '../core/config.js';
import { createSecretBox, loadSecretKey, type SecretBox } from '../core/crypto.js';
import { createDb, isEmbedded, type Db } from '../core/db/index.js';
import { countSetup } from '../core/db/queries/setup-readiness.js';
import { AppError } from '../core/errors.js';
import { createLogger, type Logger } from '../core/logger.js';
import { startRadiusServer, type RadiusServer } from '../radius-server/server.js';
import type { RunningDashboard } from '../dashboard/server.js';
import type { RunningPortal } from '../portal/server.js';
import { migrateIfEmbedded, UsageError } from './context.js';
import { startControllerService, type RunningController } from './controller.js';
import { startDashboardService } from './dashboard.js';
import { portFlag } from './options.js';
import { startPortalService } from './portal.js';
import { withRadiusFlags, type RadiusFlags } from './radius.js';

/** The four services of one process, started on an open database. */
export interface RunningServices {
  radius: RadiusServer;
  portal: RunningPortal;
  controller: RunningController;
  dashboard: RunningDashboard;
  /** Stops them in the reverse order of start: dashboard, controller, portal, RADIUS (the database stays open). */
  stop(): Promise<void>;
}

/**
 * Starts RADIUS, the captive portal, the controller and the dashboard on `db`, in that order; if one
 * cannot start, those already running are stopped before the error goes on.
 */
export async function startAllServices(options: { config: Config; db: Db; box: SecretBox; logger: Logger }): Promise<RunningServices> {
  const { config, db, box, logger } = options;
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((err: unknown) => logger.error({ err }, 'a service did not stop cleanly'));
    }
  };
  try {
    const radius = await startRadiusServer({ config, db, box, logger });
    stops.push(() => radius.stop());
    const portal = await startPortalService({ config, db, box, logger });
    stops.push(() => portal.close());
    const controller = await startControllerService({ config, db, box, logger });
    stops.push(() => controller.stop());
    const dashboard = await startDashboardService({ config, db, box, logger });
    stops.push(() => dashboard.close());
    return { radius, portal, controller, dashboard, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Resolves on the first SIGINT or SIGTERM; later ones are ignored while stopping (Ctrl-C under
 * `npm start` reaches the process twice: from the terminal and forwarded by the script).
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.on('SIGINT', () => resolve('SIGINT'));
    process.on('SIGTERM', () => resolve('SIGTERM'));
  });
}

interface StartFlags extends RadiusFlags {
  embedded?: boolean;
  portalHost?: string;
  portalPort?: string;
}

/** What `citywifi start` found: errors stop it (exit 2), warnings are logged and it runs. */
export interface Readiness {
  errors: string[];
  warnings: string[];
}

/** The configuration problems that stop production mode, before anything is opened. */
export function checkEnvironment(env: NodeJS.ProcessEnv, flags: { embedded?: boolean }): { config?: Config; errors: string[] } {
  const errors: string[] = [];
  let config: Config | undefined;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'CONFIG_INVALID') throw error;
    errors.push(...error.message.split('\n'));
  }
  if (!env.DATABASE_URL && !flags.embedded) {
    errors.push(
      'DATABASE_URL is not set: production runs on a PostgreSQL server, e.g. DATABASE_URL=postgres://citywifi@db.example/citywifi ' +
        '(to try citywifi without one, run `citywifi demo`; to run on the embedded database anyway, `citywifi start --embedded`)',
    );
  }
  if (env.DATABASE_URL && !env.CITYWIFI_SECRET_KEY) {
    errors.push('CITYWIFI_SECRET_KEY is not set: it encrypts router and RADIUS secrets at rest; make one with `openssl rand -hex 32` and keep it safe');
  }
  return { config, errors };
}

/** The set-up problems found in the database: warnings, since the services can run and be set up live. */
export async function checkDatabase(config: Config, db: Db): Promise<Readiness> {
  const errors: string[] = [];
  const warnings: string[] = [];
  try {
    await db.raw('select 1');
  } catch (error) {
    errors.push(`the database cannot be reached (${(error as Error).message}); check DATABASE_URL and that the server accepts this host`);
    return { errors, warnings };
  }
  if (!isEmbedded(config)) {
    const [, pending] = (await db.migrate.list()) as [unknown[], Array<{ file: string } | string>];
    if (pending.length > 0) errors.push(`${pending.length} database migration(s) not applied: run \`citywifi migrate\` first`);
  }
  if (errors.length) return { errors, warnings };
  const setup = await countSetup(db);
  if (setup.nas === 0) warnings.push('no NAS registered: RADIUS answers no router until one is added with `citywifi nas add --name N --address IP-or-CIDR --secret S`');
  if (setup.plans === 0) warnings.push('no plan defined: every login is refused ("no-plan") until one is added with `citywifi plans add --name N`');
  if (setup.commissionedSites === 0) warnings.push('no commissioned site: the controller has nothing to watch; add sites with `citywifi sites import FILE.csv`');
  if (setup.admins === 0) warnings.push('no dashboard account yet: make the first with `citywifi admin add --username NAME --password PASSWORD --role admin`');
  if (!config.controller.alertWebhookUrl) warnings.push('ALERT_WEBHOOK_URL is not set: alerts are recorded for the dashboard, not sent anywhere');
  if (config.otp.sender === 'console') warnings.push('OTP_SENDER=console: one-time codes are written to standard error, not sent to phones; set OTP_SENDER=webhook and OTP_WEBHOOK_URL');
  return { errors, warnings };
}

/** Writes the findings as one block on standard error. */
export function printReadiness(readiness: Readiness): void {
  const lines: string[] = [];
  if (readiness.errors.length) {
    lines.push('citywifi start: cannot start; the configuration lacks:');
    for (const e of readiness.errors) lines.push(`  - ${e}`);
  }
  if (readiness.warnings.length) {
    lines.push(readiness.errors.length ? 'and, once it starts:' : 'citywifi start: running, but note:');
    for (const w of readiness.warnings) lines.push(`  - ${w}`);
  }
  if (lines.length) process.stderr.write(`${lines.join('\n')}\n`);
}

/** Command-line flags override the environment for this run. */
function withFlags(config: Config, flags: StartFlags): Config {
  const withRadius = withRadiusFlags(config, flags);
  return {
    ...withRadius,
    portal: {
      ...config.portal,
      host: flags.portalHost ?? config.portal.host,
      port: portFlag(flags.portalPort, '--portal-port') ?? config.portal.port,
    },
  };
}

/** `citywifi start`: checks the configuration, then runs the four services until SIGINT/SIGTERM. */
async function runStart(flags: StartFlags): Promise<void> {
  const checked = checkEnvironment(process.env, flags);
  if (checked.errors.length || !checked.config) {
    printReadiness({ errors: checked.errors, warnings: [] });
    throw new UsageError(`start: ${checked.errors.length} problem(s) in the configuration; nothing was started`);
  }
  const config = withFlags(checked.config, flags);
  const logger = createLogger('citywifi', { level: config.logLevel });
  const box = createSecretBox(loadSecretKey(config));
  const db = await createDb(config, { poolMax: 30 });
  try {
    await migrateIfEmbedded(config, db, logger);
    const readiness = await checkDatabase(config, db);
    printReadiness(readiness);
    for (const warning of readiness.warnings) logger.warn({ event: 'setup-incomplete' }, warning);
    if (readiness.errors.length) throw new UsageError(`start: ${readiness.errors.length} problem(s); nothing was started`);
    const services = await startAllServices({ config, db, box, logger });
    const signal = await untilSignal();
    logger.info({ signal }, 'stopping');
    await services.stop();
  } finally {
    await db.destroy();
  }
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('production mode: RADIUS, the captive portal, the controller and the dashboard in one process on the configured PostgreSQL; says first what the configuration lacks')
    .option('--embedded', 'run on the embedded database in CITYWIFI_DATA_DIR instead of DATABASE_URL (development and tests; `citywifi demo` for a live demo)')
    .option('--host <address>', 'address the RADIUS listeners bind (RADIUS_HOST)')
    .option('--auth-port <port>', 'RADIUS authentication port (RADIUS_AUTH_PORT)')
    .option('--acct-port <port>', 'RADIUS accounting port (RADIUS_ACCT_PORT)')
    .option('--metrics-port <port>', 'RADIUS metrics port (RADIUS_METRICS_PORT)')
    .option('--portal-host <address>', 'address the captive portal listens on (PORTAL_HOST)')
    .option('--portal-port <port>', 'port of the captive portal (PORTAL_PORT)')
    .action((flags: StartFlags) => runStart(flags));
}
