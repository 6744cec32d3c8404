// The PostgreSQL server both RADIUS servers use: a fresh database per server, dropped at the end,
// and the transaction counter the benchmark reads to count database work per request.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface DbTarget {
  name: string;
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function newDatabaseName(prefix: string): string {
  return `${prefix}_${Date.now()}_${randomBytes(3).toString('hex')}`;
}

export function targetFor(name: string): DbTarget {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    password: decodeURIComponent(url.password),
  };
}

export async function createDatabase(name: string): Promise<DbTarget> {
  await withAdmin((c) => c.query(`create database ${pg.escapeIdentifier(name)}`));
  return targetFor(name);
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((c) => c.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`));
}

/** Runs work on a connection to one database. */
export async function withDatabase<T>(target: DbTarget, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function serverVersion(): Promise<string> {
  return withAdmin(async (c) => {
    const { rows } = await c.query<{ server_version: string }>('show server_version');
    return rows[0].server_version;
  });
}

/**
 * Transactions committed or rolled back in one database so far. A backend reports its counts when
 * it exits, so read this once the server using the database has stopped (waitForNoBackends).
 */
export async function transactionCount(name: string): Promise<number> {
  return withAdmin(async (c) => {
    await c.query('select pg_stat_clear_snapshot()');
    const { rows } = await c.query<{ n: string }>(
      'select xact_commit + xact_rollback as n from pg_stat_database where datname = $1',
      [name],
    );
    return Number(rows[0]?.n ?? 0);
  });
}

/** Waits until no backend is connected to the database (its statistics are then flushed). */
export async function waitForNoBackends(name: string, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  return withAdmin(async (c) => {
    for (;;) {
      const { rows } = await c.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
      if (rows[0].n === 0) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return true;
      }
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
}

/**
 * Writes out every dirty buffer now, so that neither server's measured phase pays for a checkpoint
 * of the other's writes (or of the seeding).
 */
export async function checkpoint(): Promise<void> {
  await withAdmin((c) => c.query('checkpoint'));
}
