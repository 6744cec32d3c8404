import type { Db } from '../index.js';

export interface RateWindow {
  key: string;
  /** points allowed per window */
  limit: number;
  windowSeconds: number;
  /**
   * Spread the window over this many rows (key:0 … key:n-1; its count is their sum), for a key that
   * many logins spend at once (one public address): no single hot row for them all to wait on.
   */
  shards?: number;
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
  if (windows.some((w) => (w.shards ?? 1) > 1)) {
    const result = await db.raw('select portal_spend_rate(?::jsonb, ?::timestamptz) as retry', [rateWindowsJson(windows, now), now.toISOString()]);
    const retryAfterSeconds = Number((result.rows as Array<{ retry: number }>)[0].retry);
    return { allowed: retryAfterSeconds === 0, retryAfterSeconds };
  }
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

/** The windows as portal_spend_rate takes them: JSON [{key, shards, limit, expires}]. */
export function rateWindowsJson(windows: RateWindow[], now: Date): string {
  return JSON.stringify(
    windows.map((w) => ({
      key: w.key,
      shards: Math.max(1, Math.floor(w.shards ?? 1)),
      limit: w.limit,
      expires: new Date(now.getTime() + w.windowSeconds * 1000).toISOString(),
    })),
  );
}

/** Drops windows that ended before `before` (called now and then, so the table stays small). */
export async function purgeRateWindows(db: Db, before: Date): Promise<number> {
  return db('rate_limits').where('expires_at', '<', before).delete();
}
