import { hostname } from 'node:os';
import type { Command } from 'commander';
import { pino } from 'pino';
import { loadConfig, type Config } from '../core/config.js';
import { createSecretBox, loadSecretKey, type SecretBox } from '../core/crypto.js';
import { createDb, isEmbedded, migrateLatest, type Db } from '../core/db/index.js';
import { systemClock } from '../core/domain/clock.js';
import { createLogger, type Logger } from '../core/logger.js';
import { createAlertDispatcher } from '../controller/alerts.js';
import { Controller } from '../controller/controller.js';
import { createHousekeeping } from '../controller/housekeeping.js';
import { startControllerHttp } from '../controller/http.js';
import { createControllerMetrics } from '../controller/metrics.js';
import { createRouterPoller } from '../controller/poll-site.js';
import { UsageError } from './context.js';
import { formatFields, portFlag } from './options.js';

interface ControllerFlags {
  once?: boolean;
  httpHost?: string;
  httpPort?: string;
}

/** The RouterOS poller with the configured time limits, on the real clock. */
function routerPoller(settings: Config['controller'], logger: Logger) {
  return createRouterPoller({
    connectTimeoutMs: settings.connectTimeoutMs,
    commandTimeoutMs: settings.commandTimeoutMs,
    clock: systemClock,
    logger: logger.child({ module: 'poll-site' }),
  });
}

/** Logs each change of a site's state, one line each. */
function logStateChange(logger: Logger) {
  return (c: { code: string; from: string; to: string; reason: string }) => logger.info({ site: c.code, from: c.from, to: c.to, reason: c.reason }, 'site state changed');
}

export interface RunningController {
  controller: Controller;
  /** the port the HTTP listener (heartbeats, metrics) is bound to */
  httpPort: number;
  /** ends the loop after its tick, lets go of every lease, closes the listener and the router connections */
  stop(): Promise<void>;
}

/**
 * The controller as a service over an open database: the polling loop and its HTTP listener (POST
 * /heartbeat, GET /metrics). `citywifi controller` runs it alone, `citywifi start` beside the others.
 */
export async function startControllerService(options: {
  config: Config;
  db: Db;
  box: SecretBox;
  logger: Logger;
  httpHost?: string;
  httpPort?: number;
}): Promise<RunningController> {
  const { config, db, box } = options;
  const settings = config.controller;
  const id = settings.id ?? `${hostname()}-${process.pid}`;
  const logger = options.logger.child({ controller: id });
  const metrics = createControllerMetrics({ processMetrics: true });
  const poller = routerPoller(settings, logger);
  const controller = new Controller({
    id, db, poller, box, clock: systemClock, logger: logger.child({ module: 'controller' }), settings, timezone: config.timezone, metrics,
    onChange: logStateChange(logger),
  });
  let http;
  try {
    http = await startControllerHttp({
      host: options.httpHost ?? settings.httpHost,
      port: options.httpPort ?? settings.httpPort,
      db, box, clock: systemClock, logger, metrics,
    });
  } catch (err) {
    await poller.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
      throw new UsageError(`the controller cannot listen on ${options.httpHost ?? settings.httpHost}:${options.httpPort ?? settings.httpPort} (${e.code}); set CONTROLLER_HTTP_PORT or --http-port`);
    }
    throw err;
  }
  // Alerts read the state changes from the database, so whichever controller holds the lock sends them.
  const alerts = createAlertDispatcher({
    db, clock: systemClock, logger: logger.child({ module: 'alerts' }), settings: { ...settings, timezone: config.timezone },
  });
  const housekeeping = createHousekeeping({ db, clock: systemClock, logger: logger.child({ module: 'housekeeping' }), timezone: config.timezone });
  const running = controller.run();
  alerts.start();
  housekeeping.start();
  logger.info(
    { intervalSeconds: settings.intervalSeconds, concurrency: settings.concurrency, httpHost: options.httpHost ?? settings.httpHost, httpPort: http.port },
    'controller started',
  );
  let stopping: Promise<void> | undefined;
  return {
    controller,
    httpPort: http.port,
    stop() {
      stopping ??= (async () => {
        await housekeeping.stop();
        await alerts.stop();
        await controller.stop().catch((err) => logger.error({ err }, 'releasing the leases failed; they lapse on their own'));
        await running;
        await http.close();
        await poller.close();
      })();
      return stopping;
    },
  };
}

/** `citywifi controller --once`: one sweep over this controller's share, a summary on stdout. */
async function sweepOnce(config: Config, db: Db, box: SecretBox): Promise<void> {
  // stdout carries the summary only; the log goes to stderr
  const logger = createLogger('controller', { level: config.logLevel, destination: pino.destination(2) });
  const settings = config.controller;
  const id = settings.id ?? `${hostname()}-${process.pid}`;
  const poller = routerPoller(settings, logger);
  const controller = new Controller({
    id, db, poller, box, clock: systemClock, logger: logger.child({ module: 'controller', controller: id }), settings, timezone: config.timezone,
    onChange: logStateChange(logger),
  });
  try {
    const report = await controller.sweepOnce();
    process.stdout.write(
      `sweep done: ${formatFields([
        ['controller', id],
        ['polled', String(report.polled)],
        ['failed', String(report.failed)],
        ['state-changes', String(report.changes)],
        ['reboots', String(report.reboots)],
        ['batches', String(report.batches)],
      ])}\n`,
    );
  } finally {
    await controller.stop().catch((err) => logger.error({ err }, 'releasing the leases failed; they lapse on their own'));
    await poller.close();
  }
}

/** `citywifi controller [--once]`: the polling loop and its HTTP listener until SIGINT/SIGTERM, or one sweep and exit. */
async function runController(flags: ControllerFlags): Promise<void> {
  const httpPort = portFlag(flags.httpPort, '--http-port');
  const config = loadConfig();
  const box = createSecretBox(loadSecretKey(config));
  const db = await createDb(config, { poolMax: 10 });
  try {
    if (isEmbedded(config)) await migrateLatest(db);
    if (flags.once) return await sweepOnce(config, db, box);
    const logger = createLogger('controller', { level: config.logLevel });
    const service = await startControllerService({ config, db, box, logger, httpHost: flags.httpHost, httpPort });
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    logger.info('stopping: letting go of the leases');
    await service.stop();
  } finally {
    await db.destroy();
  }
}

export function registerController(program: Command): void {
  program
    .command('controller')
    .description(
      'watch the routers: poll every commissioned site once per interval (or read the heartbeats of sites behind NAT), keep their state; shares the fleet with other controllers',
    )
    .option('--once', 'run one sweep over this controller\'s share of the sites, print a summary and exit (no HTTP listener)')
    .option('--http-host <address>', 'address of the HTTP listener for heartbeats and metrics (CONTROLLER_HTTP_HOST)')
    .option('--http-port <port>', 'port of the HTTP listener for heartbeats and metrics (CONTROLLER_HTTP_PORT; 0 = any free port)')
    .action(async (flags: ControllerFlags) => {
      await runController(flags);
    });
}
