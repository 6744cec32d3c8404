import type { Command } from 'commander';
import { loadConfig, type Config } from '../core/config.js';
import { createSecretBox, loadSecretKey } from '../core/crypto.js';
import { createDb } from '../core/db/index.js';
import { createLogger } from '../core/logger.js';
import { startRadiusServer } from '../radius-server/server.js';
import { migrateIfEmbedded } from './context.js';
import { portFlag } from './options.js';

export interface RadiusFlags {
  host?: string;
  authPort?: string;
  acctPort?: string;
  metricsPort?: string;
}

/** Command-line flags override the environment for this run (`citywifi radius` and `citywifi start`). */
export function withRadiusFlags(config: Config, flags: RadiusFlags): Config {
  return {
    ...config,
    radius: {
      ...config.radius,
      host: flags.host ?? config.radius.host,
      authPort: portFlag(flags.authPort, '--auth-port') ?? config.radius.authPort,
      acctPort: portFlag(flags.acctPort, '--acct-port') ?? config.radius.acctPort,
      metricsPort: portFlag(flags.metricsPort, '--metrics-port') ?? config.radius.metricsPort,
    },
  };
}

/** `citywifi radius`: the RADIUS server alone until SIGINT/SIGTERM; the embedded database is migrated first so a fresh checkout just runs. */
async function runRadius(flags: RadiusFlags): Promise<void> {
  const config = withRadiusFlags(loadConfig(), flags);
  const logger = createLogger('radius', { level: config.logLevel });
  const box = createSecretBox(loadSecretKey(config));
  const db = await createDb(config, { poolMax: 20 });
  await migrateIfEmbedded(config, db, logger);
  const radius = await startRadiusServer({ config, db, box, logger });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  logger.info('stopping');
  await radius.stop();
  await db.destroy();
}

function addRadiusFlags(command: Command): Command {
  return command
    .option('--host <address>', 'address to listen on (RADIUS_HOST)')
    .option('--auth-port <port>', 'authentication port (RADIUS_AUTH_PORT)')
    .option('--acct-port <port>', 'accounting port (RADIUS_ACCT_PORT)')
    .option('--metrics-port <port>', 'Prometheus metrics port (RADIUS_METRICS_PORT)');
}

export function registerRadius(program: Command): void {
  addRadiusFlags(program.command('radius').description('run the RADIUS server (authentication, accounting, metrics)')).action((flags: RadiusFlags) =>
    runRadius(flags),
  );
}
