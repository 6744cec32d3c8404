import type { Request, Response } from 'express';
import { countActiveUsersNow, findCoverage, findUsage, listFleetDays, listFleetHours, type Coverage, type FleetDay, type FleetHour, type Usage } from '../../core/db/queries/dashboard-overview.js';
import { countSitesByState, listDownSites, type DownSite, type StateCounts } from '../../core/db/queries/site-state-counts.js';
import { localDate, startOfLocalDay, startOfNextLocalDay, toLocalTime } from '../../core/domain/local-time.js';
import { addSeconds, NO_SECONDS, uptimeShare, type StateSeconds } from '../../core/domain/uptime.js';
import type { Lang, Translate } from '../../core/web/i18n.js';
import type { DashboardDeps } from '../deps.js';
import { addDays, formatsFor } from '../format.js';
import { kitOf } from '../kit.js';
import { renderPage } from '../render.js';
import type { RouteSpec } from './route-spec.js';

const DOWN_LIST_LIMIT = 50;
const HOUR_MS = 3_600_000;
/** The page fetches /api/overview this often (dashboard/public/overview.js reads it from the page). */
export const REFRESH_SECONDS = 30;

/**
 * The overview's facts, read in parallel (each one statement; see core/db/queries/dashboard-overview.ts):
 * - coverage: installed, commissioned and active sites against this year's target. Active = not
 *   decommissioned, and answered a poll (up or degraded) in the last 24 hours or had a session today;
 * - the network now (site_status), and the users on the routers now, always live;
 * - uptime over the last 24 hours (rollups_hourly), 7 and 30 days (rollups_daily, today so far
 *   included), maintenance and unknown time left out (core/domain/uptime.ts);
 * - users, sessions and data today, from the day's sessions;
 * - per hour for the last 24 hours, per day for the last 30; the sites down now, longest first.
 * Coverage, usage and the rollups come from a snapshot at most SNAPSHOT_SECONDS old (see heavyFacts).
 */
export interface OverviewFacts {
  at: Date;
  year: number;
  coverage: Coverage;
  counts: StateCounts;
  usersNow: number;
  today: Usage;
  hours: Array<{ hour: Date; row: FleetHour | null }>;
  days: Array<{ day: string; row: FleetDay | null }>;
  uptime: { h24: number | null; d7: number | null; d30: number | null };
  down: DownSite[];
}

/** The part of the overview that aggregates up to ~100,000 rows (today's sessions, 24 hours and 30 days of rollups). */
interface HeavyFacts {
  day: string;
  coverage: Coverage;
  usage: Usage;
  fleetHours: FleetHour[];
  fleetDays: FleetDay[];
}

/**
 * The heavy facts are shared by every request for SNAPSHOT_SECONDS (of the injected clock): at 5,000
 * sites a day's sessions are ~100,000 rows, and every open overview asks every 30 seconds. One read
 * at a time (requests arriving meanwhile wait for it); once a snapshot is older, the next request is
 * answered from it while a new one is read (for up to STALE_SECONDS, and never across midnight). The
 * network now (states, users online, the down list) is always read live: it is cheap, and it is what
 * an engineer watches.
 */
const SNAPSHOT_SECONDS = 20;
const STALE_SECONDS = 90;
const snapshots = new WeakMap<DashboardDeps, { current?: { at: number; facts: HeavyFacts }; pending?: Promise<HeavyFacts> }>();

async function readHeavyFacts(deps: DashboardDeps, at: Date): Promise<HeavyFacts> {
  const tz = deps.config.timezone;
  const day = localDate(at, tz);
  const dayStart = startOfLocalDay(at, tz);
  const hourNow = Math.floor(at.getTime() / HOUR_MS) * HOUR_MS;
  const [coverage, usage, fleetHours, fleetDays] = await Promise.all([
    findCoverage(deps.db, { day, year: toLocalTime(at, tz).year, answeredSince: new Date(at.getTime() - 24 * HOUR_MS), sessionsSince: dayStart }),
    findUsage(deps.db, { from: dayStart, to: startOfNextLocalDay(at, tz) }),
    listFleetHours(deps.db, { from: new Date(hourNow - 23 * HOUR_MS), to: new Date(hourNow + HOUR_MS) }),
    listFleetDays(deps.db, { fromDay: addDays(day, -29), toDay: addDays(day, 1) }),
  ]);
  return { day, coverage, usage, fleetHours, fleetDays };
}

