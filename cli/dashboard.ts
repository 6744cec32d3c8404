import type { Command } from 'commander';
import { loadConfig, type Config } from '../core/config.js';
import { createSecretBox, loadSecretKey, type SecretBox } from '../core/crypto.js';
import { createDb, type Db } from '../core/db/index.js';
import { countAdmins } from '../core/db/queries/admins.js';
import { systemClock } from '../core/domain/clock.js';
import { createLogger, type Logger } from '../core/logger.js';
import { startDashboard, type RunningDashboard } from '../dashboard/server.js';
import { migrateIfEmbedded } from './context.js';
import { portFlag } from './options.js';

export interface DashboardFlags {
  host?: string;
  port?: string;
}

/** The dashboard over an open database; `citywifi start` can run it beside the other services. */
export async function startDashboardService(options: { config: Config; db: Db; box: SecretBox; logger: Logger; host?: string; port?: number }): Promise<RunningDashboard> {
  const dashboard = await startDashboard({ ...options, clock: systemClock, warm: true });
  if ((await countAdmins(options.db)) === 0) {
    options.logger.warn('no dashboard account yet: make the first with  citywifi admin add --username NAME --password PASSWORD --role admin');
  }
  return dashboard;
}

/** `citywifi dashboard`: the dashboard alone, until SIGINT/SIGTERM. */
async function runDashboard(flags: DashboardFlags): Promise<void> {
  const port = portFlag(flags.port, '--port');
  const config = loadConfig();
  const logger = createLogger('dashboard', { level: config.logLevel });
  const box = createSecretBox(loadSecretKey(config));
  const db = await createDb(config, { poolMax: 10 });
  await migrateIfEmbedded(config, db, logger);
  const dashboard = await startDashboardService({ config, db, box, logger, host: flags.host, port });
  process.stderr.write(`dashboard: ${dashboard.url}/  (metrics: http://${config.dashboard.metricsHost}:${dashboard.metricsPort}/metrics)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info('stopping');
  await dashboard.close();
  await db.destroy();
}

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description('run the dashboard (network status, reports and management for engineers, reporting staff and admins)')
    .option('--host <address>', 'address to listen on (DASHBOARD_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (DASHBOARD_PORT, default 8081)')
    .action((flags: DashboardFlags) => runDashboard(flags));
}
