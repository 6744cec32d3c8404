import type { Db } from '../index.js';
import type { AreaInfo, ReportSums } from '../../domain/report-figures.js';

/**
 * What the city's reports read (issue 5 §2 "Reports", DESIGN.md "What the city reports"): one
 * statement per question, each aggregated in the database and grouped by the site's area, so a year
 * of rollups_daily for 5,000 sites comes back as a few dozen rows. Kecamatan and city figures are
 * sums of these rows (core/domain/report-figures.ts); every figure here is additive for that reason
 * (seconds, counts, rating sums), never a ratio.
 *
 * Days are local dates (rollups_daily.day); instants (feedback, problem reports) are bounded by local
 * midnight in `timezone`.
 */

/**
 * One row per site area_code (null: sites with no area). installed: in place on the counting day;
 * commissioned: in service on it; active: commissioned by then and live on some day of the period
 * (the definitions are in core/domain/report-figures.ts).
 */
export interface AreaSums extends ReportSums {
  areaCode: string | null;
}

export interface ReportRange {
  fromDay: string;
  toDay: string;
  /** YYYY-MM-DD on which installed / commissioned are counted */
  countingDay: string;
  timezone: string;
}

const SUMS_SQL = `
with
r as (
  select site_id,
         sum(up_seconds) as up, sum(degraded_seconds) as degraded, sum(down_seconds) as down,
         sum(maintenance_seconds) as maintenance, sum(unknown_seconds) as unknown,
         sum(users) as users, sum(sessions) as sessions, sum(session_time) as session_seconds,
         sum(input_octets + output_octets) as bytes,
         bool_or(up_seconds + degraded_seconds > 0 or sessions > 0) as live
  from rollups_daily
  where day >= cast(:fromDay as date) and day < cast(:toDay as date)
  group by site_id
),
f as (
  select site_id, count(*) as ratings, sum(rating) as rating_sum, count(*) filter (where rating >= 4) as satisfied
  from feedback
  where at >= cast(cast(:fromDay as date) as timestamp) at time zone :tz
    and at < cast(cast(:toDay as date) as timestamp) at time zone :tz
    and site_id is not null
  group by site_id
),
p as (
  select site_id, count(*) as n
  from problem_reports
  where at >= cast(cast(:fromDay as date) as timestamp) at time zone :tz
    and at < cast(cast(:toDay as date) as timestamp) at time zone :tz
    and site_id is not null
  group by site_id
),
s as (
  select id, area_code,
         coalesce(installed_on, commissioned_on) <= cast(:day as date) as placed,
         commissioned_on <= cast(:day as date) as in_service,
         coalesce(decommissioned_on <= cast(:day as date), false) as gone
  from sites
)
select s.area_code,
       count(*) filter (where s.placed and not s.gone) as installed,
       count(*) filter (where s.in_service and not s.gone) as commissioned,
       count(*) filter (where s.in_service and r.live) as active,
       coalesce(sum(r.up), 0) as up, coalesce(sum(r.degraded), 0) as degraded, coalesce(sum(r.down), 0) as down,
       coalesce(sum(r.maintenance), 0) as maintenance, coalesce(sum(r.unknown), 0) as unknown,
       coalesce(sum(r.users), 0) as users, coalesce(sum(r.sessions), 0) as sessions,
       coalesce(sum(r.session_seconds), 0) as session_seconds, coalesce(sum(r.bytes), 0) as bytes,
       coalesce(sum(f.ratings), 0) as ratings, coalesce(sum(f.rating_sum), 0) as rating_sum,
       coalesce(sum(f.satisfied), 0) as satisfied, coalesce(sum(p.n), 0) as problem_reports
from s
left join r on r.site_id = s.id
left join f on f.site_id = s.id
left join p on p.site_id = s.id
group by s.area_code`;

