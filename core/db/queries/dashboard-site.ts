import type { SiteState } from '../../domain/site-state.js';
import type { StateSeconds } from '../../domain/uptime.js';
import type { Db, Tx } from '../index.js';
import { secondsOf, stateSums } from './dashboard-overview.js';

/**
 * What the dashboard's page of one site reads. Every statement is bounded by the site's id and a time
 * range on an index that starts with site_id (site_state_changes_site_at_idx, the primary keys of
 * samples, rollups_hourly and rollups_daily, sessions_site_started_idx, problem_reports_site_at_idx,
 * feedback_site_at_idx, maintenance_windows_site_idx), so the page costs the same with 5 sites or
 * 5,000 and a year of history.
 */

export interface SitePageHead {
  id: number;
  code: string;
  name: string;
  category: string;
  address: string | null;
  kelurahanCode: string | null;
  kelurahan: string | null;
  kecamatanCode: string | null;
  kecamatan: string | null;
  installedOn: string | null;
  commissionedOn: string | null;
  decommissionedOn: string | null;
  access: string;
  state: SiteState;
  since: Date | null;
  lastPollAt: Date | null;
  lastError: string | null;
  cpuLoad: number | null;
  activeUsers: number | null;
  rosVersion: string | null;
  board: string | null;
}

const asDay = (column: string) => `to_char(${column}, 'YYYY-MM-DD')`;

export async function findSiteByCode(db: Db, code: string): Promise<SitePageHead | null> {
  const row = await db('sites as s')
    .leftJoin('areas as kel', 'kel.code', 's.area_code')
    .leftJoin('areas as kec', 'kec.code', 'kel.parent_code')
    .leftJoin('site_status as ss', 'ss.site_id', 's.id')
    .where('s.code', code)
    .first(
      's.id',
      's.code',
      's.name',
      's.category',
      's.address',
      's.access',
      'kel.code as kel_code',
      'kel.name as kel_name',
      'kec.code as kec_code',
      'kec.name as kec_name',
      db.raw(`${asDay('s.installed_on')} as installed_on`),
      db.raw(`${asDay('s.commissioned_on')} as commissioned_on`),
      db.raw(`${asDay('s.decommissioned_on')} as decommissioned_on`),
      db.raw(`coalesce(ss.state, 'unknown') as state`),
      'ss.since',
      'ss.last_poll_at',
      'ss.last_error',
      'ss.cpu_load',
      'ss.active_users',
      'ss.ros_version',
      'ss.board',
    );
  if (!row) return null;
  const date = (v: unknown) => (v ? new Date(v as string) : null);
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    category: row.category,
    address: row.address,
    kelurahanCode: row.kel_code,
    kelurahan: row.kel_name,
    kecamatanCode: row.kec_code,
    kecamatan: row.kec_name,
    installedOn: row.installed_on,
    commissionedOn: row.commissioned_on,
    decommissionedOn: row.decommissioned_on,
    access: row.access,
    state: row.state,
    since: date(row.since),
    lastPollAt: date(row.last_poll_at),
    lastError: row.last_error,
    cpuLoad: row.cpu_load,
    activeUsers: row.active_users,
    rosVersion: row.ros_version,
    board: row.board,
  };
}

export interface StateHistory {
  /** the state at the start of the range */
  stateAtFrom: SiteState;
  /** each change inside (from, to], oldest first */
  changes: Array<{ at: Date; from: SiteState; to: SiteState; reason: string | null }>;
}

/**
 * A site's changes of state in (from, to] and its state at `from`: the last change before it, else
 * the first later change's from_state, else its status if it began before `from`, else unknown.
 */
export async function findStateHistory(db: Db, site: { id: number; state: SiteState; since: Date | null }, range: { from: Date; to: Date }): Promise<StateHistory> {
  const [before, inside] = await Promise.all([
    db('site_state_changes').where('site_id', site.id).where('at', '<=', range.from).orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }]).first('to_state'),
    db('site_state_changes').where('site_id', site.id).where('at', '>', range.from).where('at', '<=', range.to).orderBy([{ column: 'at' }, { column: 'id' }]).select('at', 'from_state', 'to_state', 'reason'),
  ]);
  const changes = (inside as Array<{ at: Date; from_state: SiteState; to_state: SiteState; reason: string | null }>).map((c) => ({
    at: new Date(c.at),
    from: c.from_state,
    to: c.to_state,
    reason: c.reason,
  }));
  let stateAtFrom: SiteState;
  if (before) stateAtFrom = before.to_state;
  else if (changes.length > 0) stateAtFrom = changes[0].from;
  else stateAtFrom = site.since && site.since <= range.from ? site.state : 'unknown';
  return { stateAtFrom, changes };
}

