import type { Request, Response } from 'express';
import { listCoverageTargets, listReportAreas, sumReportByArea, sumUsageByAreaAndBucket } from '../../core/db/queries/reports.js';
import { localDate } from '../../core/domain/local-time.js';
import { FIGURE_COLUMNS } from '../../core/domain/report-columns.js';
import { buildCityReport, round, type AreaFigures, type CityReport } from '../../core/domain/report-figures.js';
import { openDataMetadata } from '../../core/domain/report-open-data.js';
import { countingDay, currentMonthPeriod, FIRST_REPORT_YEAR, parseReportPeriod, type PeriodProblem, type ReportPeriod } from '../../core/domain/report-period.js';
import { uptimeShare } from '../../core/domain/uptime.js';
import type { Lang, Translate } from '../../core/web/i18n.js';
import { openDataCsv, openDataMetadataCsv } from '../exports/open-data.js';
import { reportCsv } from '../exports/report-csv.js';
import { reportXlsx } from '../exports/report-xlsx.js';
import type { DashboardDeps } from '../deps.js';
import { kitOf } from '../kit.js';
import { renderPage, renderProblem, sendApiError } from '../render.js';
import type { RouteSpec } from './route-spec.js';

/**
 * The city's reports (issue 5 §2 "Reports", §3): for a month (?period=2026-11) or a year
 * (?period=2026), per kecamatan and kelurahan and for the city: the page, a printable page, CSV,
 * XLSX, the open-data CSV with its metadata, and the same figures as JSON under /api. No period means
 * the current month. Definitions of every figure: core/domain/report-figures.ts and README.md.
 */

const API_PERIOD_MESSAGES: Record<PeriodProblem, string> = {
  format: 'period must be a month as YYYY-MM (e.g. 2026-11) or a year as YYYY (e.g. 2026)',
  month: 'the month of period must be 01 to 12',
  range: `period must be ${FIRST_REPORT_YEAR} or later`,
  future: 'period has not begun yet',
};

type PeriodOutcome = { ok: true; period: ReportPeriod } | { ok: false; problem: PeriodProblem; value: string };

function periodOf(req: Request): PeriodOutcome {
  const { deps } = kitOf(req);
  const asked = req.query.period;
  if (asked === undefined || asked === '') return { ok: true, period: currentMonthPeriod(deps.clock(), deps.config.timezone) };
  if (typeof asked !== 'string') return { ok: false, problem: 'format', value: '' };
  const parsed = parseReportPeriod(asked, deps.clock(), deps.config.timezone);
  return parsed.ok ? parsed : { ok: false, problem: parsed.problem, value: asked.slice(0, 20) };
}

/** The period of a page or download request, or a 400 page in the user's language (false). */
function pagePeriod(req: Request, res: Response): ReportPeriod | false {
  const outcome = periodOf(req);
  if (outcome.ok) return outcome.period;
  renderProblem(res, 400, `reports.badPeriod.${outcome.problem}`, { value: outcome.value, first: FIRST_REPORT_YEAR });
  return false;
}

function apiPeriod(req: Request, res: Response): ReportPeriod | false {
  const outcome = periodOf(req);
  if (outcome.ok) return outcome.period;
  sendApiError(res, 400, 'bad-period', API_PERIOD_MESSAGES[outcome.problem]);
  return false;
}

/** The report's figures from the database: three small statements, run together. */
export async function loadCityReport(deps: DashboardDeps, period: ReportPeriod, cityName: string): Promise<{ report: CityReport; countingDay: string }> {
  const day = countingDay(period, deps.clock(), deps.config.timezone);
  const [areas, sums, targets] = await Promise.all([
    listReportAreas(deps.db),
    sumReportByArea(deps.db, { fromDay: period.fromDay, toDay: period.toDay, countingDay: day, timezone: deps.config.timezone }),
    listCoverageTargets(deps.db, period.year),
  ]);
  return { report: buildCityReport({ areas, sums, targets, cityName }), countingDay: day };
}

