import type { Db, Tx } from '../index.js';

/**
 * Set-based SQL that fills the database with simulated history (`citywifi sim history`, issue 5 §4):
 * outages, degraded spells and maintenance windows as site_state_changes and maintenance_windows,
 * sessions, samples, feedback and problem reports, and rollups_daily / rollups_hourly that agree with
 * them. Every random choice is a hash of (seed, site, day, what), so the same seed on the same sites
 * gives the same rows; nothing is drawn in JavaScript.
 *
 * The work happens in one transaction on temporary tables (history_site, history_interval) that the
 * caller fills with prepareHistory and the other functions read, so it runs on one connection (pg or
 * PGlite) and a failure leaves nothing behind. Generated rows carry 'sim history' where a table has a
 * place for it (site_state_changes.reason, maintenance_windows.created_by, sessions.class).
 */

export const HISTORY_MARK = 'sim history';

/** What the simulated city looks like: shares and sizes, plain numbers (sim/history/model.ts holds the values). */
export interface HistoryModel {
  /** share of chronic bad sites, and of flaky ones (among the rest) */
  chronicShare: number;
  flakyShare: number;
  /** per site and day, for normal / flaky / chronic sites: a long outage (hours to days), a short one, a degraded spell */
  longOutage: [number, number, number];
  shortOutage: [number, number, number];
  degraded: [number, number, number];
  /** per site and day: a planned night window (01:00, 30 min to 2.5 h); per kelurahan and day: a daytime area window */
  siteMaintenancePerDay: number;
  areaMaintenancePerDay: number;
  /** sessions per day of a mature site: min + spread × u */
  sessionsMin: number;
  sessionsSpread: number;
  /** days for a new site to get known (1 - e^(-days/ramp)) */
  rampDays: number;
  /** session length: log-normal around a median (s), capped (the plans' session timeout) */
  sessionMedianSeconds: number;
  sessionSigma: number;
  sessionMaxSeconds: number;
  /** bytes per second to the citizen while online: log-normal around a median */
  downloadMedianRate: number;
  /** weight of each local hour 0..23 for when sessions start: weekdays, weekends */
  weekdayCurve: number[];
  weekendCurve: number[];
  /** a weekday factor for Monday..Sunday */
  dayFactor: number[];
  /** seconds between samples (the controller polls every 60 s; fewer rows suffice for charts) */
  sampleStepSeconds: number;
}

export interface HistoryRange {
  /** first local day of history (YYYY-MM-DD) */
  firstDay: string;
  /** the local day containing the last instant of history */
  lastDay: string;
  /** history stops at this instant (exclusive) */
  end: Date;
  /** first local day with raw sessions and hourly rollups */
  windowFirstDay: string;
  /** samples from this instant on */
  samplesFrom: Date;
  timezone: string;
  seed: number;
}

function lit(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}

function ts(instant: Date): string {
  return `cast('${instant.toISOString()}' as timestamptz)`;
}

function day(text: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw new Error(`not a day: ${text}`);
  return `cast('${text}' as date)`;
}

/** A uniform number in [0, 1) from a bigint key and the seed. */
function u(key: string, seed: number): string {
  return `(cast(hashint8extended(${key}, ${lit(seed)}) & 9007199254740991 as double precision) / 9007199254740992.0)`;
}

/** A key from a site's hash, a day number and a salt (distinct keys for distinct triples). */
function siteDayKey(k: string, dn: string, salt: number): string {
  return `(cast(${k} as bigint) * 16777216 + cast(${dn} as bigint) * 256 + ${salt})`;
}

/** A standard normal draw (Box-Muller) from two uniforms. */
function normal(u1: string, u2: string): string {
  return `(sqrt(-2 * ln(greatest(${u1}, 1e-12))) * cos(2 * pi() * ${u2}))`;
}

const DAY_NUMBER = (d: string) => `(${d} - date '2000-01-01')`;
const LOCAL_START = (d: string) => `(cast(${d} as timestamp) at time zone :tz)`;
const LOCAL_END = (d: string) => `(cast(${d} + 1 as timestamp) at time zone :tz)`;

/** Expected sessions of a site on a day (before outages), as SQL over history_site s and a day d, dn. */
function expectedSessions(model: HistoryModel, range: HistoryRange, d: string, dn: string): string {
  const factors = model.dayFactor.map((f, i) => `when ${i + 1} then ${lit(f)}`).join(' ');
  return `(s.base
    * (case cast(extract(isodow from ${d}) as integer) ${factors} else 1 end)
    * (1 - exp(-cast(${d} - s.commission_day + 1 as double precision) / ${lit(model.rampDays)}))
    * (0.8 + 0.2 * cast(${d} - ${day(range.firstDay)} as double precision) / greatest(${day(range.lastDay)} - ${day(range.firstDay)}, 1))
    * (0.75 + 0.5 * ${u(siteDayKey('s.k', dn, 3), range.seed)}))`;
}

