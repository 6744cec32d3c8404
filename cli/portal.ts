import type { Command } from 'commander';
import { loadConfig, type Config } from '../core/config.js';
import { createSecretBox, loadSecretKey, type SecretBox } from '../core/crypto.js';
import { createDb, isEmbedded, migrateLatest, type Db } from '../core/db/index.js';
import { systemClock } from '../core/domain/clock.js';
import { createLogger, type Logger } from '../core/logger.js';
import { createOtpSender, describeOtpSender } from '../portal/otp/create-sender.js';
import { startPortal, type RunningPortal } from '../portal/server.js';
import { UsageError } from './context.js';

export interface PortalFlags {
  host?: string;
  port?: string;
}

export function portalPortFlag(value: string | undefined, flag = '--port'): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`${flag} must be a port number from 0 to 65535, not "${value}"`);
  return Number(value);
}

/** The captive portal over an open database; `citywifi start` runs it beside the other services. */
export async function startPortalService(
  options: { config: Config; db: Db; box: SecretBox; logger: Logger; host?: string; port?: number },
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
  });
}

/** `citywifi portal`: the captive portal alone, until SIGINT/SIGTERM. */
async function runPortal(flags: PortalFlags): Promise<void> {
  const port = portalPortFlag(flags.port);
  const config = loadConfig();
  const logger = createLogger('portal', { level: config.logLevel });
  const box = createSecretBox(loadSecretKey(config));
  const db = await createDb(config, { poolMax: 20 });
  if (isEmbedded(config)) {
    const applied = await migrateLatest(db);
    if (applied.length) logger.info({ applied }, 'embedded database migrated');
  }
  const portal = await startPortalService({ config, db, box, logger, host: flags.host, port });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info('stopping');
  await portal.close();
  await db.destroy();
}

export function registerPortal(program: Command): void {
  program
    .command('portal')
    .description('run the captive portal (the page citizens see before going online)')
    .option('--host <address>', 'address to listen on (PORTAL_HOST)')
    .option('--port <port>', 'port to listen on (PORTAL_PORT)')
    .action((flags: PortalFlags) => runPortal(flags));
}