/** "November 2026" / "Tahun 2026" in the reader's language. */
function periodName(period: ReportPeriod, lang: Lang, t: Translate): string {
  if (period.month === null) return t('reports.yearName', { year: period.year });
  const month = new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(period.year, period.month - 1, 15)));
  return `${month} ${period.year}`;
}

/** Everything a page or a file needs to say about when and what. */
function aboutReport(req: Request, res: Response, period: ReportPeriod) {
  const { deps } = kitOf(req);
  const t = res.locals.t as Translate;
  const lang = res.locals.lang as Lang;
  const now = deps.clock();
  const formatTime = res.locals.formatTime as (at: Date) => string;
  return {
    t,
    lang,
    now,
    name: periodName(period, lang, t),
    generatedAt: `${formatTime(now)} (${deps.config.timezone})`,
    today: localDate(now, deps.config.timezone),
  };
}

function numberFormatter(lang: Lang): (value: number | null) => string {
  const whole = new Intl.NumberFormat(lang === 'id' ? 'id-ID' : 'en-GB', { maximumFractionDigits: 2 });
  return (value) => (value === null ? '–' : whole.format(value));
}

function downloadName(kind: string, period: ReportPeriod, ext: string): string {
  return `citywifi-${kind}-${period.text}.${ext}`;
}

interface RequestedReport {
  period: ReportPeriod;
  about: ReturnType<typeof aboutReport>;
  report: CityReport;
  countingDay: string;
}

/**
 * The period a page or download asks for, with its report in the user's language; false when the
 * period is refused (the page saying so is sent).
 */
async function requestedReport(req: Request, res: Response): Promise<RequestedReport | false> {
  const period = pagePeriod(req, res);
  if (!period) return false;
  const about = aboutReport(req, res, period);
  const { report, countingDay } = await loadCityReport(kitOf(req).deps, period, about.t('reports.cityTotal'));
  return { period, about, report, countingDay };
}

/** What the report page and its print page both show. */
function reportView({ period, about, report, countingDay }: RequestedReport) {
  return { period, periodName: about.name, countingDay, generatedAt: about.generatedAt, report, columns: FIGURE_COLUMNS, fmt: numberFormatter(about.lang) };
}

function sendDownload(res: Response, body: string | Buffer, type: string, filename: string): void {
  res.set({ 'Content-Type': type, 'Content-Disposition': `attachment; filename="${filename}"`, 'Cache-Control': 'no-store' });
  res.status(200).send(body);
}

/** GET /reports: the report on screen, with the choice of period and the downloads. */
async function showReport(req: Request, res: Response): Promise<void> {
  const asked = await requestedReport(req, res);
  if (!asked) return;
  const { period, about } = asked;
  const query = `?period=${encodeURIComponent(period.text)}`;
  renderPage(res, 'reports', {
    ...reportView(asked),
    monthValue: period.month === null ? `${period.year}-01` : period.text,
    yearValue: period.year,
    maxMonth: about.today.slice(0, 7),
    maxYear: Number(about.today.slice(0, 4)),
    firstYear: FIRST_REPORT_YEAR,
    links: {
      print: `/reports/print${query}`,
      csv: `/reports/export.csv${query}`,
      xlsx: `/reports/export.xlsx${query}`,
      openData: `/reports/open-data.csv${query}`,
      openDataMeta: `/reports/open-data-metadata.json${query}`,
      openDataMetaCsv: `/reports/open-data-metadata.csv${query}`,
    },
  });
}

/** GET /reports/print: the same report as a page of its own for printing (A4, print.css), without navigation. */
async function printReport(req: Request, res: Response): Promise<void> {
  const asked = await requestedReport(req, res);
  if (asked) renderPage(res, 'report-print', reportView(asked));
}

async function exportCsv(req: Request, res: Response): Promise<void> {
  const asked = await requestedReport(req, res);
  if (!asked) return;
  const { period, about, report } = asked;
  sendDownload(res, reportCsv(report, about.t), 'text/csv; charset=utf-8', downloadName('laporan', period, 'csv'));
}

