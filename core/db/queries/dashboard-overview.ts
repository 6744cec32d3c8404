import type { StateSeconds } from '../../domain/uptime.js';
import type { Db } from '../index.js';

/**
 * What the dashboard's overview reads, each a single statement sized for 5,000 sites and a year of
 * rollups: coverage from sites (5,000 rows) and coverage_targets, usage today from the day's
 * sessions (sessions_started_idx, one monthly partition), the last 24 hours from rollups_hourly
 * (rollups_hourly_hour_idx), the last 30 days from rollups_daily (rollups_daily_day_idx). The fleet's
 * sums are grouped by hour or day in the database: at most 30 rows come back.
 */

/** Who a session's person is, for distinct users: as core/db/queries/rollups.ts counts them. */
const USER_KEY = `coalesce('s' || se.subscriber_id, 'a' || se.account_id, 'd' || se.device_id, 'm' || upper(se.mac), 'u' || se.username)`;

export interface Coverage {
  /** in place on `day`: installed (or commissioned) on or before it, not decommissioned by then */
  installed: number;
  /** in service on `day`: commissioned on or before it, not decommissioned by then */
  commissioned: number;
  /** live: not decommissioned, and answered a poll (up or degraded) since `answeredSince` or had a session since `sessionsSince` */
  active: number;
  /** this year's target for the city; null when none is set */
  target: number | null;
}

/**
 * Sites against this year's target. The city's target is, per kecamatan, its own target when one
 * is set, else the sum of its kelurahan's targets (so a target set at both levels is not counted twice).
 */
export async function findCoverage(db: Db, at: { day: string; year: number; answeredSince: Date; sessionsSince: Date }): Promise<Coverage> {
  const [counts, target] = await Promise.all([
    db.raw(
      `select
         count(*) filter (where coalesce(s.installed_on, s.commissioned_on) <= cast(:day as date) and not gone) as installed,
         count(*) filter (where s.commissioned_on <= cast(:day as date) and not gone) as commissioned,
         count(*) filter (where not gone and (ss.last_ok_at >= :answeredSince
           or exists (select 1 from sessions se where se.site_id = s.id and se.started_at >= :sessionsSince))) as active
       from (select *, coalesce(decommissioned_on <= cast(:day as date), false) as gone from sites) s
       left join site_status ss on ss.site_id = s.id`,
      { day: at.day, answeredSince: at.answeredSince, sessionsSince: at.sessionsSince },
    ),
    db.raw(
      `with t as (
         select ct.target_sites, a.level, a.code, a.parent_code
         from coverage_targets ct join areas a on a.code = ct.area_code
         where ct.year = :year
       )
       select count(*) as n,
              coalesce(sum(target_sites) filter (where level = 'kecamatan'), 0)
            + coalesce(sum(target_sites) filter (where level = 'kelurahan'
                and not exists (select 1 from t k where k.level = 'kecamatan' and k.code = t.parent_code)), 0) as target
       from t`,
      { year: at.year },
    ),
  ]);
  const c = counts.rows[0] as Record<string, string | number>;
  const t = target.rows[0] as { n: string | number; target: string | number };
  return {
    installed: Number(c.installed),
    commissioned: Number(c.commissioned),
    active: Number(c.active),
    target: Number(t.n) > 0 ? Number(t.target) : null,
  };
}

export interface Usage {
  /** distinct people (subscriber, else account, device, MAC, user name) */
  users: number;
  sessions: number;
  /** octets in and out */
  bytes: number;
}

/** Sessions started in [from, to) at any site: people, sessions and data (a session never runs past the local day's end). */
export async function findUsage(db: Db, range: { from: Date; to: Date }): Promise<Usage> {
  // grouped by person then counted (a hash aggregate) rather than count(distinct …), which sorts
  const result = await db.raw(
    `select count(*) as users, coalesce(sum(n), 0) as sessions, coalesce(sum(b), 0) as bytes
     from (select ${USER_KEY} as person, count(*) as n, sum(se.input_octets + se.output_octets) as b
           from sessions se
           where se.started_at >= :from and se.started_at < :to and se.site_id is not null
           group by 1) x`,
    { from: range.from, to: range.to },
  );
  const r = result.rows[0] as Record<string, string | number>;
  return { users: Number(r.users), sessions: Number(r.sessions), bytes: Number(r.bytes) };
}

/** Users on the routers now: the sum of the last poll's active users at the sites that answer. */
export async function countActiveUsersNow(db: Db): Promise<number> {
  const row = await db('site_status').whereIn('state', ['up', 'degraded']).sum({ n: 'active_users' }).first();
  return Number((row as { n: string | number | null } | undefined)?.n ?? 0);
}

export interface FleetHour {
  hour: Date;
  seconds: StateSeconds;
  /** the fleet's mean of active users over the hour: the sum of each site's mean */
  activeUsers: number;
  /** the fleet's peak as the sum of each site's peak (an upper bound) */
  peakUsers: number;
}

/** The fleet per hour in [from, to) from rollups_hourly (hours with no rollup are absent). */
export async function listFleetHours(db: Db, range: { from: Date; to: Date }): Promise<FleetHour[]> {
  const rows = await db('rollups_hourly')
    .where('hour', '>=', range.from)
    .where('hour', '<', range.to)
    .groupBy('hour')
    .orderBy('hour')
    .select(
      'hour',
      ...stateSums(db),
      db.raw('sum(avg_active_users) as active_users'),
      db.raw('sum(max_active_users) as peak_users'),
    );
  return (rows as Array<Record<string, string | number | Date>>).map((r) => ({
    hour: new Date(r.hour),
    seconds: secondsOf(r),
    activeUsers: Number(r.active_users),
    peakUsers: Number(r.peak_users),
  }));
}

export interface FleetDay {
  /** YYYY-MM-DD, the local day */
  day: string;
  seconds: StateSeconds;
  /** the sum over sites of each site's distinct users (someone at two sites counts twice) */
  users: number;
  sessions: number;
  bytes: number;
}

/** The fleet per local day in [fromDay, toDay) from rollups_daily (days with no rollup are absent). */
export async function listFleetDays(db: Db, range: { fromDay: string; toDay: string }): Promise<FleetDay[]> {
  const rows = await db('rollups_daily')
    .where('day', '>=', range.fromDay)
    .where('day', '<', range.toDay)
    .groupBy('day')
    .orderBy('day')
    .select(
      db.raw(`to_char(day, 'YYYY-MM-DD') as day`),
      ...stateSums(db),
      db.raw('sum(users) as users'),
      db.raw('sum(sessions) as sessions'),
      db.raw('sum(input_octets + output_octets) as bytes'),
    );
  return (rows as Array<Record<string, string | number>>).map((r) => ({
    day: String(r.day),
    seconds: secondsOf(r),
    users: Number(r.users),
    sessions: Number(r.sessions),
    bytes: Number(r.bytes),
  }));
}

/** The sums of a rollups table's seconds in each state, as up, degraded, down, maintenance and unknown (read back by secondsOf). */
export function stateSums(db: Db) {
  return [
    db.raw('sum(up_seconds) as up'),
    db.raw('sum(degraded_seconds) as degraded'),
    db.raw('sum(down_seconds) as down'),
    db.raw('sum(maintenance_seconds) as maintenance'),
    db.raw('sum(unknown_seconds) as unknown'),
  ];
}

export function secondsOf(r: Record<string, unknown>): StateSeconds {
  return { up: Number(r.up ?? 0), degraded: Number(r.degraded ?? 0), down: Number(r.down ?? 0), maintenance: Number(r.maintenance ?? 0), unknown: Number(r.unknown ?? 0) };
}
