import type { Request, Response } from 'express';
import {
  addSiteWindow,
  findFeedbackSummary,
  findProblemReports,
  findSiteByCode,
  findStateHistory,
  listRecentSessions,
  listSampleBuckets,
  listSiteHours,
  listSiteWindows,
  sumSiteDays,
  sumSiteHours,
  type SitePageHead,
} from '../../core/db/queries/dashboard-site.js';
import { localDate } from '../../core/domain/local-time.js';
import { checkMaintenanceWindow, toLocalInputValue } from '../../core/domain/maintenance-window.js';
import { buildTimeline, uptimeShare } from '../../core/domain/uptime.js';
import type { Lang, Translate } from '../../core/web/i18n.js';
import { auditedChange } from '../audit.js';
import type { DashboardDeps } from '../deps.js';
import { addDays, formatsFor } from '../format.js';
import { kitOf } from '../kit.js';
import { principalOf } from '../principal.js';
import { renderPage, renderProblem } from '../render.js';
import { jsonForPage, type ChartSpec } from './overview.js';
import type { RouteSpec } from './route-spec.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const TIMELINE_DAYS = 30;
/** Raw samples for the last 24 hours (one heap page per sample: enough), averaged over 5 minutes; hourly rollups for the 30 days. */
const RECENT_HOURS = 24;
const SAMPLE_BUCKET_SECONDS = 300;
const SESSIONS_SHOWN = 20;
const SESSIONS_SINCE_DAYS = 7;
const REPORTS_SHOWN = 10;
const REPORTS_SINCE_DAYS = 90;
const FEEDBACK_DAYS = 30;
const WINDOWS_SHOWN = 20;
/** The timeline is drawn in an SVG 1000 units wide (scaled to the page: no inline style is allowed). */
const TIMELINE_WIDTH = 1000;

const mbitPerSecond = (bytesPerSecond: number | null) => (bytesPerSecond === null ? null : Math.round((bytesPerSecond * 8) / 10_000) / 100);

/** Everything the page of one site shows, read in parallel; each read bounded by the site and a time range. */
async function loadSite(deps: DashboardDeps, site: SitePageHead) {
  const now = deps.clock();
  const tz = deps.config.timezone;
  const today = localDate(now, tz);
  const hourNow = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const from30 = new Date(now.getTime() - TIMELINE_DAYS * DAY_MS);
  const [history, h24, d7, d30, samples, hours, sessions, problems, feedback, windows] = await Promise.all([
    findStateHistory(deps.db, site, { from: from30, to: now }),
    sumSiteHours(deps.db, site.id, { from: new Date(hourNow - 23 * HOUR_MS), to: new Date(hourNow + HOUR_MS) }),
    sumSiteDays(deps.db, site.id, { fromDay: addDays(today, -6), toDay: addDays(today, 1) }),
    sumSiteDays(deps.db, site.id, { fromDay: addDays(today, -29), toDay: addDays(today, 1) }),
    listSampleBuckets(deps.db, site.id, { from: new Date(now.getTime() - RECENT_HOURS * HOUR_MS), to: now }, SAMPLE_BUCKET_SECONDS),
    listSiteHours(deps.db, site.id, { from: new Date(hourNow - TIMELINE_DAYS * DAY_MS), to: new Date(hourNow + HOUR_MS) }),
    listRecentSessions(deps.db, site.id, new Date(now.getTime() - SESSIONS_SINCE_DAYS * DAY_MS), SESSIONS_SHOWN),
    findProblemReports(deps.db, site.id, new Date(now.getTime() - REPORTS_SINCE_DAYS * DAY_MS), REPORTS_SHOWN),
    findFeedbackSummary(deps.db, site.id, new Date(now.getTime() - FEEDBACK_DAYS * DAY_MS)),
    listSiteWindows(deps.db, site, from30, WINDOWS_SHOWN),
  ]);
  const segments = buildTimeline(history.changes, from30, now, history.stateAtFrom);
  return { now, from30, history, segments, uptime: { h24: uptimeShare(h24), d7: uptimeShare(d7), d30: uptimeShare(d30) }, samples, hours, sessions, problems, feedback, windows };
}

type SiteFacts = Awaited<ReturnType<typeof loadSite>>;

function chartsOf(facts: SiteFacts, f: ReturnType<typeof formatsFor>, t: Translate, tz: string): Record<string, ChartSpec> {
  const recentLabels = facts.samples.map((s) => f.hour(s.at));
  const dayLabels = facts.hours.map((h) => `${f.day(localDate(h.hour, tz))} ${f.hour(h.hour)}`);
  return {
    cpu: { type: 'line', unit: 'percent', labels: recentLabels, datasets: [{ label: t('site.chart.cpu'), data: facts.samples.map((s) => s.cpu), color: '#c77700' }] },
    users: { type: 'line', unit: 'count', labels: recentLabels, datasets: [{ label: t('site.chart.users'), data: facts.samples.map((s) => s.users), color: '#0b4f9c' }] },
    traffic: {
      type: 'line',
      unit: 'count',
      labels: recentLabels,
      datasets: [
        { label: t('site.chart.rx'), data: facts.samples.map((s) => mbitPerSecond(s.rxRate)), color: '#1b7f3b' },
        { label: t('site.chart.tx'), data: facts.samples.map((s) => mbitPerSecond(s.txRate)), color: '#5b3fa3' },
      ],
    },
    month: {
      type: 'line',
      unit: 'count',
      labels: dayLabels,
      datasets: [
        { label: t('site.chart.monthUsers'), data: facts.hours.map((h) => Math.round(h.avgUsers * 10) / 10), color: '#0b4f9c' },
        { label: t('site.chart.monthTraffic'), data: facts.hours.map((h) => mbitPerSecond((h.routerRxBytes + h.routerTxBytes) / 3600)), color: '#1b7f3b', axis: 'y2' },
      ],
    },
  };
}