async function exportXlsx(req: Request, res: Response): Promise<void> {
  const asked = await requestedReport(req, res);
  if (!asked) return;
  const { period, about, report } = asked;
  const body = await reportXlsx(report, { period, periodName: about.name, generatedAt: about.generatedAt, t: about.t });
  sendDownload(res, body, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', downloadName('laporan', period, 'xlsx'));
}

async function exportOpenData(req: Request, res: Response): Promise<void> {
  const asked = await requestedReport(req, res);
  if (!asked) return;
  const { period, report } = asked;
  sendDownload(res, openDataCsv(report, period), 'text/csv; charset=utf-8', downloadName('wifi-publik-kelurahan', period, 'csv'));
}

function exportOpenDataMetadata(format: 'json' | 'csv') {
  return (req: Request, res: Response): void => {
    const period = pagePeriod(req, res);
    if (!period) return;
    const { today } = aboutReport(req, res, period);
    const name = downloadName('wifi-publik-kelurahan-metadata', period, format);
    if (format === 'json') sendDownload(res, `${JSON.stringify(openDataMetadata(period, today), null, 2)}\n`, 'application/json; charset=utf-8', name);
    else sendDownload(res, openDataMetadataCsv(period, today), 'text/csv; charset=utf-8', name);
  };
}

/** An area's figures for JSON: the rounded figures and the exact sums they come from. */
function figuresJson(f: AreaFigures) {
  const s = f.sums;
  return {
    level: f.level,
    code: f.code || null,
    name: f.name,
    kecamatanCode: f.parentCode,
    installed: f.installed,
    commissioned: f.commissioned,
    active: f.active,
    target: f.target,
    uptimePercent: f.uptimePercent,
    seconds: { up: s.up, degraded: s.degraded, down: s.down, maintenance: s.maintenance, unknown: s.unknown },
    maintenanceHours: f.maintenanceHours,
    users: f.users,
    sessions: f.sessions,
    hours: f.hours,
    sessionSeconds: s.sessionSeconds,
    gigabytes: f.gigabytes,
    bytes: s.bytes,
    averageRating: f.averageRating,
    satisfiedPercent: f.satisfiedPercent,
    ratings: f.ratings,
    problemReports: f.problemReports,
  };
}

function periodJson(period: ReportPeriod, day: string) {
  return { text: period.text, kind: period.kind, year: period.year, month: period.month, fromDay: period.fromDay, toDay: period.toDay, countingDay: day };
}

/** GET /api/reports?period=: the whole report as JSON. */
async function apiReport(req: Request, res: Response): Promise<void> {
  const period = apiPeriod(req, res);
  if (!period) return;
  const { deps } = kitOf(req);
  const { report, countingDay: day } = await loadCityReport(deps, period, 'city');
  res.set('Cache-Control', 'no-store');
  res.json({
    period: periodJson(period, day),
    generatedAt: deps.clock().toISOString(),
    city: figuresJson(report.city),
    kecamatan: report.kecamatan.map((k) => ({ ...figuresJson(k.figures), kelurahan: k.kelurahan.map(figuresJson) })),
  });
}

/** GET /api/coverage?period=: installed, commissioned, active and target sites per kelurahan, and the city's. */
async function apiCoverage(req: Request, res: Response): Promise<void> {
  const period = apiPeriod(req, res);
  if (!period) return;
  const { deps } = kitOf(req);
  const { report, countingDay: day } = await loadCityReport(deps, period, 'city');
  const coverage = (f: AreaFigures) => ({ installed: f.installed, commissioned: f.commissioned, active: f.active, target: f.target });
  res.set('Cache-Control', 'no-store');
  res.json({
    period: periodJson(period, day),
    city: coverage(report.city),
    kelurahan: report.kecamatan.flatMap((k) =>
      k.kelurahan.map((l) => ({ kecamatanCode: k.figures.code, kecamatanName: k.figures.name, code: l.code, name: l.name, ...coverage(l) })),
    ),
  });
}

const USAGE_LEVELS = ['kelurahan', 'kecamatan', 'city'] as const;

/**
 * GET /api/usage?period=&by=day|month&level=kelurahan|kecamatan|city: users, sessions, hours, data and
 * uptime per area and per day (default for a month) or month (default for a year), from rollups_daily.
 * Sites with no area count only at level=city.
 */
async function apiUsage(req: Request, res: Response): Promise<void> {
  const period = apiPeriod(req, res);
  if (!period) return;
  const by = req.query.by ?? (period.kind === 'month' ? 'day' : 'month');
  if (by !== 'day' && by !== 'month') return sendApiError(res, 400, 'bad-by', 'by must be day or month');
  const level = req.query.level ?? 'kelurahan';
  if (!(USAGE_LEVELS as readonly unknown[]).includes(level)) return sendApiError(res, 400, 'bad-level', 'level must be kelurahan, kecamatan or city');
  const { deps } = kitOf(req);
  const [areas, rows] = await Promise.all([listReportAreas(deps.db), sumUsageByAreaAndBucket(deps.db, period, by)]);
  const areaOf = new Map(areas.map((a) => [a.code, a]));
  const keyOf = (code: string | null): string | null | undefined => {
    if (level === 'city') return '';
    if (code === null) return undefined;
    const area = areaOf.get(code);
    if (!area) return undefined;
    if (level === 'kelurahan') return area.level === 'kelurahan' ? area.code : undefined;
    return area.level === 'kecamatan' ? area.code : area.parentCode;
  };
  type Acc = { bucket: string; areaCode: string | null; users: number; sessions: number; sessionSeconds: number; bytes: number; up: number; degraded: number; down: number; maintenance: number };
  const merged = new Map<string, Acc>();
  for (const r of rows) {
    const key = keyOf(r.areaCode);
    if (key === undefined || key === null) continue;
    const id = `${r.bucket}|${key}`;
    const acc = merged.get(id) ?? { bucket: r.bucket, areaCode: key || null, users: 0, sessions: 0, sessionSeconds: 0, bytes: 0, up: 0, degraded: 0, down: 0, maintenance: 0 };
    for (const k of ['users', 'sessions', 'sessionSeconds', 'bytes', 'up', 'degraded', 'down', 'maintenance'] as const) acc[k] += r[k];
    merged.set(id, acc);
  }
  const series = [...merged.values()].map((a) => {
    const share = uptimeShare({ up: a.up, degraded: a.degraded, down: a.down });
    return {
      [by]: a.bucket,
      areaCode: a.areaCode,
      areaName: a.areaCode ? (areaOf.get(a.areaCode)?.name ?? null) : null,
      users: a.users,
      sessions: a.sessions,
      hours: round(a.sessionSeconds / 3600, 1),
      sessionSeconds: a.sessionSeconds,
      gigabytes: round(a.bytes / 1e9, 2),
      bytes: a.bytes,
      uptimePercent: share === null ? null : round(share * 100, 2),
    };
  });
  res.set('Cache-Control', 'no-store');
  res.json({ period: { text: period.text, kind: period.kind, fromDay: period.fromDay, toDay: period.toDay }, by, level, rows: series });
}

export function reportRoutes(): RouteSpec[] {
  return [
    { method: 'get', path: '/reports', access: 'view-figures', handler: showReport },
    { method: 'get', path: '/reports/print', access: 'view-figures', handler: printReport },
    { method: 'get', path: '/reports/export.csv', access: 'export', handler: exportCsv },
    { method: 'get', path: '/reports/export.xlsx', access: 'export', handler: exportXlsx },
    { method: 'get', path: '/reports/open-data.csv', access: 'export', handler: exportOpenData },
    { method: 'get', path: '/reports/open-data-metadata.json', access: 'export', handler: exportOpenDataMetadata('json') },
    { method: 'get', path: '/reports/open-data-metadata.csv', access: 'export', handler: exportOpenDataMetadata('csv') },
    { method: 'get', path: '/api/reports', access: 'view-figures', handler: apiReport },
    { method: 'get', path: '/api/coverage', access: 'view-figures', handler: apiCoverage },
    { method: 'get', path: '/api/usage', access: 'view-figures', handler: apiUsage },
  ];
}