/** The cumulative hour curves as rows (weekend, hour, lo, hi) for picking a start hour from a uniform. */
function curveRows(model: HistoryModel): string {
  const rows: string[] = [];
  for (const [weekend, curve] of [[false, model.weekdayCurve], [true, model.weekendCurve]] as const) {
    const total = curve.reduce((a, b) => a + b, 0);
    let lo = 0;
    curve.forEach((w, hour) => {
      const hi = hour === 23 ? 1.0000001 : lo + w / total;
      rows.push(`(${weekend}, ${hour}, ${lit(lo)}, ${lit(hi)}, ${lit((w / total) * 24)})`);
      lo = hi;
    });
  }
  return `(values ${rows.join(', ')}) as c(weekend, hour, lo, hi, weight)`;
}

/** The lower ends of a curve's 24 cumulative shares, as an array for width_bucket (which returns hour + 1). */
function thresholds(curve: number[]): string {
  const total = curve.reduce((a, b) => a + b, 0);
  let lo = 0;
  const los = curve.map((w) => {
    const here = lo;
    lo += w / total;
    return here;
  });
  return `array[${los.map(lit).join(', ')}]`;
}

export interface HistorySiteChoice {
  /** the sites to fill, by id */
  siteIds: number[];
  /** the NAS the generated sessions name when a site has none of its own */
  fallbackNasId: number;
}

/**
 * Fills the temporary table history_site (one row per chosen site commissioned by the last day) and
 * gives sites without a commissioning date one (most before the range, the rest spread through it, so
 * the fleet grows over the year). Returns how many sites take part.
 */
export async function prepareHistory(tx: Tx, model: HistoryModel, range: HistoryRange, choice: HistorySiteChoice): Promise<number> {
  const seed = range.seed;
  const k = 'cast(hashtext(s.code) as bigint)';
  // JIT compiling these long statements costs more than it saves (seconds per statement)
  await tx.raw('set local jit = off');
  const span = `(${day(range.lastDay)} - ${day(range.firstDay)})`;
  await tx.raw(
    `update sites s set
       commissioned_on = case when ${u(`${k} * 256 + 1`, seed)} < 0.55
                              then ${day(range.firstDay)} - cast(floor(${u(`${k} * 256 + 2`, seed)} * 1000) as integer) - 1
                              else ${day(range.firstDay)} + cast(floor(${u(`${k} * 256 + 2`, seed)} * ${span}) as integer) end,
       installed_on = coalesce(installed_on, case when ${u(`${k} * 256 + 1`, seed)} < 0.55
                              then ${day(range.firstDay)} - cast(floor(${u(`${k} * 256 + 2`, seed)} * 1000) as integer) - 15
                              else ${day(range.firstDay)} + cast(floor(${u(`${k} * 256 + 2`, seed)} * ${span}) as integer) - 14 end)
     where s.commissioned_on is null and s.id = any(:ids)`,
    { ids: choice.siteIds },
  );
  await tx.raw('drop table if exists history_site');
  await tx.raw(
    `create temporary table history_site on commit drop as
     select s.id as site_id, cast(hashtext(s.code) as bigint) as k, s.area_code, a.parent_code,
            s.commissioned_on as commission_day,
            ${LOCAL_START('s.commissioned_on')} as began,
            ${u(`${k} * 256 + 5`, seed)} < ${lit(model.chronicShare)} as chronic,
            ${u(`${k} * 256 + 5`, seed)} >= ${lit(model.chronicShare)} and ${u(`${k} * 256 + 6`, seed)} < ${lit(model.flakyShare)} as flaky,
            (${lit(model.sessionsMin)} + ${lit(model.sessionsSpread)} * ${u(`${k} * 256 + 4`, seed)})
              * case when ${u(`${k} * 256 + 5`, seed)} < ${lit(model.chronicShare)} then 0.6 else 1 end as base,
            coalesce((select min(n.id) from nas n where n.site_id = s.id), ${lit(choice.fallbackNasId)}) as nas_id
     from sites s left join areas a on a.code = s.area_code
     where s.id = any(:ids) and s.commissioned_on <= ${day(range.lastDay)}
       and (s.decommissioned_on is null or s.decommissioned_on > ${day(range.lastDay)})`,
    { ids: choice.siteIds, tz: range.timezone },
  );
  await tx.raw('create unique index on history_site (site_id)');
  await tx.raw('analyze history_site');
  const [{ n }] = (await tx.raw('select count(*) as n from history_site')).rows as Array<{ n: number }>;
  return Number(n);
}

/** What already exists for these sites in the range: the caller refuses or deletes it (--replace). */
export async function countExistingHistory(db: Db | Tx, siteIds: number[], from: Date, firstDay: string): Promise<{ rollupDays: number; sessions: number; stateChanges: number }> {
  const one = async (sql: string) => Number(((await db.raw(sql, { ids: siteIds })).rows as Array<{ n: number }>)[0].n);
  const [rollupDays, sessions, stateChanges] = await Promise.all([
    one(`select count(*) as n from rollups_daily where site_id = any(:ids) and day >= ${day(firstDay)}`),
    one(`select count(*) as n from sessions where site_id = any(:ids) and started_at >= ${ts(from)}`),
    one(`select count(*) as n from site_state_changes where site_id = any(:ids) and (at >= ${ts(from)} or reason like '${HISTORY_MARK}%')`),
  ]);
  return { rollupDays, sessions, stateChanges };
}

