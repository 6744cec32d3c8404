import type { AreaRef, Interval } from '../../domain/incidents.js';
import type { SiteState } from '../../domain/site-state.js';
import type { Db, Knex, Tx } from '../index.js';
import { PROBLEM_KINDS, type ProblemKind } from './problem-reports.js';

/**
 * What the dashboard's incidents page reads and changes: outages from site_state_changes (with the
 * area-outage alerts that cover them and the maintenance windows that overlap them), and the queue
 * of citizens' problem reports (problem_reports) that engineers acknowledge and resolve.
 */

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

function areaRef(code: unknown, name: unknown): AreaRef | null {
  return code === null || code === undefined ? null : { code: String(code), name: String(name) };
}

/** The site's kelurahan and kecamatan from the joined area (a site may be placed on a kecamatan only). */
const SITE_AREAS = `
  left join areas sa on sa.code = s.area_code
  left join areas kel on kel.code = sa.code and sa.level = 'kelurahan'
  left join areas kec on kec.code = case when sa.level = 'kelurahan' then sa.parent_code else sa.code end`;

export interface OutageRecord {
  /** the change into down that began it */
  changeId: number;
  siteId: number;
  siteCode: string;
  siteName: string;
  kelurahan: AreaRef | null;
  kecamatan: AreaRef | null;
  startedAt: Date;
  /** the next change of the site, out of down; null while ongoing */
  endedAt: Date | null;
  endedInto: SiteState | null;
  reason: string;
  areaAlert: { id: number; area: AreaRef & { level: 'kelurahan' | 'kecamatan' } } | null;
  alerted: boolean;
}

export interface OutageQuery {
  /** outages that were going on at some time in [from, to) */
  from: Date;
  to: Date;
  kecamatan?: string;
  ongoingOnly?: boolean;
  /** at most this many, the newest */
  limit: number;
}

/**
 * Outages that overlap [from, to): the changes into down inside it (index on at), and for each site
 * the change before `from` when it left the site down (index on site_id, at). Newest first, at most
 * `limit` (the caller says when that cut the list).
 */
export async function findOutages(db: Db, query: OutageQuery): Promise<OutageRecord[]> {
  const { rows } = await db.raw(
    `with starts as (
       select c.id, c.site_id, c.at, c.reason from site_state_changes c
       where c.to_state = 'down' and c.at >= :from and c.at < :to
       union all
       select p.id, p.site_id, p.at, p.reason from sites s2
       cross join lateral (select id, site_id, at, reason, to_state from site_state_changes b
                           where b.site_id = s2.id and b.at < :from order by b.at desc, b.id desc limit 1) p
       where p.to_state = 'down'
     )
     select st.id, st.site_id, st.at, st.reason, n.at as ended_at, n.to_state as ended_into,
       s.code, s.name, kel.code as kel_code, kel.name as kel_name, kec.code as kec_code, kec.name as kec_name,
       aa.alert_id as area_alert_id, aa.area as area_alert_area,
       exists (select 1 from alert_changes h where h.change_id = st.id and h.alert_id is not null) as alerted
     from starts st
     join sites s on s.id = st.site_id
     ${SITE_AREAS}
     left join lateral (select x.at, x.to_state from site_state_changes x
                        where x.site_id = st.site_id and (x.at > st.at or (x.at = st.at and x.id > st.id))
                        order by x.at, x.id limit 1) n on true
     left join lateral (select a.id as alert_id, a.payload->'area' as area from alert_changes h
                        join alerts a on a.id = h.alert_id and a.kind = 'area-outage'
                        where h.change_id = st.id limit 1) aa on true
     where (n.at is null or n.at > :from)
       and (cast(:kecamatan as text) is null or kec.code = :kecamatan)
       and (not :ongoingOnly or n.at is null)
     order by st.at desc, st.id desc
     limit :limit`,
    { from: query.from, to: query.to, kecamatan: query.kecamatan ?? null, ongoingOnly: query.ongoingOnly === true, limit: query.limit },
  );
  return (rows as Array<Record<string, unknown>>).map((r) => {
    const area = r.area_alert_area as { code?: string; name?: string; level?: string } | null;
    return {
      changeId: Number(r.id),
      siteId: Number(r.site_id),
      siteCode: String(r.code),
      siteName: String(r.name),
      kelurahan: areaRef(r.kel_code, r.kel_name),
      kecamatan: areaRef(r.kec_code, r.kec_name),
      startedAt: toDate(r.at),
      endedAt: r.ended_at === null || r.ended_at === undefined ? null : toDate(r.ended_at),
      endedInto: (r.ended_into ?? null) as SiteState | null,
      reason: String(r.reason ?? ''),
      areaAlert:
        r.area_alert_id !== null && r.area_alert_id !== undefined && area?.code
          ? { id: Number(r.area_alert_id), area: { code: area.code, name: String(area.name ?? area.code), level: area.level === 'kecamatan' ? 'kecamatan' : 'kelurahan' } }
          : null,
      alerted: Boolean(r.alerted),
    };
  });
}

