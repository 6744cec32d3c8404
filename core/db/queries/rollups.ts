import type { Db, Tx } from '../index.js';

/**
 * Hourly and daily rollups per site (issue 4 §3): what the dashboard reads for uptime, users,
 * sessions, hours and bytes, so it never scans raw samples or sessions. Each function is one
 * set-based statement over the whole fleet and a range of hours (or one local day), and an upsert:
 * running it twice leaves the same rows.
 *
 * Per site and hour (rollups_hourly):
 * - seconds in each state (up, degraded, down, unknown, maintenance) from site_state_changes: the
 *   state at the start of the hour is the last change before it (else the first later change's
 *   from_state; a site with no change at all is in site_status.state from site_status.since). A
 *   second inside a maintenance window (on the site, its kelurahan or its kecamatan) or in the state
 *   'maintenance' counts as maintenance and as nothing else, so uptime can leave it out. The five
 *   add up to 3600 for a site monitored the whole hour; hours before monitoring began and after the
 *   site was decommissioned get no row (unless it had sessions or samples then).
 * - active users (peak, and the mean over the polls that answered, with their count) from samples.
 * - router bytes as the sum of rate × seconds since the previous sample: the controller's rx_rate
 *   and tx_rate are per-interface deltas over exactly that gap, with 32/64-bit wraps handled and
 *   resets and reboots giving no rate (those gaps add nothing). The summed rx_bytes/tx_bytes in
 *   samples cannot tell a wrap of one interface from a reset, so they are not differenced here.
 *   A gap is counted in the hour of the sample that closes it.
 * - sessions from accounting: `sessions` counts the sessions that started in the hour; `users` the
 *   distinct people with a session in the hour (the subscriber, else the account, the device, the
 *   MAC, the user name); session time and octets are spread over the hours a session overlaps, in
 *   proportion to its time ([started_at, started_at + session_time]), rounded so that the hours of a
 *   session add up exactly to its totals. A session still open counts up to its last interim update.
 *   Sessions are looked for up to a day before the range: Session-Timeout never lets one run past
 *   the end of the local day.
 *
 * Per site and local day (rollups_daily, days in the configured time zone): state seconds, samples
 * and router bytes are the sums (peak: max; mean: weighted by polls) of the day's hours; sessions,
 * users, session time and octets are worked out from the sessions themselves, so `users` is the
 * distinct people of the day, not a sum of hours.
 *
 * Raw data expires (retention_settings) long before the rollups do. Re-rolling an hour older than a
 * source's horizon (its keep time) keeps what that source had given, instead of zeroing it.
 */

/** The instants from which each source of the rollups still holds all its rows (see findRollupHorizons). */
export interface RollupHorizons {
  states: Date;
  samples: Date;
  sessions: Date;
  hourly: Date;
}

export interface RollupResult {
  /** rows inserted or rewritten */
  rows: number;
}

const R0 = 'cast(:r0 as timestamptz)';
const R1 = 'cast(:r1 as timestamptz)';
const FAR_PAST = new Date('0001-01-01T00:00:00Z');
const HOUR_MS = 3_600_000;

const STATE_COLUMNS = ['up_seconds', 'down_seconds', 'degraded_seconds', 'maintenance_seconds', 'unknown_seconds'];
const SAMPLE_COLUMNS = ['sample_count', 'max_active_users', 'avg_active_users', 'router_rx_bytes', 'router_tx_bytes'];
const SESSION_COLUMNS = ['sessions', 'users', 'session_time', 'input_octets', 'output_octets'];

/** ON CONFLICT assignments: each column from the new row, unless its source is past its horizon. */
function guardedAssignments(table: string, timeColumn: string, groups: Array<[columns: string[], horizon: string]>): string {
  return groups
    .flatMap(([columns, horizon]) =>
      columns.map((c) => `${c} = case when excluded.${timeColumn} >= ${horizon} then excluded.${c} else ${table}.${c} end`),
    )
    .join(',\n    ');
}