/** Deletes what the generator would write for these sites from `from` on (and its earlier commissioning changes). */
export async function deleteHistory(tx: Tx, siteIds: number[], from: Date, firstDay: string): Promise<void> {
  const b = { ids: siteIds };
  await tx.raw(`delete from rollups_daily where site_id = any(:ids) and day >= ${day(firstDay)}`, b);
  await tx.raw(`delete from rollups_hourly where site_id = any(:ids) and hour >= ${ts(from)}`, b);
  await tx.raw(`delete from sessions where site_id = any(:ids) and started_at >= ${ts(from)}`, b);
  await tx.raw(`delete from samples where site_id = any(:ids) and at >= ${ts(from)}`, b);
  await tx.raw(`delete from site_state_changes where site_id = any(:ids) and (at >= ${ts(from)} or reason like '${HISTORY_MARK}%')`, b);
  await tx.raw(`delete from maintenance_windows where created_by = '${HISTORY_MARK}' and (site_id is null or site_id = any(:ids))`, b);
  await tx.raw(`delete from feedback where site_id = any(:ids) and at >= ${ts(from)}`, b);
  await tx.raw(`delete from problem_reports where site_id = any(:ids) and at >= ${ts(from)}`, b);
}

/**
 * Draws outages, degraded spells and maintenance windows (history_interval: never overlapping for a
 * site; an outage that would touch a maintenance window is dropped), stores the windows in
 * maintenance_windows and every change in site_state_changes, and sets site_status to the state at
 * the end. Returns the counts written.
 */
