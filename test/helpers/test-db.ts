import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, migrateLatest, type Db } from '../../core/db/index.js';

/** The server the tests create their databases on; a fresh database per run, dropped at the end. */
export const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_SECRET_KEY = 'a1'.repeat(32);

let state: { url: string; name: string; db: Db } | undefined;

function urlFor(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Makes an empty database on the test server and returns its URL (the caller drops it). */
export async function createEmptyDatabase(prefix = 'citywifi_test'): Promise<{ url: string; name: string }> {
  const name = `${prefix}_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  return { url: urlFor(name), name };
}

export async function dropDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`drop database if exists ${name} with (force)`));
}

export async function setUpTestDatabase(): Promise<void> {
  const { url, name } = await createEmptyDatabase();
  const db = await createDb({ databaseUrl: url, dataDir: './data' }, { poolMax: 8 });
  await migrateLatest(db);
  state = { url, name, db };
}

export async function tearDownTestDatabase(): Promise<void> {
  if (!state) return;
  await state.db.destroy();
  await dropDatabase(state.name);
  state = undefined;
}

/** The migrated database of this test run. */
export function testDb(): Db {
  if (!state) throw new Error('the test database is not set up (root hooks did not run)');
  return state.db;
}

export function testDatabaseUrl(): string {
  if (!state) throw new Error('the test database is not set up (root hooks did not run)');
  return state.url;
}

/** Empties the tables that tests write to, keeping the seeded areas and retention settings. */
export async function resetTables(db: Db = testDb()): Promise<void> {
  await db.raw(`truncate sessions, post_auth_log, credentials, vouchers, voucher_batches, accounts, devices,
    subscribers, nas, site_status, site_state_changes, samples, rollups_hourly, rollups_daily, maintenance_windows,
    coverage_targets, feedback, problem_reports, otp_codes, rate_limits, admin_sessions, admin_users, audit_log,
    admin_sign_in_failures, api_tokens, controller_leases, alerts, alert_changes, settings, sites, plans restart identity cascade`);
}
