// The peer of the dashboard benchmark: the same figures computed the way a RADIUS manager's reports
// compute them (daloRADIUS-style pages over radacct), straight from the raw tables on every request:
// uptime from the state changes (each change's interval via lead()), users, sessions, hours and
// bytes from the sessions, per kelurahan; no rollups, no snapshot. Only SQL is timed (no HTTP, no
// rendering), which favours the peer. The statements of one figure run in parallel over a pool, as
// the dashboard runs its own.
import pg from "pg";
import type { DbTarget } from "./postgres.js";

export const TIMEZONE = process.env.CITYWIFI_TIMEZONE ?? "Asia/Jakarta";

/** Seconds per state for each site in [t0, t1), from site_state_changes alone. */
const STATE_SECONDS = `
ch as (
  select c.site_id, c.at, c.to_state, lead(c.at) over (partition by c.site_id order by c.at) as next_at
  from site_state_changes c where c.at < $2::timestamptz
),
st as (
  select site_id,
         sum(extract(epoch from least(coalesce(next_at, $2::timestamptz), $2::timestamptz) - greatest(at, $1::timestamptz))) filter (where to_state = 'up') as up,
         sum(extract(epoch from least(coalesce(next_at, $2::timestamptz), $2::timestamptz) - greatest(at, $1::timestamptz))) filter (where to_state = 'degraded') as degraded,
         sum(extract(epoch from least(coalesce(next_at, $2::timestamptz), $2::timestamptz) - greatest(at, $1::timestamptz))) filter (where to_state = 'down') as down,
         sum(extract(epoch from least(coalesce(next_at, $2::timestamptz), $2::timestamptz) - greatest(at, $1::timestamptz))) filter (where to_state = 'maintenance') as maintenance
  from ch where coalesce(next_at, $2::timestamptz) > $1::timestamptz
  group by site_id
)`;

/** The report per kelurahan for [t0, t1) ($1, $2; $3 the time zone, $4 the counting day). */
const REPORT_SQL = `
with ${STATE_SECONDS},
us as (
  select site_id, count(distinct (username, (started_at at time zone $3)::date)) as users, count(*) as sessions,
         sum(session_time) as seconds, sum(input_octets + output_octets) as bytes
  from sessions where started_at >= $1::timestamptz and started_at < $2::timestamptz
  group by site_id
),
f as (
  select site_id, count(*) as ratings, sum(rating) as rating_sum, count(*) filter (where rating >= 4) as satisfied
  from feedback where at >= $1::timestamptz and at < $2::timestamptz and site_id is not null group by site_id
),
p as (
  select site_id, count(*) as n from problem_reports where at >= $1::timestamptz and at < $2::timestamptz and site_id is not null group by site_id
)
select s.area_code,
       count(*) filter (where coalesce(s.installed_on, s.commissioned_on) <= $4::date and coalesce(s.decommissioned_on > $4::date, true)) as installed,
       count(*) filter (where s.commissioned_on <= $4::date and coalesce(s.decommissioned_on > $4::date, true)) as commissioned,
       count(*) filter (where s.commissioned_on <= $4::date and (st.up + coalesce(st.degraded, 0) > 0 or us.sessions > 0)) as active,
       sum(st.up) as up, sum(st.degraded) as degraded, sum(st.down) as down, sum(st.maintenance) as maintenance,
       sum(us.users) as users, sum(us.sessions) as sessions, sum(us.seconds) / 3600 as hours, sum(us.bytes) / 1e9 as gb,
       sum(f.rating_sum)::float / nullif(sum(f.ratings), 0) as rating, sum(f.satisfied)::float / nullif(sum(f.ratings), 0) as satisfied,
       sum(p.n) as problem_reports
from sites s
left join st on st.site_id = s.id
left join us on us.site_id = s.id
left join f on f.site_id = s.id
left join p on p.site_id = s.id
group by s.area_code`;

/** The fleet's uptime over [t0, t1) from the state changes. */
const FLEET_UPTIME_SQL = `
with ${STATE_SECONDS}
select (sum(up) + coalesce(sum(degraded), 0)) / nullif(sum(up) + coalesce(sum(degraded), 0) + coalesce(sum(down), 0), 0) as uptime from st`;

/** Users per local day over [t0, t1) ($3 the time zone): a person counted once per site and day. */
const DAILY_USERS_SQL = `
select (started_at at time zone $3)::date as day, count(distinct (site_id, username)) as users, count(*) as sessions
from sessions where started_at >= $1::timestamptz and started_at < $2::timestamptz group by 1 order by 1`;

/** Users on line in each of the last 24 hours ($2 the hour now). */
const HOURLY_USERS_SQL = `
select h.hour, count(distinct se.username) as users
from generate_series($1::timestamptz, $2::timestamptz, interval '1 hour') as h(hour)
left join sessions se on se.started_at < h.hour + interval '1 hour' and coalesce(se.stopped_at, se.updated_at) >= h.hour
     and se.started_at >= $1::timestamptz - interval '1 day'
group by h.hour order by h.hour`;