export async function writeOutages(tx: Tx, model: HistoryModel, range: HistoryRange): Promise<{ intervals: number; stateChanges: number; maintenanceWindows: number }> {
  const seed = range.seed;
  const dn = DAY_NUMBER('d.d');
  const pick = (p: [number, number, number]) => `case when s.chronic then ${lit(p[2])} when s.flaky then ${lit(p[1])} else ${lit(p[0])} end`;
  const r = u(siteDayKey('s.k', dn, 11), seed);
  const areaKey = `(cast(hashtext(ar.code) as bigint) * 16777216 + cast(${dn} as bigint) * 256 + 16)`;
  await tx.raw('drop table if exists history_interval');
  await tx.raw(
    `create temporary table history_interval on commit drop as
     with
     days as (select cast(g as date) as d from generate_series(${day(range.firstDay)}, ${day(range.lastDay)}, interval '1 day') g),
     site_days as (
       select s.site_id, s.k, s.chronic, s.flaky, d.d, ${LOCAL_START('d.d')} as d0, ${dn} as dn, ${r} as r,
              ${pick(model.longOutage)} as p_long, ${pick(model.shortOutage)} as p_short, ${pick(model.degraded)} as p_degr
       from history_site s join days d on d.d >= s.commission_day
     ),
     outages as (
       select site_id, kind, source, a, a + make_interval(secs => dur) as b from (
         select sd.site_id,
                case when sd.r < sd.p_long + sd.p_short then 'down' else 'degraded' end as kind,
                case when sd.r < sd.p_long then 'long outage' when sd.r < sd.p_long + sd.p_short then 'outage' else 'degraded' end as source,
                sd.d0 + make_interval(secs => floor(21600 + ${u(siteDayKey('sd.k', 'sd.dn', 12), seed)} * 57600)) as a,
                case when sd.r < sd.p_long then floor(21600 + power(${u(siteDayKey('sd.k', 'sd.dn', 13), seed)}, 2) * 324000)
                     when sd.r < sd.p_long + sd.p_short then floor(240 + power(${u(siteDayKey('sd.k', 'sd.dn', 13), seed)}, 2) * 7000)
                     else floor(1200 + ${u(siteDayKey('sd.k', 'sd.dn', 13), seed)} * 13200) end as dur
         from site_days sd
         where sd.r < sd.p_long + sd.p_short + sd.p_degr
       ) o
     ),
     site_windows as (
       select sd.site_id, 'maintenance' as kind, 'site maintenance' as source,
              sd.d0 + interval '1 hour' as a,
              sd.d0 + interval '1 hour' + make_interval(secs => 1800 + floor(${u(siteDayKey('sd.k', 'sd.dn', 15), seed)} * 7200)) as b
       from site_days sd
       where ${u(siteDayKey('sd.k', 'sd.dn', 14), seed)} < ${lit(model.siteMaintenancePerDay)}
     ),
     area_windows as (
       select ar.code as area_code, ${LOCAL_START('d.d')} + interval '10 hours' as a,
              ${LOCAL_START('d.d')} + interval '12 hours' + make_interval(secs => floor(${u(`(${areaKey} + 1)`, seed)} * 10800)) as b
       from areas ar cross join days d
       where ar.level = 'kelurahan' and ${u(areaKey, seed)} < ${lit(model.areaMaintenancePerDay)}
         and exists (select 1 from history_site s where s.area_code = ar.code)
     ),
     windows as (
       select site_id, kind, source, a, b from site_windows
       union all
       select s.site_id, 'maintenance', 'area maintenance ' || w.area_code, w.a, w.b
       from area_windows w join history_site s on s.area_code = w.area_code and s.began <= w.a
     ),
     candidates as (
       select o.*, max(o.b) over (partition by o.site_id order by o.a rows between unbounded preceding and 1 preceding) as prev_end
       from outages o
     )
     select site_id, kind, source, a, b from windows where a < ${ts(range.end)}
     union all
     select c.site_id, c.kind, c.source, c.a, c.b from candidates c
     where c.a < ${ts(range.end)} and (c.prev_end is null or c.a > c.prev_end)
       and not exists (select 1 from windows w where w.site_id = c.site_id and w.a <= c.b and w.b >= c.a)`,
    { tz: range.timezone },
  );
  await tx.raw('create index on history_interval (site_id, a)');
  await tx.raw('analyze history_interval');

  const windows = await tx.raw(
    `insert into maintenance_windows (site_id, area_code, starts_at, ends_at, reason, created_by)
     select site_id, cast(null as text), a, b, 'planned router maintenance', '${HISTORY_MARK}' from history_interval where source = 'site maintenance'
     union all
     select distinct cast(null as integer), substr(source, 18), a, b, 'planned works in the kelurahan (power, fibre)', '${HISTORY_MARK}'
     from history_interval where source like 'area maintenance %'`,
  );
  const changes = await tx.raw(
    `insert into site_state_changes (site_id, at, from_state, to_state, reason)
     select site_id, at, from_state, to_state, reason from (
       select site_id, began as at, 'unknown' as from_state, 'up' as to_state, '${HISTORY_MARK}: commissioned' as reason, 0 as ord from history_site
       union all
       select site_id, a, 'up', kind, '${HISTORY_MARK}: ' || source, 1 from history_interval
       union all
       select site_id, b, kind, 'up', '${HISTORY_MARK}: ' || source || ' over', 2 from history_interval where b < ${ts(range.end)}
     ) c
     order by site_id, at, ord`,
  );
  await tx.raw(
    `insert into site_status (site_id, state, since, last_poll_at, last_ok_at)
     select s.site_id, coalesce(cur.kind, 'up'),
            coalesce(cur.a, (select max(i.b) from history_interval i where i.site_id = s.site_id and i.b < ${ts(range.end)}), s.began),
            ${ts(range.end)}, ${ts(range.end)}
     from history_site s
     left join lateral (select i.kind, i.a from history_interval i where i.site_id = s.site_id and i.a < ${ts(range.end)} and i.b >= ${ts(range.end)} limit 1) cur on true
     on conflict (site_id) do update set state = excluded.state, since = excluded.since`,
  );
  const [{ n }] = (await tx.raw('select count(*) as n from history_interval')).rows as Array<{ n: number }>;
  return { intervals: Number(n), stateChanges: changes.rowCount ?? 0, maintenanceWindows: windows.rowCount ?? 0 };
}

/**
 * rollups_daily for the days before the raw-data window: state seconds from history_interval (the
 * same seconds the hourly rollup would find in site_state_changes and maintenance_windows), usage
 * from the model (expected sessions, less what outages took). Returns the rows written.
 */