/** Seconds in each state for one site over the hours [from, to) of rollups_hourly. */
export async function sumSiteHours(db: Db, siteId: number, range: { from: Date; to: Date }): Promise<StateSeconds> {
  const row = await db('rollups_hourly').where('site_id', siteId).where('hour', '>=', range.from).where('hour', '<', range.to).first(stateSums(db));
  return secondsOf(row ?? {});
}

/** Seconds in each state for one site over the local days [fromDay, toDay) of rollups_daily. */
export async function sumSiteDays(db: Db, siteId: number, range: { fromDay: string; toDay: string }): Promise<StateSeconds> {
  const row = await db('rollups_daily').where('site_id', siteId).where('day', '>=', range.fromDay).where('day', '<', range.toDay).first(stateSums(db));
  return secondsOf(row ?? {});
}

export interface SamplePoint {
  at: Date;
  cpu: number | null;
  users: number | null;
  /** bytes per second, means over the bucket */
  rxRate: number | null;
  txRate: number | null;
}

/** One site's samples in [from, to), averaged into buckets of `bucketSeconds` (the chart needs no more). */
export async function listSampleBuckets(db: Db, siteId: number, range: { from: Date; to: Date }, bucketSeconds: number): Promise<SamplePoint[]> {
  const result = await db.raw(
    `select date_bin(make_interval(secs => :bucket), at, cast(:from as timestamptz)) as at,
            round(avg(cpu_load)) as cpu, round(avg(active_users), 1) as users, avg(rx_rate) as rx, avg(tx_rate) as tx
     from samples
     where site_id = :siteId and at >= :from and at < :to
     group by 1 order by 1`,
    { bucket: bucketSeconds, from: range.from, to: range.to, siteId },
  );
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return (result.rows as Array<Record<string, unknown>>).map((r) => ({ at: new Date(r.at as string), cpu: num(r.cpu), users: num(r.users), rxRate: num(r.rx), txRate: num(r.tx) }));
}

export interface SiteHour {
  hour: Date;
  seconds: StateSeconds;
  avgUsers: number;
  maxUsers: number;
  users: number;
  sessions: number;
  routerRxBytes: number;
  routerTxBytes: number;
}

/** One site's rollups_hourly rows in [from, to). */
export async function listSiteHours(db: Db, siteId: number, range: { from: Date; to: Date }): Promise<SiteHour[]> {
  const rows = await db('rollups_hourly')
    .where('site_id', siteId)
    .where('hour', '>=', range.from)
    .where('hour', '<', range.to)
    .orderBy('hour')
    .select(
      'hour',
      'up_seconds as up',
      'degraded_seconds as degraded',
      'down_seconds as down',
      'maintenance_seconds as maintenance',
      'unknown_seconds as unknown',
      'avg_active_users',
      'max_active_users',
      'users',
      'sessions',
      'router_rx_bytes',
      'router_tx_bytes',
    );
  return (rows as Array<Record<string, unknown>>).map((r) => ({
    hour: new Date(r.hour as string),
    seconds: secondsOf(r),
    avgUsers: Number(r.avg_active_users),
    maxUsers: Number(r.max_active_users),
    users: Number(r.users),
    sessions: Number(r.sessions),
    routerRxBytes: Number(r.router_rx_bytes),
    routerTxBytes: Number(r.router_tx_bytes),
  }));
}

export interface RecentSession {
  startedAt: Date;
  stoppedAt: Date | null;
  /** the MAC as stored; the page masks it for roles that may not see it */
  mac: string | null;
  loginKind: string;
  sessionTime: number;
  bytes: number;
  closedBy: string | null;
}