/** Who a session's person is, for distinct users: the subscriber, else the account, the device, the MAC, the user name. */
const USER_KEY = `coalesce('s' || se.subscriber_id, 'a' || se.account_id, 'd' || se.device_id, 'm' || upper(se.mac), 'u' || se.username)`;

/** The share of a session's time from its start up to instant `t`, in whole seconds (0 … session_time). */
function elapsedAt(t: string): string {
  return `floor(least(greatest(extract(epoch from ${t}) - x.e0, 0), x.st))`;
}

/** Octets `column` of a session spread over [t0, t1): rounded so the pieces of a session add up to the total. */
function octetsBetween(column: string, t0: string, t1: string): string {
  return `case when x.st > 0 then floor(x.${column} * ${elapsedAt(t1)} / x.st) - floor(x.${column} * ${elapsedAt(t0)} / x.st)
               when x.s0 >= ${t0} and x.s0 < ${t1} then x.${column} else 0 end`;
}

/** Sessions that may overlap [lo, hi): started up to a day before lo, not ended before lo. */
function sessionsOverlapping(lo: string, hi: string): string {
  return `select se.site_id, se.started_at as s0, se.session_time as st, extract(epoch from se.started_at) as e0,
           se.input_octets as i_oct, se.output_octets as o_oct, ${USER_KEY} as user_key
    from sessions se
    where se.started_at >= ${lo} - interval '1 day' and se.started_at < ${hi} and se.site_id is not null
      and se.started_at + make_interval(secs => se.session_time) >= ${lo}`;
}