export async function writeEarlyDailyRollups(tx: Tx, model: HistoryModel, range: HistoryRange): Promise<number> {
  if (range.windowFirstDay <= range.firstDay) return 0;
  const seed = range.seed;
  const dn = DAY_NUMBER('d.d');
  const key = (salt: number) => siteDayKey('s.k', dn, salt);
  const result = await tx.raw(
    `insert into rollups_daily (site_id, day, up_seconds, down_seconds, degraded_seconds, maintenance_seconds, unknown_seconds,
                                sessions, users, session_time, input_octets, output_octets,
                                sample_count, max_active_users, avg_active_users, router_rx_bytes, router_tx_bytes)
     with
     days as (select cast(g as date) as d from generate_series(${day(range.firstDay)}, ${day(range.windowFirstDay)} - 1, interval '1 day') g),
     pieces as (
       select i.site_id, cast(g as date) as d, i.kind,
              floor(extract(epoch from least(i.b, ${LOCAL_END('cast(g as date)')}))) - floor(extract(epoch from greatest(i.a, ${LOCAL_START('cast(g as date)')}))) as secs
       from history_interval i
       cross join lateral generate_series(cast(i.a at time zone :tz as date), cast(i.b at time zone :tz as date), interval '1 day') g
       where i.a < ${LOCAL_START(day(range.windowFirstDay))}
     ),
     per_day as (
       select site_id, d,
              coalesce(sum(secs) filter (where kind = 'down' and secs > 0), 0) as down_s,
              coalesce(sum(secs) filter (where kind = 'degraded' and secs > 0), 0) as degraded_s,
              coalesce(sum(secs) filter (where kind = 'maintenance' and secs > 0), 0) as maintenance_s
       from pieces where d < ${day(range.windowFirstDay)} group by site_id, d
     ),
     site_days as materialized (
       select s.site_id, d.d,
              cast(extract(epoch from ${LOCAL_END('d.d')} - ${LOCAL_START('d.d')}) as integer) as day_s,
              coalesce(p.down_s, 0) as down_s, coalesce(p.degraded_s, 0) as degraded_s, coalesce(p.maintenance_s, 0) as maintenance_s,
              ${expectedSessions(model, range, 'd.d', dn)} as lambda,
              ${u(key(21), seed)} as u1, ${u(key(22), seed)} as u2, ${u(key(23), seed)} as u3
       from history_site s join days d on d.d >= s.commission_day
       left join per_day p on p.site_id = s.site_id and p.d = d.d
     ),
     usage as materialized (
       select sd.*, 1 - (sd.down_s + sd.maintenance_s) / cast(sd.day_s as double precision) as avail,
              cast(round(sd.lambda * (1 - (sd.down_s + sd.maintenance_s) / cast(sd.day_s as double precision))) as integer) as n
       from site_days sd
     )
     select site_id, d, day_s - down_s - degraded_s - maintenance_s, down_s, degraded_s, maintenance_s, 0,
            n, cast(ceil(n * (0.55 + 0.2 * u1)) as integer),
            cast(round(n * ${lit(model.sessionMedianSeconds)} * 1.4 * (0.8 + 0.4 * u2)) as bigint),
            cast(round(n * ${lit(model.sessionMedianSeconds)} * 1.4 * (0.8 + 0.4 * u2) * ${lit(model.downloadMedianRate)} * (0.7 + 0.6 * u3) * 0.12) as bigint),
            cast(round(n * ${lit(model.sessionMedianSeconds)} * 1.4 * (0.8 + 0.4 * u2) * ${lit(model.downloadMedianRate)} * (0.7 + 0.6 * u3)) as bigint),
            cast(round(day_s / ${lit(model.sampleStepSeconds)} * (1 - (down_s + maintenance_s) / cast(day_s as double precision))) as integer),
            case when n > 0 then cast(ceil(n * 0.03 + 1 + 2 * u1) as integer) else 0 end,
            round(cast(n * ${lit(model.sessionMedianSeconds)} * 1.4 * (0.8 + 0.4 * u2) / day_s as numeric), 2),
            round(cast(n * ${lit(model.sessionMedianSeconds)} * 1.4 * (0.8 + 0.4 * u2) * ${lit(model.downloadMedianRate)} * (0.7 + 0.6 * u3) * 1.08 as numeric)),
            round(cast(n * ${lit(model.sessionMedianSeconds)} * 1.4 * (0.8 + 0.4 * u2) * ${lit(model.downloadMedianRate)} * (0.7 + 0.6 * u3) * 0.14 as numeric))
     from usage
     order by site_id, d`,
    { tz: range.timezone },
  );
  return result.rowCount ?? 0;
}

/**
 * Hourly rows of the raw-data window, holding what the samples would have given before samples
 * begin (the controller keeps samples two weeks; the generator writes them only for the last day or
 * two): the rollup that follows fills the state and session columns and keeps these. Returns rows.
 */
export async function writeWindowHourlyBase(tx: Tx, model: HistoryModel, range: HistoryRange): Promise<number> {
  const seed = range.seed;
  const dn = DAY_NUMBER('d.d');
  const result = await tx.raw(
    `insert into rollups_hourly (site_id, hour, sample_count, max_active_users, avg_active_users, router_rx_bytes, router_tx_bytes)
     with
     days as (select cast(g as date) as d from generate_series(${day(range.windowFirstDay)}, ${day(range.lastDay)}, interval '1 day') g),
     hours as (
       select d.d, ${dn} as dn, ${LOCAL_START('d.d')} + make_interval(hours => h) as hour, h,
              extract(isodow from d.d) >= 6 as weekend
       from days d cross join generate_series(0, 23) h
     ),
     site_hours as materialized (
       select s.site_id, hr.hour, ${expectedSessions(model, range, 'hr.d', 'hr.dn')} * c.weight / 24 as per_hour,
              ${u(`(${siteDayKey('s.k', 'hr.dn', 31)} * 32 + hr.h)`, seed)} as u1,
              exists (select 1 from history_interval i where i.site_id = s.site_id and i.kind <> 'degraded' and i.a <= hr.hour and i.b > hr.hour) as off
       from history_site s
       join hours hr on hr.hour >= s.began and hr.hour < ${ts(range.end)} and hr.hour < ${ts(range.samplesFrom)}
       join ${curveRows(model)} on c.weekend = hr.weekend and c.hour = hr.h
     )
     select site_id, hour,
            case when off then 0 else ${lit(Math.round(3600 / model.sampleStepSeconds))} end,
            case when off then 0 else cast(round(per_hour * ${lit(model.sessionMedianSeconds)} * 1.4 / 3600 * 1.8 + u1 * 1.5) as integer) end,
            case when off then 0 else round(cast(per_hour * ${lit(model.sessionMedianSeconds)} * 1.4 / 3600 as numeric), 2) end,
            case when off then 0 else round(cast(per_hour * ${lit(model.sessionMedianSeconds)} * 1.4 * ${lit(model.downloadMedianRate)} * (0.7 + 0.6 * u1) * 1.08 as numeric)) end,
            case when off then 0 else round(cast(per_hour * ${lit(model.sessionMedianSeconds)} * 1.4 * ${lit(model.downloadMedianRate)} * (0.7 + 0.6 * u1) * 0.14 as numeric)) end
     from site_hours
     order by site_id, hour
     on conflict (site_id, hour) do nothing`,
    { tz: range.timezone },
  );
  return result.rowCount ?? 0;
}

