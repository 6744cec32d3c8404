import { loadConfig, type Config } from '../core/config.js';
import { createSecretBox, loadSecretKey, type SecretBox } from '../core/crypto.js';
import { createDb, isEmbedded, migrateLatest, type Db } from '../core/db/index.js';
import { AppError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

/** A failure the operator must see as one clear line, with exit code 2 and nothing written. */
export class UsageError extends Error {}

export interface CliContext {
  config: Config;
  db: Db;
  box: SecretBox;
}

/** Loads the configuration, the key and the database for one command, and always closes the database. */
export async function withContext<T>(work: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const box = createSecretBox(loadSecretKey(config));
  const db = await createDb(config);
  try {
    return await work({ config, db, box });
  } finally {
    await db.destroy();
  }
}

/** Applies pending migrations to the embedded database, so a fresh checkout just runs (a server database is migrated by `citywifi migrate`). */
export async function migrateIfEmbedded(config: Config, db: Db, logger: Logger): Promise<void> {
  if (!isEmbedded(config)) return;
  const applied = await migrateLatest(db);
  if (applied.length) logger.info({ applied }, 'embedded database migrated');
}

/** Prints the one-line message of an expected failure and exits 2; anything else is a bug and exits 1. */
export function exitOnError(error: unknown): never {
  if (error instanceof UsageError) {
    process.stderr.write(`citywifi: ${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof AppError && (error.code === 'CONFIG_INVALID' || error.code === 'KEY_MISSING' || error.code === 'BAD_ARGUMENT')) {
    const lines = error.message.split('\n');
    for (const line of lines) process.stderr.write(`citywifi: ${line}\n`);
    process.exit(2);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`citywifi: unexpected failure: ${message}\n`);
  process.exit(1);
}
