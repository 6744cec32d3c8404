import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import knexModule, { type Knex } from 'knex';
import pg from 'pg';
import type { Config } from '../config.js';

export type { Knex };
export type Db = Knex;
export type Tx = Knex.Transaction;

const knex = knexModule.knex;

// int8 (counts, byte totals, bigserial ids) arrives as a number from both pg and PGlite. Values stay
// below 2^53 (9 PB per session), where a JS number is exact.
pg.types.setTypeParser(20, (value: string) => Number(value));
// numeric stays exact text in pg; read it as a number like PGlite does for our few numeric columns.
pg.types.setTypeParser(1700, (value: string) => Number(value));

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

export interface DbOptions {
  /** Pool size for a server database (ignored by the single-connection embedded database). */
  poolMax?: number;
}

/** knex on PostgreSQL through pg when DATABASE_URL is set, otherwise embedded PGlite in the data directory. */
export async function createDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>, options: DbOptions = {}): Promise<Db> {
  if (config.databaseUrl) {
    return knex({
      client: 'pg',
      connection: config.databaseUrl,
      pool: { min: 0, max: options.poolMax ?? 10 },
      migrations: { directory: MIGRATIONS_DIR, loadExtensions: ['.js'] },
    });
  }
  const dir = resolve(config.dataDir, 'pg');
  mkdirSync(dir, { recursive: true });
  const { default: ClientPgLite } = await import('knex-pglite');
  return knex({
    client: ClientPgLite,
    dialect: 'postgres',
    connection: { filename: dir },
    migrations: { directory: MIGRATIONS_DIR, loadExtensions: ['.js'] },
  } as Knex.Config);
}

export function isEmbedded(config: Pick<Config, 'databaseUrl'>): boolean {
  return !config.databaseUrl;
}

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest()) as [number, string[]];
  return applied;
}

export async function migrateRollbackAll(db: Db): Promise<string[]> {
  const [, undone] = (await db.migrate.rollback(undefined, true)) as [number, string[]];
  return undone;
}

/** Runs work in one transaction; on PGlite (one connection) every query inside must use the tx handle. */
export function withTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(work);
}