/**
 * The sessions of one local day for every site: start times follow the day's hour curve, none
 * starts while the site is down or in maintenance, none runs past the end of the day (Session-Timeout
 * stops at midnight) or of history. People come back: a site's visitors are drawn from a pool with
 * regulars. Returns the rows written.
 */
export async function writeDaySessions(tx: Tx, model: HistoryModel, range: HistoryRange, localDay: string): Promise<number> {
  const seed = range.seed;
  const d = day(localDay);
  const dn = DAY_NUMBER(d);
  const dayEnd = `least(${LOCAL_END(d)}, ${ts(range.end)})`;
  // two 31-bit uniforms from each 64-bit hash: fewer hash calls per session
  const hi = (h: string) => `(cast((${h} >> 32) & 2147483647 as double precision) / 2147483648.0)`;
  const lo = (h: string) => `(cast(${h} & 2147483647 as double precision) / 2147483648.0)`;
  const result = await tx.raw(
    `insert into sessions (nas_id, site_id, acct_session_id, username, login_kind, nas_ip, mac, framed_ip, nas_port_id, class,
                           started_at, updated_at, stopped_at, session_time, input_octets, output_octets, input_packets, output_packets,
                           terminate_cause, closed_by)
     with
     site_day as materialized (
       select s.site_id, s.k, s.nas_id, s.base, (hashint8extended(${siteDayKey('s.k', dn, 41)}, ${lit(seed)}) & 1099511627775) * 65536 as h0,
              cast(round(${expectedSessions(model, range, d, dn)} * (0.85 + 0.3 * ${u(siteDayKey('s.k', dn, 42), seed)})) as integer) as n
       from history_site s where s.commission_day <= ${d}
     ),
     draws as materialized (
       select sd.site_id, sd.k, sd.nas_id, sd.base, g as i,
              hashint8extended(sd.h0 + g * 64 + 1, ${lit(seed)}) as h1,
              hashint8extended(sd.h0 + g * 64 + 2, ${lit(seed)}) as h2,
              hashint8extended(sd.h0 + g * 64 + 3, ${lit(seed)}) as h3,
              hashint8extended(sd.h0 + g * 64 + 4, ${lit(seed)}) as h4
       from site_day sd cross join lateral generate_series(1, sd.n) g
     ),
     timed as materialized (
       select x.site_id, x.k, x.nas_id, x.i,
              ${LOCAL_START(d)} + make_interval(secs => floor((width_bucket(${hi('x.h1')}, case when extract(isodow from ${d}) >= 6 then ${thresholds(model.weekendCurve)} else ${thresholds(model.weekdayCurve)} end) - 1 + ${lo('x.h1')}) * 3600)) as started_at,
              least(${lit(model.sessionMaxSeconds)}, greatest(30, floor(${lit(model.sessionMedianSeconds)} * exp(${lit(model.sessionSigma)} * ${normal(hi('x.h2'), lo('x.h2'))})))) as want,
              ${lit(model.downloadMedianRate)} * exp(0.8 * ${normal(hi('x.h3'), lo('x.h3'))}) as rate,
              floor(ceil(x.base * 3) * power(${hi('x.h4')}, 1.5)) as person,
              ${lo('x.h4')} as u_kind
       from draws x
     ),
     placed as materialized (
       select t.*, least(t.want, floor(extract(epoch from ${dayEnd} - t.started_at)) - 1) as secs,
              lpad(to_hex(hashint8extended(t.k * 1048576 + cast(t.person as bigint), ${lit(seed)}) & 281474976710655), 12, '0') as hex
       from timed t
       where t.started_at < ${dayEnd} - interval '1 minute'
         and not exists (select 1 from history_interval i where i.site_id = t.site_id and i.kind <> 'degraded' and i.a <= t.started_at and i.b > t.started_at)
     ),
     shaped as materialized (
       select p.*, upper(substr(hex, 1, 2) || ':' || substr(hex, 3, 2) || ':' || substr(hex, 5, 2) || ':' || substr(hex, 7, 2) || ':' || substr(hex, 9, 2) || ':' || substr(hex, 11, 2)) as mac,
              cast(round(p.secs * p.rate) as bigint) as out_oct, 0.06 + 0.12 * p.u_kind as up_share
       from placed p
       where p.secs >= 10
     )
     select nas_id, site_id, 'H' || to_hex(site_id) || '-' || to_hex(${dn}) || '-' || to_hex(i),
            'T-' || mac, case when u_kind < 0.85 then 'click' when u_kind < 0.97 then 'otp' else 'voucher' end,
            '10.255.' || (site_id / 256 % 256) || '.' || (site_id % 256), mac,
            '10.5.' || (50 + cast(person as integer) / 250 % 200) || '.' || (2 + cast(person as integer) % 250), 'hotspot1', '${HISTORY_MARK}',
            started_at, started_at + make_interval(secs => secs), started_at + make_interval(secs => secs), cast(secs as integer),
            cast(round(out_oct * up_share) as bigint), out_oct, cast(round(out_oct * up_share / 400) as bigint), cast(round(out_oct / 1200) as bigint),
            case when secs < want then 'Session-Timeout' when u_kind < 0.6 then 'Idle-Timeout' else 'User-Request' end, 'stop'
     from shaped`,
    { tz: range.timezone },
  );
  return result.rowCount ?? 0;
}