interface WindowForm {
  starts: string;
  ends: string;
  reason: string;
}

/** The page of one site, with the maintenance form's values and an error or a note when given. */
async function renderSite(req: Request, res: Response, site: SitePageHead, extra: { form?: WindowForm; error?: string; status?: number } = {}): Promise<void> {
  const { deps } = kitOf(req);
  const lang = res.locals.lang as Lang;
  const t = res.locals.t as Translate;
  const tz = deps.config.timezone;
  const f = formatsFor(lang, tz);
  const facts = await loadSite(deps, site);
  const span = facts.now.getTime() - facts.from30.getTime();
  const x = (at: Date) => Math.max(0, Math.min(TIMELINE_WIDTH, ((at.getTime() - facts.from30.getTime()) / span) * TIMELINE_WIDTH));
  const timeline = facts.segments.map((s) => ({
    x: x(s.from).toFixed(2),
    width: Math.max(0.5, x(s.to) - x(s.from)).toFixed(2),
    state: s.state,
    title: `${t('overview.state.' + s.state)}: ${f.time(s.from)} – ${f.time(s.to)}`,
  }));
  const windowBars = facts.windows
    .filter((w) => w.endsAt > facts.from30 && w.startsAt < facts.now)
    .map((w) => ({ x: x(w.startsAt).toFixed(2), width: Math.max(0.5, x(w.endsAt) - x(w.startsAt)).toFixed(2), title: `${w.reason}: ${f.time(w.startsAt)} – ${f.time(w.endsAt)}` }));
  const charts = chartsOf(facts, f, t, tz);
  const done = req.query.done === 'window' ? t('site.window.added') : undefined;
  const nextHour = new Date(Math.ceil(facts.now.getTime() / HOUR_MS) * HOUR_MS);
  renderPage(
    res,
    'site',
    {
      site,
      f,
      facts,
      timeline,
      windowBars,
      charts,
      json: jsonForPage({ charts }),
      timeZone: tz,
      uptime: { h24: f.percent(facts.uptime.h24), d7: f.percent(facts.uptime.d7), d30: f.percent(facts.uptime.d30) },
      recentChanges: facts.history.changes.slice(-10).reverse(),
      done,
      error: extra.error,
      form: extra.form ?? { starts: toLocalInputValue(nextHour, tz), ends: toLocalInputValue(new Date(nextHour.getTime() + 2 * HOUR_MS), tz), reason: '' },
      feedbackDays: FEEDBACK_DAYS,
      timelineDays: TIMELINE_DAYS,
      recentHours: RECENT_HOURS,
    },
    extra.status ?? 200,
  );
}

async function siteOf(req: Request, res: Response): Promise<SitePageHead | null> {
  const code = typeof req.params.code === 'string' ? req.params.code : '';
  const site = code.length > 0 && code.length <= 100 ? await findSiteByCode(kitOf(req).deps.db, code) : null;
  if (!site) renderProblem(res, 404, 'site.notFound', { code: code.slice(0, 100) });
  return site;
}

/** GET /sites/:code: the site's state timeline, uptime, charts, sessions, reports, feedback and maintenance windows. */
async function showSite(req: Request, res: Response): Promise<void> {
  const site = await siteOf(req, res);
  if (site) await renderSite(req, res, site);
}

/**
 * POST /sites/:code/maintenance: a maintenance window on this site (engineers and admins), times in
 * the city's zone. Bad input changes nothing and shows the page again with the reason, with 400.
 */
async function addWindow(req: Request, res: Response): Promise<void> {
  const site = await siteOf(req, res);
  if (!site) return;
  const { deps } = kitOf(req);
  const t = res.locals.t as Translate;
  const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 400) : '');
  const form: WindowForm = { starts: str(req.body?.starts), ends: str(req.body?.ends), reason: str(req.body?.reason) };
  const checked = checkMaintenanceWindow(form, deps.clock(), deps.config.timezone);
  if (!checked.ok) return renderSite(req, res, site, { form, error: t(`site.window.problem.${checked.problem}`), status: 400 });
  const actor = principalOf(res)!.actor;
  await auditedChange(req, res, async (tx) => {
    const id = await addSiteWindow(tx, { siteId: site.id, startsAt: checked.startsAt, endsAt: checked.endsAt, reason: checked.reason, createdBy: actor, now: deps.clock() });
    return {
      result: id,
      audit: { action: 'maintenance-add', target: site.code, details: { id, startsAt: checked.startsAt.toISOString(), endsAt: checked.endsAt.toISOString(), reason: checked.reason } },
    };
  });
  res.redirect(303, `/sites/${encodeURIComponent(site.code)}?done=window#maintenance`);
}

export function siteRoutes(): RouteSpec[] {
  return [
    { method: 'get', path: '/sites/:code', access: 'view-figures', handler: showSite },
    { method: 'post', path: '/sites/:code/maintenance', access: 'operate', handler: addWindow },
  ];
}