const HOURS_SQL = `
with
hours as (
  -- an integer series, whose length the planner knows (the count is put in as a number)
  select ${R0} + make_interval(hours => g) as h, ${R0} + make_interval(hours => g + 1) as h_end
  from generate_series(0, HOUR_COUNT - 1) g
),
monitored as (
  select ss.site_id, ss.state, ss.since, s.area_code, a.parent_code,
         least(ss.since, fc.first_at) as began, fc.first_at is not null as has_changes,
         case when s.decommissioned_on is null then null
              else cast(s.decommissioned_on as timestamp) at time zone :tz end as ended
  from site_status ss
  join sites s on s.id = ss.site_id
  left join areas a on a.code = s.area_code
  left join lateral (select min(c.at) as first_at from site_state_changes c where c.site_id = ss.site_id) fc on true
),
site_hours as (
  select m.site_id, h.h from monitored m join hours h on h.h_end > m.began and (m.ended is null or h.h < m.ended)
),
windows as materialized (
  select m.site_id, greatest(w.starts_at, ${R0}) as ws, least(w.ends_at, ${R1}) as we
  from maintenance_windows w
  join monitored m on w.site_id = m.site_id or w.area_code = m.area_code or w.area_code = m.parent_code
  where w.starts_at < ${R1} and w.ends_at > ${R0}
),
points as (
  -- the state at the start of the range
  select m.site_id, ${R0} as at, cast(0 as bigint) as ord,
         coalesce(
           (select c.to_state from site_state_changes c where c.site_id = m.site_id and c.at <= ${R0} order by c.at desc, c.id desc limit 1),
           (select c.from_state from site_state_changes c where c.site_id = m.site_id and c.at > ${R0} order by c.at, c.id limit 1),
           case when m.since <= ${R0} then m.state else 'unknown' end) as state
  from monitored m
  union all
  -- each change inside the range
  select c.site_id, c.at, c.id, c.to_state
  from site_state_changes c join monitored m on m.site_id = c.site_id
  where c.at > ${R0} and c.at < ${R1}
  union all
  -- a site never changed: in its status since then
  select m.site_id, m.since, 0, m.state from monitored m where not m.has_changes and m.since > ${R0} and m.since < ${R1}
  union all
  -- cut at every hour and at every window's ends, so each piece is in one hour and wholly in or out of windows
  select m.site_id, h.h, -1, null from monitored m cross join hours h where h.h > ${R0}
  union all
  select w.site_id, w.ws, -1, null from windows w where w.ws > ${R0}
  union all
  select w.site_id, w.we, -1, null from windows w where w.we < ${R1}
),
grouped as (
  select site_id, at, ord, state,
         count(state) over (partition by site_id order by at, ord rows unbounded preceding) as grp
  from points
),
pieces as (
  select site_id, at,
         coalesce(lead(at) over (partition by site_id order by at, ord), ${R1}) as until,
         first_value(state) over (partition by site_id, grp order by at, ord) as state
  from grouped
),
classified as (
  select p.site_id, date_bin('1 hour', p.at, ${R0}) as hour,
         case when p.state = 'maintenance'
                or exists (select 1 from windows w where w.site_id = p.site_id and w.ws <= p.at and w.we > p.at)
              then 'maintenance' else p.state end as state,
         -- whole seconds that telescope: the pieces of an hour add up to exactly 3600
         floor(extract(epoch from p.until)) - floor(extract(epoch from p.at)) as secs
  from pieces p
  where p.until > p.at
),
state_agg as (
  select c.site_id, c.hour,
         coalesce(sum(c.secs) filter (where c.state = 'up'), 0) as up_seconds,
         coalesce(sum(c.secs) filter (where c.state = 'down'), 0) as down_seconds,
         coalesce(sum(c.secs) filter (where c.state = 'degraded'), 0) as degraded_seconds,
         coalesce(sum(c.secs) filter (where c.state = 'maintenance'), 0) as maintenance_seconds,
         coalesce(sum(c.secs) filter (where c.state = 'unknown'), 0) as unknown_seconds
  from classified c
  join site_hours sh on sh.site_id = c.site_id and sh.h = c.hour
  group by c.site_id, c.hour
),
smp as (
  select s.site_id, date_bin('1 hour', s.at, ${R0}) as hour, s.active_users, s.rx_rate, s.tx_rate,
         date_part('epoch', s.at - coalesce(
           lag(s.at) over (partition by s.site_id order by s.at),
           (select max(p.at) from samples p where p.site_id = s.site_id and p.at < ${R0} and p.at > ${R0} - interval '1 day'))) as dt
  from samples s
  where s.at >= ${R0} and s.at < ${R1}
),
sample_agg as (
  select site_id, hour, count(*) as sample_count,
         coalesce(max(active_users), 0) as max_active_users,
         coalesce(round(cast(avg(cast(active_users as double precision)) as numeric), 2), 0) as avg_active_users,
         -- in double precision, exact to the byte below 2^53 (9 PB an hour)
         coalesce(round(sum(rx_rate * dt) filter (where dt > 0 and rx_rate >= 0)), 0) as router_rx_bytes,
         coalesce(round(sum(tx_rate * dt) filter (where dt > 0 and tx_rate >= 0)), 0) as router_tx_bytes
  from smp
  group by site_id, hour
),
sess as materialized (${sessionsOverlapping(R0, R1)}),
sess_hours as (
  select x.site_id, h.h as hour, x.user_key,
         case when x.s0 >= h.h and x.s0 < h.h_end then 1 else 0 end as started,
         ${elapsedAt('h.h_end')} - ${elapsedAt('h.h')} as secs,
         ${octetsBetween('i_oct', 'h.h', 'h.h_end')} as i_oct,
         ${octetsBetween('o_oct', 'h.h', 'h.h_end')} as o_oct
  from sess x
  join hours h on h.h_end > x.s0 and (h.h < x.s0 + make_interval(secs => x.st) or h.h <= x.s0)
),
session_agg as (
  select site_id, hour, sum(started) as sessions, count(distinct user_key) as users,
         sum(secs) as session_time, sum(i_oct) as input_octets, sum(o_oct) as output_octets
  from sess_hours
  group by site_id, hour
),
keys as (
  select site_id, h as hour from site_hours
  union select site_id, hour from sample_agg
  union select site_id, hour from session_agg
),
written as (
  insert into rollups_hourly (site_id, hour, ${STATE_COLUMNS.join(', ')}, ${SAMPLE_COLUMNS.join(', ')}, ${SESSION_COLUMNS.join(', ')})
  select k.site_id, k.hour,
         ${STATE_COLUMNS.map((c) => `coalesce(st.${c}, 0)`).join(', ')},
         ${SAMPLE_COLUMNS.map((c) => `coalesce(sa.${c}, 0)`).join(', ')},
         ${SESSION_COLUMNS.map((c) => `coalesce(se.${c}, 0)`).join(', ')}
  from keys k
  left join state_agg st on st.site_id = k.site_id and st.hour = k.hour
  left join sample_agg sa on sa.site_id = k.site_id and sa.hour = k.hour
  left join session_agg se on se.site_id = k.site_id and se.hour = k.hour
  where exists (select 1 from sites s where s.id = k.site_id)
  order by k.site_id, k.hour
  on conflict (site_id, hour) do update set
    ${guardedAssignments('rollups_hourly', 'hour', [
      [STATE_COLUMNS, 'cast(:statesSince as timestamptz)'],
      [SAMPLE_COLUMNS, 'cast(:samplesSince as timestamptz)'],
      [SESSION_COLUMNS, 'cast(:sessionsSince as timestamptz)'],
    ])}
  returning 1
)
select count(*) as n from written`;