/**
 * Router samples every model.sampleStepSeconds from range.samplesFrom to the end: none while a site is
 * down or in maintenance (a router that does not answer gives no sample); active users follow the
 * hour curve, traffic follows the users. Returns the rows written.
 */
export async function writeSamples(tx: Tx, model: HistoryModel, range: HistoryRange): Promise<number> {
  const seed = range.seed;
  const step = lit(model.sampleStepSeconds);
  const result = await tx.raw(
    `insert into samples (site_id, at, cpu_load, free_memory, total_memory, active_users, rx_bytes, tx_bytes, rx_rate, tx_rate, latency_ms)
     with
     instants as (
       select ${ts(range.samplesFrom)} + make_interval(secs => g * ${step}) as at
       from generate_series(0, cast(floor(extract(epoch from ${ts(range.end)} - ${ts(range.samplesFrom)}) / ${step}) as integer) - 1) g
     ),
     local as (
       select at, cast(at at time zone :tz as date) as d, cast(extract(hour from at at time zone :tz) as integer) as h,
              cast(extract(epoch from at) as bigint) as e
       from instants
     ),
     pts as materialized (
       select s.site_id, l.at, s.k, l.e,
              ${expectedSessions(model, range, 'l.d', DAY_NUMBER('l.d'))} * c.weight / 24 * ${lit(model.sessionMedianSeconds)} * 1.4 / 3600 as mean_users,
              ${u('(s.k * 1073741824 + l.e % 1073741824)', seed)} as u1,
              exists (select 1 from history_interval i where i.site_id = s.site_id and i.kind = 'degraded' and i.a <= l.at and i.b > l.at) as degraded
       from history_site s
       join local l on l.at >= s.began
       join ${curveRows(model)} on c.weekend = (extract(isodow from l.d) >= 6) and c.hour = l.h
       where not exists (select 1 from history_interval i where i.site_id = s.site_id and i.kind <> 'degraded' and i.a <= l.at and i.b > l.at)
     ),
     counted as (
       select p.*, greatest(0, cast(round(p.mean_users * (0.4 + 1.2 * p.u1)) as integer)) as users from pts p
     )
     select site_id, at, least(100, cast(3 + users * 4 + 10 * u1 + case when degraded then 60 else 0 end as integer)),
            cast(40000000 + 20000000 * u1 as bigint), 67108864, users, null, null,
            users * ${lit(model.downloadMedianRate)} * 1.08 * (0.6 + 0.8 * u1), users * ${lit(model.downloadMedianRate)} * 0.14 * (0.6 + 0.8 * u1),
            cast(case when degraded then 400 + 1200 * u1 else 4 + 30 * u1 end as integer)
     from counted
     order by site_id, at`,
    { tz: range.timezone },
  );
  return result.rowCount ?? 0;
}

/**
 * Citizens' problem reports and ratings for every site-day of rollups_daily in the range: reports
 * come mostly on days with outages and at chronic sites, ratings follow how a site behaves. Returns
 * the counts written.
 */
