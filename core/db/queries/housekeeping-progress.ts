import type { Db, Tx } from '../index.js';

/**
 * How far the housekeeping has gone (housekeeping_progress) and the lock that lets one process at a
 * time do it. The lock is a transaction-level advisory lock: it is held by the transaction that
 * rolls a chunk of hours or claims the day's purge, and goes with its commit or rollback, so a
 * controller that dies holds nothing.
 */

/** pg_advisory_xact_lock key of the housekeeping ('citywifi housekeeping' in a bigint). */
export const HOUSEKEEPING_LOCK_KEY = 7_310_523_441_001;

export type HousekeepingJob = 'rollups' | 'purge';

/** Takes the housekeeping lock for this transaction if it is free; false when another process holds it. */
export async function tryHousekeepingLock(tx: Tx): Promise<boolean> {
  const result = await tx.raw('select pg_try_advisory_xact_lock(cast(:key as bigint)) as locked', { key: HOUSEKEEPING_LOCK_KEY });
  return result.rows[0].locked === true;
}

/** Waits for the housekeeping lock (an operator's re-roll waits for the controller's chunk to finish). */
export async function waitHousekeepingLock(tx: Tx): Promise<void> {
  await tx.raw('select pg_advisory_xact_lock(cast(:key as bigint))', { key: HOUSEKEEPING_LOCK_KEY });
}

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

/** Where a job got to, or null before it ever ran. */
export async function readProgress(db: Db | Tx, job: HousekeepingJob): Promise<Date | null> {
  const row = await db('housekeeping_progress').where({ job }).first('done_until');
  return row ? toDate(row.done_until) : null;
}

export async function writeProgress(db: Db | Tx, job: HousekeepingJob, doneUntil: Date, at: Date): Promise<void> {
  await db.raw(
    `insert into housekeeping_progress (job, done_until, updated_at) values (:job, :doneUntil, :at)
     on conflict (job) do update set done_until = excluded.done_until, updated_at = excluded.updated_at`,
    { job, doneUntil, at },
  );
}

/**
 * The first instant any raw data (a sample, a state change, a session) was recorded at or after
 * `notBefore`, or null when there is none: where the rollups start on a fresh installation.
 */
export async function findEarliestActivity(db: Db | Tx, notBefore: Date): Promise<Date | null> {
  const result = await db.raw(
    `select least(
       (select min(at) from samples where at >= :notBefore),
       (select min(at) from site_state_changes where at >= :notBefore),
       (select min(started_at) from sessions where started_at >= :notBefore)) as first`,
    { notBefore },
  );
  const first = result.rows[0].first;
  return first === null || first === undefined ? null : toDate(first);
}
