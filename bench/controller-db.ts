// What the controller benchmark reads back from the database the controllers write: each site's
// last poll and state, who holds its lease, and the samples written in a window. Read only.
import { withDatabase, type DbTarget } from './postgres.js';

export interface SiteRow {
  code: string;
  state: string;
  lastPollAt: Date | null;
  lastOkAt: Date | null;
  consecutiveFailures: number;
  lastError: string | null;
  leaseOwner: string | null;
}

export async function readSiteRows(db: DbTarget): Promise<Map<string, SiteRow>> {
  return withDatabase(db, async (c) => {
    const { rows } = await c.query<{
      code: string; state: string | null; last_poll_at: Date | null; last_ok_at: Date | null;
      consecutive_failures: number | null; last_error: string | null; lease_owner: string | null;
    }>(
      `select s.code, ss.state, ss.last_poll_at, ss.last_ok_at, ss.consecutive_failures, ss.last_error, ss.lease_owner
       from sites s left join site_status ss on ss.site_id = s.id`,
    );
    return new Map(
      rows.map((r) => [
        r.code,
        {
          code: r.code,
          state: r.state ?? 'none',
          lastPollAt: r.last_poll_at,
          lastOkAt: r.last_ok_at,
          consecutiveFailures: r.consecutive_failures ?? 0,
          lastError: r.last_error,
          leaseOwner: r.lease_owner,
        },
      ]),
    );
  });
}

/** Sites per lease owner (null: not held). */
export async function leaseCounts(db: DbTarget): Promise<Map<string | null, number>> {
  return withDatabase(db, async (c) => {
    const { rows } = await c.query<{ owner: string | null; n: number }>(
      'select lease_owner as owner, count(*)::int as n from site_status group by lease_owner',
    );
    return new Map(rows.map((r) => [r.owner, r.n]));
  });
}

/** Sites polled at or after `since`, and the earliest and latest of those polls. */
export async function pollsSince(db: DbTarget, since: Date): Promise<{ sites: number; first: Date | null; last: Date | null }> {
  return withDatabase(db, async (c) => {
    const { rows } = await c.query<{ n: number; first: Date | null; last: Date | null }>(
      'select count(*)::int as n, min(last_poll_at) as first, max(last_poll_at) as last from site_status where last_poll_at >= $1',
      [since],
    );
    return { sites: rows[0].n, first: rows[0].first, last: rows[0].last };
  });
}

/** Successful polls (one sample each) in [from, to), and how many distinct sites they cover. */
export async function samplesBetween(db: DbTarget, from: Date, to: Date): Promise<{ samples: number; sites: number }> {
  return withDatabase(db, async (c) => {
    const { rows } = await c.query<{ n: number; sites: number }>(
      'select count(*)::int as n, count(distinct site_id)::int as sites from samples where at >= $1 and at < $2',
      [from, to],
    );
    return { samples: rows[0].n, sites: rows[0].sites };
  });
}

/**
 * Time between one successful poll of a site and its next, for polls in [from, to): each site
 * should be polled once per interval, so these cluster at the interval; a poll that waited for a
 * slow tick shows as a short gap followed by a long one.
 */
export async function pollGaps(db: DbTarget, from: Date, to: Date): Promise<{ gaps: number; min: number; p01: number; p50: number; p99: number; max: number }> {
  return withDatabase(db, async (c) => {
    const { rows } = await c.query<{ n: number; min: number; p01: number; p50: number; p99: number; max: number }>(
      `with polls as (
         select extract(epoch from at - lag(at) over (partition by site_id order by at))::float8 as gap, at
         from samples where at < $2
       )
       select count(*)::int as n, min(gap) as min, percentile_cont(0.01) within group (order by gap) as p01,
              percentile_cont(0.5) within group (order by gap) as p50, percentile_cont(0.99) within group (order by gap) as p99, max(gap) as max
       from polls where at >= $1 and gap is not null`,
      [from, to],
    );
    const r = rows[0];
    return { gaps: r.n, min: r.min ?? NaN, p01: r.p01 ?? NaN, p50: r.p50 ?? NaN, p99: r.p99 ?? NaN, max: r.max ?? NaN };
  });
}