export async function writeFeedback(tx: Tx, range: HistoryRange): Promise<{ problemReports: number; ratings: number }> {
  const seed = range.seed;
  const dn = DAY_NUMBER('r.day');
  const key = (salt: number) => siteDayKey('s.k', dn, salt);
  const base = `from rollups_daily r join history_site s on s.site_id = r.site_id
                where r.day >= ${day(range.firstDay)} and r.day <= ${day(range.lastDay)}`;
  const at = (salt: number) => `${LOCAL_START('r.day')} + make_interval(secs => floor(25200 + ${u(key(salt), seed)} * 54000))`;
  const reports = await tx.raw(
    `insert into problem_reports (site_id, at, kind, comment, status, resolved_at)
     select site_id, at, kind, null,
            case when at < ${ts(range.end)} - interval '7 days' then 'resolved' when ${u('(k * 7 + 1)', seed)} < 0.5 then 'acknowledged' else 'open' end,
            case when at < ${ts(range.end)} - interval '7 days' then at + make_interval(hours => 2 + cast(floor(${u('(k * 7 + 2)', seed)} * 70) as integer)) end
     from (
       select r.site_id, ${key(51)} as k, ${at(52)} as at,
              case when r.down_seconds > 1800 then 'no-internet'
                   when ${u(key(53), seed)} < 0.5 then 'slow' when ${u(key(53), seed)} < 0.8 then 'other' else 'device-broken' end as kind,
              ${u(key(54), seed)} as p,
              case when r.down_seconds > 1800 then 0.35 when r.degraded_seconds > 1800 then 0.15 else 0.004 end * case when s.chronic then 2 else 1 end as chance
       ${base}
     ) x
     where p < chance and at < ${ts(range.end)}
     order by site_id, at`,
    { tz: range.timezone },
  );
  const ratings = await tx.raw(
    `insert into feedback (site_id, at, rating, comment)
     select site_id, at,
            least(5, greatest(1, cast(floor(mood + ${u('(k * 7 + 3)', seed)} * 2.2) as integer))), null
     from (
       select r.site_id, ${key(61)} as k, ${at(62)} as at, ${u(key(63), seed)} as p,
              least(0.3, r.users * 0.004) as chance,
              case when s.chronic then 1.6 when r.down_seconds + r.degraded_seconds > 3600 then 2.4 else 3.4 end as mood
       ${base}
     ) x
     where p < chance and at < ${ts(range.end)}
     order by site_id, at`,
    { tz: range.timezone },
  );
  return { problemReports: reports.rowCount ?? 0, ratings: ratings.rowCount ?? 0 };
}

/** Fresh planner statistics for what the rollups will read (the generator has just written it). */
export async function analyzeHistory(tx: Tx): Promise<void> {
  for (const table of ['sessions', 'site_state_changes', 'samples', 'maintenance_windows', 'rollups_hourly']) await tx.raw(`analyze ${table}`);
}

/** Hourly rows from `from` on. */
export async function countHourlyRows(tx: Tx, from: Date): Promise<number> {
  return Number(((await tx.raw(`select count(*) as n from rollups_hourly where hour >= ${ts(from)}`)).rows as Array<{ n: number }>)[0].n);
}

/** Moves the rollups' progress to the end of history, so the controller carries on from there. */
export async function markRolledUpTo(tx: Tx, end: Date): Promise<void> {
  await tx.raw(
    `insert into housekeeping_progress (job, done_until, updated_at) values ('rollups', ${ts(end)}, now())
     on conflict (job) do update set done_until = greatest(housekeeping_progress.done_until, excluded.done_until), updated_at = now()`,
  );
}

/** The sites to fill: the first `limit` by id (all when undefined). */
export async function listSiteIds(db: Db, limit?: number): Promise<number[]> {
  const q = db('sites').whereNull('decommissioned_on').orderBy('id').select('id');
  if (limit !== undefined) q.limit(limit);
  return ((await q) as Array<{ id: number }>).map((r) => r.id);
}

/** Adds sites in one statement per thousand (the generator places them); codes already taken are skipped. */
export async function insertSimSites(
  db: Db,
  sites: Array<{ code: string; name: string; areaCode: string; category: string; lat: number; lon: number; address: string }>,
): Promise<void> {
  for (let i = 0; i < sites.length; i += 1000) {
    const rows = sites.slice(i, i + 1000).map((s) => ({
      code: s.code, name: s.name, area_code: s.areaCode, category: s.category, lat: s.lat, lon: s.lon, address: s.address,
    }));
    await db('sites').insert(rows).onConflict('code').ignore();
  }
}

/** The kelurahan seeded in areas (code, name), for placing sites. */
export async function listKelurahan(db: Db): Promise<Array<{ code: string; name: string }>> {
  return (await db('areas').where({ level: 'kelurahan' }).orderBy('code').select('code', 'name')) as Array<{ code: string; name: string }>;
}

/** The NAS that generated sessions name for a site without one: 'sim-history' on TEST-NET-1 (RFC 5737), made once. */
export async function findOrAddHistoryNas(db: Db, secretEnc: string): Promise<number> {
  const existing = await db('nas').where({ name: 'sim-history' }).first('id');
  if (existing) return existing.id as number;
  const [row] = await db('nas')
    .insert({ name: 'sim-history', address: '192.0.2.1', secret_enc: secretEnc, nas_identifier: 'sim-history' })
    .returning('id');
  return row.id as number;
}
