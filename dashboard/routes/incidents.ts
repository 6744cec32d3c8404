import type { Request, Response } from 'express';
import {
  countProblemReportsByStatus,
  findMaintenanceBySite,
  findOutages,
  listKecamatan,
  listProblemReports,
  moveProblemReport,
  PROBLEM_KINDS,
  PROBLEM_STATUSES,
  type OutageRecord,
  type ProblemAction,
  type ProblemKind,
  type ProblemStatus,
} from '../../core/db/queries/incidents.js';
import { groupOutages, outageTimes, type AreaRef } from '../../core/domain/incidents.js';
import { localDate, startOfLocalDay, startOfNextLocalDay } from '../../core/domain/local-time.js';
import type { Translate } from '../../core/web/i18n.js';
import { auditedChange } from '../audit.js';
import { kitOf } from '../kit.js';
import { principalOf } from '../principal.js';
import { renderPage, renderProblem, sendApiError } from '../render.js';
import type { RouteSpec } from './route-spec.js';

export const INCIDENTS_PAGE_SIZE = 50;
export const REPORTS_PAGE_SIZE = 50;
/** The most outages one listing reads (the newest); a wider period says so and asks to narrow it. */
export const MAX_OUTAGES = 20_000;
export const MAX_PERIOD_DAYS = 366;
const DEFAULT_PERIOD_DAYS = 7;
const MAX_PAGE = 100_000;
const NOTE_MAX = 500;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const KECAMATAN = /^\d{2}\.\d{2}\.\d{2}$/;

// ---- filters ----

export interface IncidentFilter {
  /** local dates, both included */
  from: string;
  to: string;
  kecamatan?: string;
  ongoing: boolean;
  page: number;
}

const text = (value: unknown, max: number): string | undefined => {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, max);
};

function pageOf(value: unknown): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 1 && n <= MAX_PAGE ? n : 1;
}

/** The instant a local date (YYYY-MM-DD) begins in the city's time zone; undefined for no such date. */
function dayStart(date: string, timeZone: string): Date | undefined {
  if (!DATE.test(date)) return undefined;
  const noon = new Date(`${date}T12:00:00Z`);
  if (Number.isNaN(noon.getTime()) || noon.toISOString().slice(0, 10) !== date) return undefined;
  return startOfLocalDay(noon, timeZone);
}

/**
 * The incidents filters of a query string: the period (`from`, `to`: local dates, both included;
 * the last 7 days by default), `kecamatan`, `ongoing=1`, `page`. A period that cannot be read is a
 * problem (a message key) and the default period is used.
 */
export function incidentFilterOf(query: Request['query'], now: Date, timeZone: string): { filter: IncidentFilter; problem?: string } {
  const today = localDate(now, timeZone);
  const defaults = { from: localDate(new Date(now.getTime() - (DEFAULT_PERIOD_DAYS - 1) * 86400_000), timeZone), to: today };
  const kecamatan = text(query.kecamatan, 20);
  const base = {
    kecamatan: kecamatan && KECAMATAN.test(kecamatan) ? kecamatan : undefined,
    ongoing: query.ongoing === '1' || query.ongoing === 'true',
    page: pageOf(query.page),
  };
  const from = text(query.from, 10) ?? defaults.from;
  const to = text(query.to, 10) ?? defaults.to;
  const fromAt = dayStart(from, timeZone);
  const toAt = dayStart(to, timeZone);
  if (!fromAt || !toAt) return { filter: { ...base, ...defaults }, problem: 'incidents.problem.badDate' };
  if (fromAt > toAt) return { filter: { ...base, ...defaults }, problem: 'incidents.problem.reversed' };
  if ((toAt.getTime() - fromAt.getTime()) / 86400_000 >= MAX_PERIOD_DAYS) return { filter: { ...base, ...defaults }, problem: 'incidents.problem.tooLong' };
  return { filter: { ...base, from, to } };
}

function filterParams(filter: IncidentFilter): Record<string, string> {
  const params: Record<string, string> = { from: filter.from, to: filter.to };
  if (filter.kecamatan) params.kecamatan = filter.kecamatan;
  if (filter.ongoing) params.ongoing = '1';
  return params;
}

const hrefWith = (path: string, params: Record<string, string>) => {
  const query = new URLSearchParams(params).toString();
  return query ? `${path}?${query}` : path;
};

// ---- the incidents listing (page and API) ----

export interface OutageView {
  changeId: number;
  site: { code: string; name: string };
  kelurahan: AreaRef | null;
  kecamatan: AreaRef | null;
  startedAt: Date;
  endedAt: Date | null;
  ongoing: boolean;
  durationSeconds: number;
  maintenanceSeconds: number;
  reason: string;
}

