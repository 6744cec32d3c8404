import { hostname } from 'node:os';
import type { Command } from 'commander';
import { pino } from 'pino';
import { loadConfig } from '../core/config.js';
import { createSecretBox, loadSecretKey } from '../core/crypto.js';
import { createDb, isEmbedded, migrateLatest } from '../core/db/index.js';
import { systemClock } from '../core/domain/clock.js';
import { createLogger } from '../core/logger.js';
import { Controller } from '../controller/controller.js';
import { createRouterPoller } from '../controller/poll-site.js';
import { formatFields } from './options.js';

interface ControllerFlags {
  once?: boolean;
}

/** `citywifi controller [--once]`: the polling loop until SIGINT/SIGTERM, or one sweep and exit. */
async function runController(flags: ControllerFlags): Promise<void> {
  const config = loadConfig();
  // With --once stdout carries the summary only; the log goes to stderr.
  const logger = createLogger('controller', { level: config.logLevel, destination: flags.once ? pino.destination(2) : undefined });
  const box = createSecretBox(loadSecretKey(config));
  const db = await createDb(config, { poolMax: 10 });
  const settings = config.controller;
  const id = settings.id ?? `${hostname()}-${process.pid}`;
  const poller = createRouterPoller({
    connectTimeoutMs: settings.connectTimeoutMs,
    commandTimeoutMs: settings.commandTimeoutMs,
    clock: systemClock,
    logger: logger.child({ module: 'poll-site' }),
  });
  const controller = new Controller({
    id, db, poller, box, clock: systemClock, logger: logger.child({ module: 'controller', controller: id }), settings, timezone: config.timezone,
    onChange: (c) => logger.info({ site: c.code, from: c.from, to: c.to, reason: c.reason }, 'site state changed'),
  });
  try {
    if (isEmbedded(config)) await migrateLatest(db);
    if (flags.once) {
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
      return;
    }
    logger.info({ controller: id, intervalSeconds: settings.intervalSeconds, concurrency: settings.concurrency }, 'controller started');
    const stopping = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    void controller.run();
    await stopping;
    logger.info('stopping: letting go of the leases');
  } finally {
    await controller.stop().catch((err) => logger.error({ err }, 'releasing the leases failed; they lapse on their own'));
    await poller.close();
    await db.destroy();
  }
}

export function registerController(program: Command): void {
  program
    .command('controller')
    .description('watch the routers: poll every commissioned site once per interval, keep their state (shares the fleet with other controllers)')
    .option('--once', 'run one sweep over this controller\'s share of the sites, print a summary and exit')
    .action(async (flags: ControllerFlags) => {
      await runController(flags);
    });
}