async function heavyFacts(deps: DashboardDeps, at: Date): Promise<HeavyFacts> {
  let entry = snapshots.get(deps);
  if (!entry) snapshots.set(deps, (entry = {}));
  const state = entry;
  const now = at.getTime();
  const current = state.current;
  const age = current ? now - current.at : Infinity;
  const sameDay = current?.facts.day === localDate(at, deps.config.timezone);
  if (current && sameDay && age >= 0 && age < SNAPSHOT_SECONDS * 1000) return current.facts;
  if (!state.pending) {
    state.pending = readHeavyFacts(deps, at)
      .then((facts) => {
        state.current = { at: now, facts };
        return facts;
      })
      .finally(() => {
        state.pending = undefined;
      });
  }
  if (current && sameDay && age >= 0 && age < STALE_SECONDS * 1000) {
    state.pending.catch((err) => deps.logger.warn({ err, module: 'dashboard' }, 'reading the overview figures failed'));
    return current.facts;
  }
  return state.pending;
}

/** Reads the overview's heavy figures now, so the first visitor after a start does not wait for them. */
export function warmOverview(deps: DashboardDeps): void {
  heavyFacts(deps, deps.clock()).catch((err) => deps.logger.warn({ err, module: 'dashboard' }, 'reading the overview figures failed'));
}

export async function loadOverview(deps: DashboardDeps): Promise<OverviewFacts> {
  const at = deps.clock();
  const hourNow = Math.floor(at.getTime() / HOUR_MS) * HOUR_MS;
  const [heavy, counts, usersNow, down] = await Promise.all([heavyFacts(deps, at), countSitesByState(deps.db), countActiveUsersNow(deps.db), listDownSites(deps.db, DOWN_LIST_LIMIT)]);
  const hoursFrom = hourNow - 23 * HOUR_MS;
  const byHour = new Map(heavy.fleetHours.map((h) => [h.hour.getTime(), h]));
  const hours = Array.from({ length: 24 }, (_, i) => {
    const hour = new Date(hoursFrom + i * HOUR_MS);
    return { hour, row: byHour.get(hour.getTime()) ?? null };
  });
  const firstDay = addDays(heavy.day, -29);
  const byDay = new Map(heavy.fleetDays.map((d) => [d.day, d]));
  const days = Array.from({ length: 30 }, (_, i) => {
    const day = addDays(firstDay, i);
    return { day, row: byDay.get(day) ?? null };
  });
  const sum = (rows: Array<{ seconds: StateSeconds }>) => rows.reduce((acc, r) => addSeconds(acc, r.seconds), { ...NO_SECONDS });
  const lastDays = (n: number) => days.slice(-n).flatMap((d) => (d.row ? [d.row] : []));
  return {
    at,
    year: toLocalTime(at, deps.config.timezone).year,
    coverage: heavy.coverage,
    counts,
    usersNow,
    today: heavy.usage,
    hours,
    days,
    uptime: { h24: uptimeShare(sum(hours.flatMap((h) => (h.row ? [h.row] : [])))), d7: uptimeShare(sum(lastDays(7))), d30: uptimeShare(sum(lastDays(30))) },
    down,
  };
}

export interface ChartSpec {
  type: 'line' | 'bar';
  labels: string[];
  datasets: Array<{ label: string; data: Array<number | null>; color: string; axis?: 'y' | 'y2' }>;
  /** the y axis: 'count' or 'percent' (0 … 100) */
  unit: 'count' | 'percent';
}