export type IncidentView =
  | { type: 'outage'; outage: OutageView }
  | {
      type: 'area';
      area: AreaRef & { level: 'kelurahan' | 'kecamatan' };
      alertId: number | null;
      count: number;
      startedAt: Date;
      /** the last of them back; null while any is still down */
      endedAt: Date | null;
      stillDown: number;
      outages: OutageView[];
    };

export interface IncidentListing {
  filter: IncidentFilter;
  period: { from: Date; to: Date };
  now: Date;
  outageCount: number;
  truncated: boolean;
  total: number;
  page: number;
  pages: number;
  rows: IncidentView[];
}

function toView(o: OutageRecord, now: Date, windows: Map<number, Array<{ from: Date; to: Date }>>): OutageView {
  const times = outageTimes(o.startedAt, o.endedAt, now, windows.get(o.siteId) ?? []);
  return {
    changeId: o.changeId,
    site: { code: o.siteCode, name: o.siteName },
    kelurahan: o.kelurahan,
    kecamatan: o.kecamatan,
    startedAt: o.startedAt,
    endedAt: o.endedAt,
    ongoing: times.ongoing,
    durationSeconds: Math.round(times.durationSeconds),
    maintenanceSeconds: Math.round(times.maintenanceSeconds),
    reason: o.reason,
  };
}

/** The outages of the filter's period, grouped by area where they happened together, one page of rows. */
export async function loadIncidents(req: Request, filter: IncidentFilter): Promise<IncidentListing> {
  const { deps } = kitOf(req);
  const tz = deps.config.timezone;
  const now = deps.clock();
  const period = { from: dayStart(filter.from, tz)!, to: startOfNextLocalDay(dayStart(filter.to, tz)!, tz) };
  const records = await findOutages(deps.db, { ...period, kecamatan: filter.kecamatan, ongoingOnly: filter.ongoing, limit: MAX_OUTAGES });
  const rules = { minSites: deps.config.controller.alertAreaMinSites, windowMinutes: deps.config.controller.alertAreaWindowMinutes };
  const grouped = groupOutages(records, rules);
  const pages = Math.max(1, Math.ceil(grouped.length / INCIDENTS_PAGE_SIZE));
  const page = Math.min(filter.page, pages);
  const slice = grouped.slice((page - 1) * INCIDENTS_PAGE_SIZE, page * INCIDENTS_PAGE_SIZE);
  const shown = slice.flatMap((r) => (r.type === 'outage' ? [r.outage] : r.outages));
  const earliest = shown.reduce((min, o) => (o.startedAt < min ? o.startedAt : min), now);
  const windows = await findMaintenanceBySite(deps.db, shown.map((o) => o.siteId), earliest, now > period.to ? now : period.to);
  const rows: IncidentView[] = slice.map((r) => {
    if (r.type === 'outage') return { type: 'outage', outage: toView(r.outage, now, windows) };
    const outages = r.outages.map((o) => toView(o, now, windows));
    const stillDown = outages.filter((o) => o.ongoing).length;
    const lastEnd = stillDown > 0 ? null : outages.reduce<Date | null>((max, o) => (max === null || o.endedAt! > max ? o.endedAt : max), null);
    return { type: 'area', area: r.area, alertId: r.alertId, count: outages.length, startedAt: r.startedAt, endedAt: lastEnd, stillDown, outages };
  });
  return { filter: { ...filter, page }, period, now, outageCount: records.length, truncated: records.length >= MAX_OUTAGES, total: grouped.length, page, pages, rows };
}

function outageJson(o: OutageView) {
  return {
    change_id: o.changeId,
    site: o.site,
    kelurahan: o.kelurahan,
    kecamatan: o.kecamatan,
    started_at: o.startedAt.toISOString(),
    ended_at: o.endedAt ? o.endedAt.toISOString() : null,
    ongoing: o.ongoing,
    duration_seconds: o.durationSeconds,
    maintenance_seconds: o.maintenanceSeconds,
    reason: o.reason,
  };
}

