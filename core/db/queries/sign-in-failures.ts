import type { Db } from '../index.js';

/**
 * Failed dashboard sign-ins, counted in PostgreSQL (table admin_sign_in_failures) so a lockout holds
 * across every dashboard process. One row per key ('user:<name>' or 'address:<ip>'): failures within
 * a window; when they reach the key's limit the key is locked until `locked_until`. A window that has
 * ended, or a lock that has run out, starts the count again.
 */
export interface FailureRule {
  key: string;
  /** failures that lock the key */
  limit: number;
}

export interface SignInLock {
  key: string;
  lockedUntil: Date;
}

export interface FailureTimes {
  /** failures count within this many seconds of the first one */
  windowSeconds: number;
  /** how long a key stays locked */
  lockSeconds: number;
}

/** The lock that ends last among `keys` at `now`, or undefined when none is locked. */
export async function findSignInLock(db: Db, keys: string[], now: Date): Promise<SignInLock | undefined> {
  const row = await db('admin_sign_in_failures')
    .whereIn('key', keys)
    .andWhere('locked_until', '>', now)
    .orderBy('locked_until', 'desc')
    .first('key', 'locked_until');
  return row && { key: row.key, lockedUntil: new Date(row.locked_until) };
}

/** Counts one failure for each rule's key; returns the locks this failure set (or that already held). */
export async function recordSignInFailure(db: Db, rules: FailureRule[], now: Date, times: FailureTimes): Promise<SignInLock[]> {
  const locks: SignInLock[] = [];
  const windowStart = new Date(now.getTime() - times.windowSeconds * 1000);
  const lockUntil = new Date(now.getTime() + times.lockSeconds * 1000);
  for (const rule of rules) {
    const result = await db.raw(
      `insert into admin_sign_in_failures as f (key, failures, window_started_at, locked_until)
       values (:key, 1, :now, case when 1 >= :limit then :lockUntil::timestamptz end)
       on conflict (key) do update set
         failures = case when f.window_started_at <= :windowStart or f.locked_until <= :now then 1 else f.failures + 1 end,
         window_started_at = case when f.window_started_at <= :windowStart or f.locked_until <= :now then :now else f.window_started_at end,
         locked_until = case
           when (case when f.window_started_at <= :windowStart or f.locked_until <= :now then 1 else f.failures + 1 end) >= :limit then :lockUntil::timestamptz
           when f.locked_until <= :now then null
           else f.locked_until end
       returning key, locked_until`,
      { key: rule.key, now, limit: rule.limit, lockUntil, windowStart },
    );
    const row = (result.rows as Array<{ key: string; locked_until: Date | string | null }>)[0];
    if (row.locked_until !== null && new Date(row.locked_until) > now) locks.push({ key: row.key, lockedUntil: new Date(row.locked_until) });
  }
  return locks;
}

/** Forgets the failures of a key (a successful sign-in clears its username's count). */
export async function clearSignInFailures(db: Db, key: string): Promise<void> {
  await db('admin_sign_in_failures').where({ key }).delete();
}

/** Drops rows whose window and lock both ended before `before` (called now and then). */
export async function purgeSignInFailures(db: Db, before: Date): Promise<number> {
  return db('admin_sign_in_failures')
    .where('window_started_at', '<', before)
    .andWhere((q) => q.whereNull('locked_until').orWhere('locked_until', '<', before))
    .delete();
}