/** The overview as the page and /api/overview give it: raw figures, the same figures written for people, charts and the down list. */
export function presentOverview(facts: OverviewFacts, lang: Lang, timeZone: string, t: Translate) {
  const f = formatsFor(lang, timeZone);
  const { coverage, counts, today, uptime } = facts;
  const ofTarget = coverage.target ? coverage.active / coverage.target : null;
  const figures: Record<string, string> = {
    at: t('overview.updated', { at: f.time(facts.at) }),
    installed: f.count(coverage.installed),
    commissioned: f.count(coverage.commissioned),
    active: f.count(coverage.active),
    target: coverage.target === null ? t('overview.noTarget') : f.count(coverage.target),
    ofTarget: ofTarget === null ? '' : t('overview.ofTarget', { percent: f.percent(ofTarget) }),
    total: f.count(counts.total),
    uptime24h: f.percent(uptime.h24),
    uptime7d: f.percent(uptime.d7),
    uptime30d: f.percent(uptime.d30),
    usersToday: f.count(today.users),
    sessionsToday: f.count(today.sessions),
    bytesToday: f.bytes(today.bytes),
    usersNow: f.count(facts.usersNow),
  };
  for (const [state, n] of Object.entries(counts.byState)) figures[`state-${state}`] = f.count(n);
  const lastHour = facts.hours.length - 1;
  const charts: Record<string, ChartSpec> = {
    activeUsers: {
      type: 'line',
      unit: 'count',
      labels: facts.hours.map((h) => f.hour(h.hour)),
      datasets: [
        {
          label: t('overview.chart.activeUsers'),
          // the hour now is not rolled up yet: its point is the users on the routers now
          data: facts.hours.map((h, i) => (i === lastHour && !h.row ? facts.usersNow : h.row ? Math.round(h.row.activeUsers) : null)),
          color: '#0b4f9c',
        },
      ],
    },
    dailyUsers: {
      type: 'bar',
      unit: 'count',
      labels: facts.days.map((d) => f.day(d.day)),
      datasets: [{ label: t('overview.chart.dailyUsers'), data: facts.days.map((d) => (d.row ? d.row.users : null)), color: '#1b7f3b' }],
    },
    dailyUptime: {
      type: 'line',
      unit: 'percent',
      labels: facts.days.map((d) => f.day(d.day)),
      datasets: [
        {
          label: t('overview.chart.dailyUptime'),
          data: facts.days.map((d) => {
            const share = d.row ? uptimeShare(d.row.seconds) : null;
            return share === null ? null : Math.round(share * 1000) / 10;
          }),
          color: '#c77700',
        },
      ],
    },
  };
  return {
    at: facts.at.toISOString(),
    year: facts.year,
    coverage,
    states: { total: counts.total, ...counts.byState },
    usersNow: facts.usersNow,
    uptime,
    today,
    figures,
    charts,
    down: facts.down.map((d) => ({
      code: d.code,
      name: d.name,
      area: d.areaName,
      since: d.since.toISOString(),
      sinceText: f.time(d.since),
      lastError: d.lastError,
      href: `/sites/${encodeURIComponent(d.code)}`,
    })),
  };
}

export type OverviewModel = ReturnType<typeof presentOverview>;

/** JSON for a <script type="application/json"> block: nothing in it can close the element or start markup. */
export function jsonForPage(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** GET /: the overview, complete without JavaScript; its script redraws it from /api/overview every 30 s. */
async function showOverview(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const model = presentOverview(await loadOverview(deps), res.locals.lang as Lang, deps.config.timezone, res.locals.t as Translate);
  renderPage(res, 'overview', { model, json: jsonForPage(model), refreshSeconds: REFRESH_SECONDS });
}

/** GET /api/overview: the same figures as the page, for its script and for machines (API tokens). */
async function overviewJson(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const model = presentOverview(await loadOverview(deps), res.locals.lang as Lang, deps.config.timezone, res.locals.t as Translate);
  res.set('Cache-Control', 'no-store');
  res.json(model);
}

export function overviewRoutes(): RouteSpec[] {
  return [
    { method: 'get', path: '/', access: 'view-figures', handler: showOverview },
    { method: 'get', path: '/api/overview', access: 'view-figures', handler: overviewJson },
  ];
}