/**
 * The maintenance windows that cover each of `siteIds` (on the site, its kelurahan or its kecamatan)
 * and overlap [from, to), by site id.
 */
export async function findMaintenanceBySite(db: Db, siteIds: readonly number[], from: Date, to: Date): Promise<Map<number, Interval[]>> {
  const bySite = new Map<number, Interval[]>();
  if (siteIds.length === 0) return bySite;
  const { rows } = await db.raw(
    `select s.id as site_id, w.starts_at, w.ends_at
     from sites s
     left join areas sa on sa.code = s.area_code
     join maintenance_windows w on w.site_id = s.id or w.area_code = s.area_code or w.area_code = sa.parent_code
     where s.id = any(:ids) and w.starts_at < :to and w.ends_at > :from`,
    { ids: [...new Set(siteIds)], from, to },
  );
  for (const r of rows as Array<{ site_id: number; starts_at: unknown; ends_at: unknown }>) {
    const list = bySite.get(r.site_id) ?? [];
    list.push({ from: toDate(r.starts_at), to: toDate(r.ends_at) });
    bySite.set(r.site_id, list);
  }
  return bySite;
}

/** The kecamatan of the city, by code, for the filters. */
export async function listKecamatan(db: Db): Promise<AreaRef[]> {
  const rows = await db('areas').where({ level: 'kecamatan' }).orderBy('code').select('code', 'name');
  return rows.map((r) => ({ code: r.code, name: r.name }));
}

// ---- the problem-report queue ----

export const PROBLEM_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];
export { PROBLEM_KINDS, type ProblemKind };

export interface ProblemReportFilter {
  statuses: readonly ProblemStatus[];
  kind?: ProblemKind;
  kecamatan?: string;
}

export interface ProblemReportRow {
  id: number;
  at: Date;
  kind: ProblemKind;
  comment: string | null;
  status: ProblemStatus;
  site: { code: string; name: string } | null;
  kelurahan: AreaRef | null;
  kecamatan: AreaRef | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  note: string | null;
}

interface ReportDbRow {
  id: string | number;
  at: unknown;
  kind: ProblemKind;
  comment: string | null;
  status: ProblemStatus;
  acknowledged_at: unknown;
  acknowledged_by: string | null;
  resolved_at: unknown;
  resolved_by: string | null;
  note: string | null;
  site_code: string | null;
  site_name: string | null;
  kel_code: string | null;
  kel_name: string | null;
  kec_code: string | null;
  kec_name: string | null;
}

function filterReports<Q extends Knex.QueryBuilder>(q: Q, filter: Omit<ProblemReportFilter, 'statuses'>) {
  if (filter.kind) q.where('r.kind', filter.kind);
  if (filter.kecamatan) q.where('kec.code', filter.kecamatan);
  return q;
}

function reportsBase(db: Db) {
  return db('problem_reports as r')
    .leftJoin('sites as s', 's.id', 'r.site_id')
    .leftJoin('areas as sa', 'sa.code', 's.area_code')
    .leftJoin('areas as kel', function () {
      this.on('kel.code', '=', 'sa.code').andOn('sa.level', '=', db.raw('?', ['kelurahan']));
    })
    .leftJoin('areas as kec', 'kec.code', db.raw(`case when sa.level = 'kelurahan' then sa.parent_code else sa.code end`));
}

/**
 * The queue: open reports first, then acknowledged, oldest first (the one waiting longest on top);
 * resolved ones after, the latest resolved first.
 */