/** The period's sums per site area (one statement; a year for 5,000 sites is one scan of rollups_daily). */
export async function sumReportByArea(db: Db, range: ReportRange): Promise<AreaSums[]> {
  const result = await db.raw(SUMS_SQL, { fromDay: range.fromDay, toDay: range.toDay, day: range.countingDay, tz: range.timezone });
  return (result.rows as Array<Record<string, string | number | null>>).map((r) => ({
    areaCode: r.area_code === null ? null : String(r.area_code),
    installed: Number(r.installed),
    commissioned: Number(r.commissioned),
    active: Number(r.active),
    up: Number(r.up),
    degraded: Number(r.degraded),
    down: Number(r.down),
    maintenance: Number(r.maintenance),
    unknown: Number(r.unknown),
    users: Number(r.users),
    sessions: Number(r.sessions),
    sessionSeconds: Number(r.session_seconds),
    bytes: Number(r.bytes),
    ratings: Number(r.ratings),
    ratingSum: Number(r.rating_sum),
    satisfied: Number(r.satisfied),
    problemReports: Number(r.problem_reports),
  }));
}

/** A kecamatan or kelurahan as the report tree takes it. */
export type ReportArea = AreaInfo;

/** Every kecamatan and kelurahan, by code (a report lists all of them, with or without sites). */
export async function listReportAreas(db: Db): Promise<ReportArea[]> {
  const rows = (await db('areas').orderBy('code').select('code', 'level', 'name', 'parent_code')) as Array<{ code: string; level: 'kecamatan' | 'kelurahan'; name: string; parent_code: string | null }>;
  return rows.map((r) => ({ code: r.code, level: r.level, name: r.name, parentCode: r.parent_code }));
}

/** The year's targets by area code (kecamatan or kelurahan). */
export async function listCoverageTargets(db: Db, year: number): Promise<Map<string, number>> {
  const rows = (await db('coverage_targets').where({ year }).select('area_code', 'target_sites')) as Array<{ area_code: string; target_sites: number }>;
  return new Map(rows.map((r) => [r.area_code, Number(r.target_sites)]));
}

export interface UsageRow {
  areaCode: string | null;
  /** the day (YYYY-MM-DD) or the month (YYYY-MM) */
  bucket: string;
  users: number;
  sessions: number;
  sessionSeconds: number;
  bytes: number;
  up: number;
  degraded: number;
  down: number;
  maintenance: number;
}

/** Usage and state seconds per site area and per day or month of [fromDay, toDay), from rollups_daily. */
export async function sumUsageByAreaAndBucket(db: Db, range: { fromDay: string; toDay: string }, by: 'day' | 'month'): Promise<UsageRow[]> {
  const bucket = by === 'day' ? `to_char(r.day, 'YYYY-MM-DD')` : `to_char(r.day, 'YYYY-MM')`;
  const result = await db.raw(
    `select s.area_code, ${bucket} as bucket,
            sum(r.users) as users, sum(r.sessions) as sessions, sum(r.session_time) as session_seconds,
            sum(r.input_octets + r.output_octets) as bytes,
            sum(r.up_seconds) as up, sum(r.degraded_seconds) as degraded, sum(r.down_seconds) as down,
            sum(r.maintenance_seconds) as maintenance
     from rollups_daily r join sites s on s.id = r.site_id
     where r.day >= cast(:fromDay as date) and r.day < cast(:toDay as date)
     group by s.area_code, bucket
     order by bucket, s.area_code`,
    { fromDay: range.fromDay, toDay: range.toDay },
  );
  return (result.rows as Array<Record<string, string | number | null>>).map((r) => ({
    areaCode: r.area_code === null ? null : String(r.area_code),
    bucket: String(r.bucket),
    users: Number(r.users),
    sessions: Number(r.sessions),
    sessionSeconds: Number(r.session_seconds),
    bytes: Number(r.bytes),
    up: Number(r.up),
    degraded: Number(r.degraded),
    down: Number(r.down),
    maintenance: Number(r.maintenance),
  }));
}