const D0 = 'cast(cast(:day as date) as timestamp) at time zone :tz';
const D1 = 'cast(cast(:day as date) + 1 as timestamp) at time zone :tz';

const DAY_SQL = `
with
hourly as (
  select r.site_id,
         ${STATE_COLUMNS.map((c) => `sum(r.${c}) as ${c}`).join(', ')},
         sum(r.sample_count) as sample_count,
         max(r.max_active_users) as max_active_users,
         case when sum(r.sample_count) > 0 then round(sum(r.avg_active_users * r.sample_count) / sum(r.sample_count), 2) else 0 end as avg_active_users,
         sum(r.router_rx_bytes) as router_rx_bytes,
         sum(r.router_tx_bytes) as router_tx_bytes
  from rollups_hourly r
  where r.hour >= ${D0} and r.hour < ${D1}
  group by r.site_id
),
sess as materialized (${sessionsOverlapping(D0, D1)}),
sess_day as (
  select x.site_id, x.user_key,
         case when x.s0 >= ${D0} and x.s0 < ${D1} then 1 else 0 end as started,
         ${elapsedAt(D1)} - ${elapsedAt(D0)} as secs,
         ${octetsBetween('i_oct', D0, D1)} as i_oct,
         ${octetsBetween('o_oct', D0, D1)} as o_oct
  from sess x
  where x.s0 + make_interval(secs => x.st) > ${D0} or x.s0 >= ${D0}
),
session_agg as (
  select site_id, sum(started) as sessions, count(distinct user_key) as users,
         sum(secs) as session_time, sum(i_oct) as input_octets, sum(o_oct) as output_octets
  from sess_day
  group by site_id
),
keys as (select site_id from hourly union select site_id from session_agg),
written as (
  insert into rollups_daily (site_id, day, ${STATE_COLUMNS.join(', ')}, ${SAMPLE_COLUMNS.join(', ')}, ${SESSION_COLUMNS.join(', ')})
  select k.site_id, cast(:day as date),
         ${[...STATE_COLUMNS, ...SAMPLE_COLUMNS].map((c) => `coalesce(h.${c}, 0)`).join(', ')},
         ${SESSION_COLUMNS.map((c) => `coalesce(se.${c}, 0)`).join(', ')}
  from keys k
  left join hourly h on h.site_id = k.site_id
  left join session_agg se on se.site_id = k.site_id
  where exists (select 1 from sites s where s.id = k.site_id)
  order by k.site_id
  on conflict (site_id, day) do update set
    ${guardedAssignments('rollups_daily', 'day', [
      [[...STATE_COLUMNS, ...SAMPLE_COLUMNS], `cast(:hourlySince as timestamptz)`],
      [SESSION_COLUMNS, 'cast(:sessionsSince as timestamptz)'],
    ]).replaceAll('excluded.day >=', `cast(excluded.day as timestamp) at time zone :tz >=`)}
  returning 1
)
select count(*) as n from written`;