const TODAY_SQL = `
select count(distinct username) as users, count(*) as sessions, sum(input_octets + output_octets) as bytes
from sessions where started_at >= $1::timestamptz and started_at < $2::timestamptz`;

/** One site's page: 30 days of uptime, its users per day and its latest sessions, from the raw tables. */
const SITE_UPTIME_SQL = `
with ch as (
  select at, to_state, lead(at) over (order by at) as next_at
  from site_state_changes where site_id = $3 and at < $2::timestamptz
)
select to_state, sum(extract(epoch from least(coalesce(next_at, $2::timestamptz), $2::timestamptz) - greatest(at, $1::timestamptz))) as seconds
from ch where coalesce(next_at, $2::timestamptz) > $1::timestamptz group by to_state`;
const SITE_DAYS_SQL = `
select (started_at at time zone $4)::date as day, count(distinct username) as users, count(*) as sessions, sum(input_octets + output_octets) as bytes
from sessions where site_id = $3 and started_at >= $1::timestamptz and started_at < $2::timestamptz group by 1 order by 1`;
const SITE_RECENT_SQL = `
select username, mac, framed_ip, started_at, stopped_at, session_time, input_octets, output_octets
from sessions where site_id = $1 order by started_at desc limit 50`;

export class PeerQueries {
  private readonly pool: pg.Pool;

  constructor(target: DbTarget) {
    this.pool = new pg.Pool({ connectionString: target.url, max: 6 });
  }

  private async timed(work: () => Promise<unknown>): Promise<number> {
    const started = process.hrtime.bigint();
    await work();
    return Number(process.hrtime.bigint() - started) / 1e6;
  }

  /** The report per kelurahan for local days [fromDay, toDay), counted on countingDay; returns milliseconds. */
  report(fromDay: string, toDay: string, countingDay: string): Promise<number> {
    return this.timed(async () => {
      const [t0, t1] = await this.localMidnights(fromDay, toDay);
      await this.pool.query(REPORT_SQL, [t0, t1, TIMEZONE, countingDay]);
    });
  }

  /** The overview's history figures at `now`: uptime over 24 h, 7 and 30 days, users per day and per hour, today's usage. */
  overview(
    now: Date,
    todayStart: Date,
    thirtyDaysStart: Date,
  ): Promise<number> {
    const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
    const dayAgo = new Date(hour.getTime() - 23 * 3_600_000);
    return this.timed(() =>
      Promise.all([
        this.pool.query(FLEET_UPTIME_SQL, [
          new Date(now.getTime() - 86_400_000),
          now,
        ]),
        this.pool.query(FLEET_UPTIME_SQL, [
          new Date(now.getTime() - 7 * 86_400_000),
          now,
        ]),
        this.pool.query(FLEET_UPTIME_SQL, [thirtyDaysStart, now]),
        this.pool.query(DAILY_USERS_SQL, [thirtyDaysStart, now, TIMEZONE]),
        this.pool.query(HOURLY_USERS_SQL, [dayAgo, hour]),
        this.pool.query(TODAY_SQL, [todayStart, now]),
      ]),
    );
  }

  site(siteId: number, now: Date, thirtyDaysStart: Date): Promise<number> {
    return this.timed(() =>
      Promise.all([
        this.pool.query(SITE_UPTIME_SQL, [thirtyDaysStart, now, siteId]),
        this.pool.query(SITE_DAYS_SQL, [
          thirtyDaysStart,
          now,
          siteId,
          TIMEZONE,
        ]),
        this.pool.query(SITE_RECENT_SQL, [siteId]),
      ]),
    );
  }

  /** The instants local midnight starts the two days. */
  async localMidnights(...days: string[]): Promise<Date[]> {
    const { rows } = await this.pool.query<{ t: Date }>(
      "select (d::date::timestamp at time zone $2) as t from unnest($1::text[]) with ordinality as u(d, i) order by i",
      [days, TIMEZONE],
    );
    return rows.map((r) => r.t);
  }

  /** Sites to open: `n` codes in a fixed shuffled order, with their ids. */
  async siteCodes(n: number): Promise<Array<{ id: number; code: string }>> {
    const { rows } = await this.pool.query<{ id: number; code: string }>(
      "select id, code from sites order by md5(code) limit $1",
      [n],
    );
    return rows;
  }

  /** Sessions started on the local day holding `at`, and on average per day over the 30 days of sessions, to say how full "today" is. */
  async todayFill(
    todayStart: Date,
    now: Date,
    thirtyDaysStart: Date,
  ): Promise<{ today: number; perDay: number }> {
    const { rows } = await this.pool.query<{ today: string; month: string }>(
      "select count(*) filter (where started_at >= $1) as today, count(*) filter (where started_at < $1) as month from sessions where started_at >= $3 and started_at < $2",
      [todayStart, now, thirtyDaysStart],
    );
    const days = Math.max(
      1,
      (todayStart.getTime() - thirtyDaysStart.getTime()) / 86_400_000,
    );
    return {
      today: Number(rows[0].today),
      perDay: Number(rows[0].month) / days,
    };
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
