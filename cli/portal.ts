import cluster from 'node:cluster';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../core/config.js';
import { createSecretBox, loadSecretKey, type SecretBox } from '../core/crypto.js';
import { createDb, isEmbedded, type Db } from '../core/db/index.js';
import { systemClock } from '../core/domain/clock.js';
import { createLogger, type Logger } from '../core/logger.js';
import { createOtpSender, describeOtpSender } from '../portal/otp/create-sender.js';
import { shareMetricsWithPrimary, startPortalPrimary } from '../portal/cluster.js';
import { startPortal, type PortalListenOptions, type RunningPortal } from '../portal/server.js';
import { migrateIfEmbedded, UsageError } from './context.js';
import { portFlag } from './options.js';

export interface PortalFlags {
  host?: string;
  port?: string;
}

/** The captive portal over an open database; `citywifi start` runs it beside the other services. */
export async function startPortalService(
  options: { config: Config; db: Db; box: SecretBox; logger: Logger } & PortalListenOptions,
): Promise<RunningPortal> {
  const sender = createOtpSender(options.config.otp);
  const about = describeOtpSender(sender);
  options.logger[about.level](about.message);
  return startPortal({
    config: options.config,
    db: options.db,
    box: options.box,
    logger: options.logger,
    clock: systemClock,
    sender,
    host: options.host,
    port: options.port,
    metricsListener: options.metricsListener,
    onMetrics: options.onMetrics,
  });
}

/** Resolves on the first SIGINT or SIGTERM (later ones are ignored while stopping) or when `also` settles. */
function untilStopped(also?: Promise<unknown>): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    void also?.then(stop, stop);
  });
}

/** The primary of `citywifi portal` with PORTAL_WORKERS > 1: forks the workers, serves their metrics. */
async function runPortalPrimary(config: Config, logger: Logger, flags: PortalFlags): Promise<void> {
  const workers = config.portal.workers;
  if (isEmbedded(config)) {
    throw new UsageError(`PORTAL_WORKERS=${workers} needs DATABASE_URL: the embedded database serves one process only`);
  }
  // Each worker runs this same command line (node:cluster's default), so it gets --host and --port too.
  const primary = await startPortalPrimary({ config, logger, workers, host: flags.host ?? config.portal.host });
  let failure: Error | undefined;
  await untilStopped(primary.failed.then((error) => (failure = error)));
  logger.info('stopping');
  await primary.close();
  if (failure) throw failure;
}

/** `citywifi portal`: the captive portal alone, until SIGINT/SIGTERM. */
async function runPortal(flags: PortalFlags): Promise<void> {
  const port = portFlag(flags.port, '--port');
  const config = loadConfig();
  const rootLogger = createLogger('portal', { level: config.logLevel });
  const workers = config.portal.workers;
  if (cluster.isPrimary && workers > 1) return runPortalPrimary(config, rootLogger, flags);
  const worker = cluster.isWorker ? cluster.worker : undefined;
  // A worker's log lines say which worker wrote them.
  const logger = worker ? rootLogger.child({ worker: worker.id }) : rootLogger;
  const box = createSecretBox(loadSecretKey(config));
  // The connections are shared out among the workers (each at least 5).
  const db = await createDb(config, { poolMax: worker ? Math.max(5, Math.ceil(20 / workers)) : 20 });
  await migrateIfEmbedded(config, db, logger);
  const portal = await startPortalService({
    config,
    db,
    box,
    logger,
    host: flags.host,
    port,
    // In a worker the primary serves the metrics of all workers.
    metricsListener: !worker,
    onMetrics: worker ? shareMetricsWithPrimary : undefined,
  });
  // A worker also stops when its primary is gone.
  const primaryGone = worker ? new Promise((resolve) => process.once('disconnect', resolve)) : undefined;
  await untilStopped(primaryGone);
  logger.info('stopping');
  await portal.close();
  await db.destroy();
  // The channel to the primary would keep a worker's process alive.
  if (worker && process.connected) process.disconnect();
}

export function registerPortal(program: Command): void {
  program
    .command('portal')
    .description('run the captive portal (the page citizens see before going online)')
    .option('--host <address>', 'address to listen on (PORTAL_HOST)')
    .option('--port <port>', 'port to listen on (PORTAL_PORT)')
    .action((flags: PortalFlags) => runPortal(flags));
}