/** The listing as the API gives it (snake_case, ISO times). */
export function incidentsJson(listing: IncidentListing) {
  return {
    at: listing.now.toISOString(),
    period: { from: listing.filter.from, to: listing.filter.to, from_at: listing.period.from.toISOString(), to_at: listing.period.to.toISOString() },
    filter: { kecamatan: listing.filter.kecamatan ?? null, ongoing: listing.filter.ongoing },
    outages: listing.outageCount,
    truncated: listing.truncated,
    total: listing.total,
    page: listing.page,
    pages: listing.pages,
    page_size: INCIDENTS_PAGE_SIZE,
    items: listing.rows.map((r) =>
      r.type === 'outage'
        ? { type: 'outage' as const, ...outageJson(r.outage) }
        : {
            type: 'area' as const,
            area: r.area,
            alert_id: r.alertId,
            count: r.count,
            started_at: r.startedAt.toISOString(),
            ended_at: r.endedAt ? r.endedAt.toISOString() : null,
            still_down: r.stillDown,
            outages: r.outages.map(outageJson),
          },
    ),
  };
}

/** "2 j 5 mnt": days, hours and minutes; seconds under a minute. */
export function formatDuration(seconds: number, t: Translate): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t('incidents.duration.seconds', { n: s });
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const parts: string[] = [];
  if (days) parts.push(t('incidents.duration.days', { n: days }));
  if (hours) parts.push(t('incidents.duration.hours', { n: hours }));
  if (minutes || parts.length === 0) parts.push(t('incidents.duration.minutes', { n: minutes }));
  return parts.join(' ');
}

/** GET /incidents: outages of a period with start, end and duration, grouped by area when they happened together. */
async function showIncidents(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const { filter, problem } = incidentFilterOf(req.query, deps.clock(), deps.config.timezone);
  const [listing, kecamatan] = await Promise.all([loadIncidents(req, filter), listKecamatan(deps.db)]);
  const params = filterParams(listing.filter);
  const t = res.locals.t as Translate;
  renderPage(
    res,
    'incidents',
    {
      listing,
      kecamatan,
      problem: problem ? t(problem, { days: MAX_PERIOD_DAYS }) : undefined,
      duration: (seconds: number) => formatDuration(seconds, t),
      pageHref: (p: number) => hrefWith('/incidents', { ...params, ...(p > 1 ? { page: String(p) } : {}) }),
      apiHref: hrefWith('/api/incidents', { ...params, ...(listing.page > 1 ? { page: String(listing.page) } : {}) }),
      maxOutages: MAX_OUTAGES,
    },
    problem ? 400 : 200,
  );
}

/** GET /api/incidents: the same listing as JSON, with the same filters; 400 for a period that cannot be read. */
async function apiIncidents(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const { filter, problem } = incidentFilterOf(req.query, deps.clock(), deps.config.timezone);
  if (problem) {
    const messages: Record<string, string> = {
      'incidents.problem.badDate': 'from and to must be dates as YYYY-MM-DD',
      'incidents.problem.reversed': 'from must not be after to',
      'incidents.problem.tooLong': `the period is at most ${MAX_PERIOD_DAYS} days`,
    };
    return sendApiError(res, 400, 'bad-period', messages[problem] ?? 'the period cannot be read');
  }
  const listing = await loadIncidents(req, filter);
  res.set('Cache-Control', 'no-store');
  res.json(incidentsJson(listing));
}

// ---- the problem-report queue ----

const STATUS_CHOICES = ['queue', 'open', 'acknowledged', 'resolved', 'all'] as const;
type StatusChoice = (typeof STATUS_CHOICES)[number];

const STATUSES_OF: Record<StatusChoice, readonly ProblemStatus[]> = {
  queue: ['open', 'acknowledged'],
  open: ['open'],
  acknowledged: ['acknowledged'],
  resolved: ['resolved'],
  all: PROBLEM_STATUSES,
};

interface ReportFilter {
  status: StatusChoice;
  kind?: ProblemKind;
  kecamatan?: string;
  page: number;
}

function reportFilterOf(query: Request['query']): ReportFilter {
  const status = text(query.status, 20);
  const kind = text(query.kind, 20);
  const kecamatan = text(query.kecamatan, 20);
  return {
    status: status && (STATUS_CHOICES as readonly string[]).includes(status) ? (status as StatusChoice) : 'queue',
    kind: kind && (PROBLEM_KINDS as readonly string[]).includes(kind) ? (kind as ProblemKind) : undefined,
    kecamatan: kecamatan && KECAMATAN.test(kecamatan) ? kecamatan : undefined,
    page: pageOf(query.page),
  };
}

function reportParams(filter: ReportFilter): Record<string, string> {
  const params: Record<string, string> = {};
  if (filter.status !== 'queue') params.status = filter.status;
  if (filter.kind) params.kind = filter.kind;
  if (filter.kecamatan) params.kecamatan = filter.kecamatan;
  return params;
}