/** The site's latest sessions started since `since` (newest first). User names and phone numbers are not read. */
export async function listRecentSessions(db: Db, siteId: number, since: Date, limit: number): Promise<RecentSession[]> {
  const rows = await db('sessions')
    .where('site_id', siteId)
    .where('started_at', '>=', since)
    .orderBy('started_at', 'desc')
    .limit(limit)
    .select('started_at', 'stopped_at', 'mac', 'login_kind', 'session_time', 'input_octets', 'output_octets', 'closed_by');
  return (rows as Array<Record<string, unknown>>).map((r) => ({
    startedAt: new Date(r.started_at as string),
    stoppedAt: r.stopped_at ? new Date(r.stopped_at as string) : null,
    mac: (r.mac as string | null) ?? null,
    loginKind: String(r.login_kind),
    sessionTime: Number(r.session_time),
    bytes: Number(r.input_octets) + Number(r.output_octets),
    closedBy: (r.closed_by as string | null) ?? null,
  }));
}

export interface SiteProblemReport {
  at: Date;
  kind: string;
  comment: string | null;
  status: string;
}

export interface ProblemSummary {
  open: number;
  recent: SiteProblemReport[];
}

/** The site's problem reports since `since`: how many are still open, and the latest `limit`. */
export async function findProblemReports(db: Db, siteId: number, since: Date, limit: number): Promise<ProblemSummary> {
  const [open, recent] = await Promise.all([
    db('problem_reports').where('site_id', siteId).where('status', '<>', 'resolved').count('* as n').first(),
    db('problem_reports').where('site_id', siteId).where('at', '>=', since).orderBy('at', 'desc').limit(limit).select('at', 'kind', 'comment', 'status'),
  ]);
  return {
    open: Number((open as { n: string | number } | undefined)?.n ?? 0),
    recent: (recent as Array<Record<string, unknown>>).map((r) => ({ at: new Date(r.at as string), kind: String(r.kind), comment: (r.comment as string | null) ?? null, status: String(r.status) })),
  };
}

export interface FeedbackSummary {
  count: number;
  /** mean rating 1 … 5, null without ratings */
  average: number | null;
  /** the share of ratings of 4 or 5, null without ratings */
  satisfiedShare: number | null;
}

export async function findFeedbackSummary(db: Db, siteId: number, since: Date): Promise<FeedbackSummary> {
  const row = (await db('feedback')
    .where('site_id', siteId)
    .where('at', '>=', since)
    .first(db.raw('count(*) as n'), db.raw('avg(rating) as average'), db.raw('count(*) filter (where rating >= 4) as satisfied'))) as Record<string, string | number | null>;
  const count = Number(row.n);
  return {
    count,
    average: count > 0 ? Number(row.average) : null,
    satisfiedShare: count > 0 ? Number(row.satisfied) / count : null,
  };
}

export interface SiteWindow {
  id: number;
  startsAt: Date;
  endsAt: Date;
  reason: string;
  createdBy: string | null;
  /** 'site' for this site's own window, else the kelurahan or kecamatan code it was set on */
  scope: string;
}

/** Maintenance windows that cover the site (its own, its kelurahan's, its kecamatan's) ending after `since`, latest start first. */
export async function listSiteWindows(db: Db, site: { id: number; kelurahanCode: string | null; kecamatanCode: string | null }, since: Date, limit: number): Promise<SiteWindow[]> {
  const areas = [site.kelurahanCode, site.kecamatanCode].filter((c): c is string => c !== null);
  const rows = await db('maintenance_windows')
    .where((q) => {
      q.where('site_id', site.id);
      if (areas.length > 0) q.orWhereIn('area_code', areas);
    })
    .where('ends_at', '>', since)
    .orderBy('starts_at', 'desc')
    .limit(limit)
    .select('id', 'site_id', 'area_code', 'starts_at', 'ends_at', 'reason', 'created_by');
  return (rows as Array<Record<string, unknown>>).map((r) => ({
    id: Number(r.id),
    startsAt: new Date(r.starts_at as string),
    endsAt: new Date(r.ends_at as string),
    reason: String(r.reason),
    createdBy: (r.created_by as string | null) ?? null,
    scope: r.site_id !== null && Number(r.site_id) === site.id ? 'site' : String(r.area_code),
  }));
}

/** A maintenance window on one site; returns its id. */
export async function addSiteWindow(db: Db | Tx, input: { siteId: number; startsAt: Date; endsAt: Date; reason: string; createdBy: string; now: Date }): Promise<number> {
  const [row] = await db('maintenance_windows')
    .insert({ site_id: input.siteId, starts_at: input.startsAt, ends_at: input.endsAt, reason: input.reason, created_by: input.createdBy, created_at: input.now })
    .returning('id');
  return Number((row as { id: number }).id);
}