/**
 * Runs a rollup statement in a transaction (the caller's, or its own) with JIT compilation off: on
 * these statements it costs seconds (optimising hundreds of generated functions) to save little.
 */
async function inTransaction<T>(db: Db | Tx, work: (tx: Tx) => Promise<T>): Promise<T> {
  const run = async (tx: Tx) => {
    await tx.raw('set local jit = off');
    return work(tx);
  };
  return (db as Tx).isTransaction ? run(db as Tx) : db.transaction(run);
}

function floorHour(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / HOUR_MS) * HOUR_MS);
}

function ceilHour(instant: Date): Date {
  return new Date(Math.ceil(instant.getTime() / HOUR_MS) * HOUR_MS);
}

/**
 * From when each source of the rollups is complete at `now`: its retention_settings keep time back,
 * rounded up to the hour (the purge may have taken part of the hour before). A source without a
 * retention class is complete from the beginning.
 */
export async function findRollupHorizons(db: Db | Tx, now: Date): Promise<RollupHorizons> {
  const rows = (await db('retention_settings')
    .whereIn('data_class', ['site_state_changes', 'samples', 'sessions', 'rollups_hourly'])
    .select('data_class', 'keep_days')) as Array<{ data_class: string; keep_days: number }>;
  const keep = new Map(rows.map((r) => [r.data_class, r.keep_days]));
  const since = (dataClass: string): Date => {
    const days = keep.get(dataClass);
    return days === undefined ? FAR_PAST : ceilHour(new Date(now.getTime() - days * 24 * HOUR_MS));
  };
  return { states: since('site_state_changes'), samples: since('samples'), sessions: since('sessions'), hourly: since('rollups_hourly') };
}

/**
 * Rolls up every site for the whole hours in [from, to) (both on the hour): one statement.
 * Returns the number of site-hours written.
 */
export async function rollUpHours(
  db: Db | Tx,
  range: { from: Date; to: Date },
  options: { timezone: string; horizons: RollupHorizons },
): Promise<RollupResult> {
  const from = floorHour(range.from);
  const to = floorHour(range.to);
  if (to <= from) return { rows: 0 };
  const { horizons } = options;
  const sql = HOURS_SQL.replaceAll('HOUR_COUNT', String(Math.round((to.getTime() - from.getTime()) / HOUR_MS)));
  const result = await inTransaction(db, (tx) => tx.raw(sql, {
    r0: from,
    r1: to,
    tz: options.timezone,
    statesSince: horizons.states,
    samplesSince: horizons.samples,
    sessionsSince: horizons.sessions,
  }));
  return { rows: Number(result.rows[0].n) };
}

/**
 * Rolls up every site for one local day (YYYY-MM-DD in `timezone`) from its hourly rows and its
 * sessions: one statement. Run it after the day's hours. Returns the number of sites written.
 */
export async function rollUpDay(
  db: Db | Tx,
  day: string,
  options: { timezone: string; horizons: RollupHorizons },
): Promise<RollupResult> {
  const { horizons } = options;
  const result = await inTransaction(db, (tx) => tx.raw(DAY_SQL, {
    day,
    tz: options.timezone,
    hourlySince: horizons.hourly,
    sessionsSince: horizons.sessions,
  }));
  return { rows: Number(result.rows[0].n) };
}