/** GET /incidents/reports: citizens' problem reports, open first, then acknowledged; engineers act on them here. */
async function showProblemReports(req: Request, res: Response, extra: { status?: number; messageKey?: string } = {}): Promise<void> {
  const { deps } = kitOf(req);
  const filter = reportFilterOf(req.query);
  const narrow = { kind: filter.kind, kecamatan: filter.kecamatan };
  const [counts, kecamatan, first] = await Promise.all([
    countProblemReportsByStatus(deps.db, narrow),
    listKecamatan(deps.db),
    listProblemReports(deps.db, { statuses: STATUSES_OF[filter.status], ...narrow }, { offset: (filter.page - 1) * REPORTS_PAGE_SIZE, limit: REPORTS_PAGE_SIZE }),
  ]);
  const pages = Math.max(1, Math.ceil(first.total / REPORTS_PAGE_SIZE));
  let page = filter.page;
  let listed = first;
  if (page > pages) {
    page = pages;
    listed = await listProblemReports(deps.db, { statuses: STATUSES_OF[filter.status], ...narrow }, { offset: (page - 1) * REPORTS_PAGE_SIZE, limit: REPORTS_PAGE_SIZE });
  }
  const t = res.locals.t as Translate;
  const done = text(req.query.done, 20);
  const params = reportParams(filter);
  const back = hrefWith('/incidents/reports', { ...params, ...(page > 1 ? { page: String(page) } : {}) });
  renderPage(
    res,
    'problem-reports',
    {
      filter,
      counts,
      kecamatan,
      kinds: PROBLEM_KINDS,
      statusChoices: STATUS_CHOICES,
      rows: listed.rows,
      total: listed.total,
      page,
      pages,
      back,
      message: extra.messageKey ? t(extra.messageKey) : done === 'acknowledged' || done === 'resolved' ? t(`incidents.reports.done.${done}`) : undefined,
      statusHref: (s: StatusChoice) => hrefWith('/incidents/reports', { ...params, status: s }),
      pageHref: (p: number) => hrefWith('/incidents/reports', { ...params, ...(p > 1 ? { page: String(p) } : {}) }),
      noteMax: NOTE_MAX,
    },
    extra.status ?? 200,
  );
}

/** A note from the form: trimmed, control characters out, at most NOTE_MAX characters; null when empty. */
function noteOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim();
  return clean === '' ? null : clean.slice(0, NOTE_MAX);
}

/** Only a path of the queue itself, so a form never sends anyone elsewhere. */
function backOf(value: unknown): string {
  return typeof value === 'string' && /^\/incidents\/reports(\?[A-Za-z0-9=&._%-]*)?$/.test(value) ? value : '/incidents/reports';
}

/** POST /incidents/reports/:id/acknowledge and …/resolve: moves one report, audited, then back to the queue. */
function moveReport(action: ProblemAction) {
  return async (req: Request, res: Response): Promise<void> => {
    const { deps } = kitOf(req);
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) return renderProblem(res, 404, 'problem.notFound');
    const note = noteOf(req.body?.note);
    const actor = principalOf(res)!.actor;
    const move = await auditedChange(req, res, async (tx) => {
      const result = await moveProblemReport(tx, id, action, { actor, at: deps.clock(), note });
      return {
        result,
        audit:
          result.outcome === 'moved'
            ? { action: `problem-report-${action}`, target: `problem-report:${id}`, details: { site: result.siteCode, from: result.from, to: result.to, ...(note ? { note } : {}) } }
            : null,
      };
    });
    if (move.outcome === 'not-found') return renderProblem(res, 404, 'problem.notFound');
    if (move.outcome === 'refused') return renderProblem(res, 409, `incidents.reports.refused.${action}`, { status: (res.locals.t as Translate)(`incidents.reports.status.${move.status}`) });
    const back = backOf(req.body?.back);
    res.redirect(303, `${back}${back.includes('?') ? '&' : '?'}done=${action === 'acknowledge' ? 'acknowledged' : 'resolved'}`);
  };
}

export function incidentRoutes(): RouteSpec[] {
  return [
    { method: 'get', path: '/incidents', access: 'view-figures', handler: showIncidents },
    { method: 'get', path: '/incidents/reports', access: 'view-figures', handler: (req, res) => showProblemReports(req, res) },
    { method: 'post', path: '/incidents/reports/:id/acknowledge', access: 'operate', handler: moveReport('acknowledge') },
    { method: 'post', path: '/incidents/reports/:id/resolve', access: 'operate', handler: moveReport('resolve') },
    { method: 'get', path: '/api/incidents', access: 'view-figures', handler: apiIncidents },
  ];
}
