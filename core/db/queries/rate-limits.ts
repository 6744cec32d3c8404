import type { Db } from '../index.js';

export interface RateWindow {
  key: string;
  /** points allowed per window */
  limit: number;
  windowSeconds: number;
}

export interface RateOutcome {
  allowed: boolean;
  /** seconds until the tightest exceeded window ends (0 when allowed) */
  retryAfterSeconds: number;
}

/**
 * Spends one point in each window (fixed windows in table rate_limits), in one statement, so the
 * limits hold across every process that shares the database. A window that has ended starts again.
 */
export async function consumeRatePoints(db: Db, windows: RateWindow[], now: Date): Promise<RateOutcome> {
  if (windows.length === 0) return { allowed: true, retryAfterSeconds: 0 };
  const values = windows.map(() => '(?, 1, ?::timestamptz)').join(', ');
  const bindings = windows.flatMap((w) => [w.key, new Date(now.getTime() + w.windowSeconds * 1000).toISOString()]);
  const result = await db.raw(
    `insert into rate_limits as r (key, points, expires_at) values ${values}
     on conflict (key) do update set
       points = case when r.expires_at <= ?::timestamptz then 1 else r.points + 1 end,
       expires_at = case when r.expires_at <= ?::timestamptz then excluded.expires_at else r.expires_at end
     returning key, points, expires_at`,
    [...bindings, now.toISOString(), now.toISOString()],
  );
  let retryAfterSeconds = 0;
  for (const row of result.rows as Array<{ key: string; points: number; expires_at: Date | string }>) {
    const window = windows.find((w) => w.key === row.key);
    if (window && Number(row.points) > window.limit) {
      const left = Math.ceil((new Date(row.expires_at).getTime() - now.getTime()) / 1000);
      retryAfterSeconds = Math.max(retryAfterSeconds, left, 1);
    }
  }
  return { allowed: retryAfterSeconds === 0, retryAfterSeconds };
}

/** Drops windows that ended before `before` (called now and then, so the table stays small). */
export async function purgeRateWindows(db: Db, before: Date): Promise<number> {
  return db('rate_limits').where('expires_at', '<', before).delete();
}