export async function listProblemReports(db: Db, filter: ProblemReportFilter, page: { offset: number; limit: number }): Promise<{ rows: ProblemReportRow[]; total: number }> {
  const where = (q: Knex.QueryBuilder) => filterReports(q.whereIn('r.status', [...filter.statuses]), filter);
  const [rows, [{ n }]] = await Promise.all([
    where(reportsBase(db))
      .orderByRaw(`case r.status when 'open' then 0 when 'acknowledged' then 1 else 2 end, case when r.status = 'resolved' then r.resolved_at end desc nulls last, r.at, r.id`)
      .offset(page.offset)
      .limit(page.limit)
      .select(
        'r.id', 'r.at', 'r.kind', 'r.comment', 'r.status', 'r.acknowledged_at', 'r.acknowledged_by', 'r.resolved_at', 'r.resolved_by', 'r.note',
        's.code as site_code', 's.name as site_name', 'kel.code as kel_code', 'kel.name as kel_name', 'kec.code as kec_code', 'kec.name as kec_name',
      ),
    where(reportsBase(db)).count('* as n'),
  ]);
  return {
    total: Number(n),
    rows: (rows as ReportDbRow[]).map((r) => ({
      id: Number(r.id),
      at: toDate(r.at),
      kind: r.kind,
      comment: r.comment,
      status: r.status,
      site: r.site_code ? { code: r.site_code, name: String(r.site_name) } : null,
      kelurahan: areaRef(r.kel_code, r.kel_name),
      kecamatan: areaRef(r.kec_code, r.kec_name),
      acknowledgedAt: r.acknowledged_at ? toDate(r.acknowledged_at) : null,
      acknowledgedBy: r.acknowledged_by,
      resolvedAt: r.resolved_at ? toDate(r.resolved_at) : null,
      resolvedBy: r.resolved_by,
      note: r.note,
    })),
  };
}

/** How many reports are in each status, under the kind and kecamatan filters. */
export async function countProblemReportsByStatus(db: Db, filter: Omit<ProblemReportFilter, 'statuses'>): Promise<Record<ProblemStatus, number>> {
  const rows = await filterReports(reportsBase(db), filter).groupBy('r.status').select('r.status').count('* as n');
  const counts: Record<ProblemStatus, number> = { open: 0, acknowledged: 0, resolved: 0 };
  for (const r of rows as Array<{ status: ProblemStatus; n: unknown }>) counts[r.status] = Number(r.n);
  return counts;
}

export type ProblemAction = 'acknowledge' | 'resolve';

/** From which statuses each action may move a report. */
const ACTION_FROM: Record<ProblemAction, readonly ProblemStatus[]> = { acknowledge: ['open'], resolve: ['open', 'acknowledged'] };

export type ProblemMove =
  | { outcome: 'moved'; id: number; from: ProblemStatus; to: ProblemStatus; siteCode: string | null }
  | { outcome: 'not-found' }
  | { outcome: 'refused'; status: ProblemStatus };

/**
 * Acknowledges or resolves one report (row-locked, so two engineers at once move it once): who and
 * when are kept, and the note when one is given (an empty note leaves an earlier one).
 */
export async function moveProblemReport(tx: Tx, id: number, action: ProblemAction, by: { actor: string; at: Date; note: string | null }): Promise<ProblemMove> {
  const row = await tx('problem_reports as r').leftJoin('sites as s', 's.id', 'r.site_id').where('r.id', id).forUpdate('r').first('r.status', 's.code');
  if (!row) return { outcome: 'not-found' };
  const from = row.status as ProblemStatus;
  if (!ACTION_FROM[action].includes(from)) return { outcome: 'refused', status: from };
  const to: ProblemStatus = action === 'acknowledge' ? 'acknowledged' : 'resolved';
  const changes: Record<string, unknown> =
    action === 'acknowledge' ? { status: to, acknowledged_at: by.at, acknowledged_by: by.actor } : { status: to, resolved_at: by.at, resolved_by: by.actor };
  if (by.note) changes.note = by.note;
  await tx('problem_reports').where({ id }).update(changes);
  return { outcome: 'moved', id, from, to, siteCode: row.code ?? null };
}
