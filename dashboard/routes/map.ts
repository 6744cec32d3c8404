import type { Request, Response } from 'express';
import { countKelurahanStatesNow, countSitesWithoutPosition, findKelurahanCoverage, findKelurahanStateSeconds, listMapSites } from '../../core/db/queries/dashboard-sites.js';
import { localDate } from '../../core/domain/local-time.js';
import {
  countStep,
  countStepRange,
  fillOf,
  isShadeMode,
  NO_FIGURE_FILL,
  SHADE_FILLS,
  targetStep,
  TARGET_STEPS,
  UPTIME_STEPS,
  uptimeShare,
  uptimeStep,
  type ShadeMode,
} from '../../core/domain/map-shading.js';
import { SITE_STATES, type SiteState } from '../../core/domain/site-state.js';
import type { Lang, Translate } from '../../core/web/i18n.js';
import { cityShapes } from '../city-shapes.js';
import { kitOf } from '../kit.js';
import { DOT_ORDER, renderMapSvg, STATE_COLOURS, type Dot, type ShadedKelurahan } from '../map-svg.js';
import { renderPage } from '../render.js';
import type { RouteSpec } from './route-spec.js';

const UPTIME_DAYS = 30;

interface LegendEntry {
  fill: string;
  label: string;
}

/** The legend of a shading in steps: below the first bound, between each pair, at least the last, and no figure. */
function stepLegend(bounds: string[], t: Translate, noFigure: string): LegendEntry[] {
  return [
    { fill: SHADE_FILLS[0], label: t('map.legend.below', { value: bounds[0] }) },
    { fill: SHADE_FILLS[1], label: `${bounds[0]} – ${bounds[1]}` },
    { fill: SHADE_FILLS[2], label: `${bounds[1]} – ${bounds[2]}` },
    { fill: SHADE_FILLS[3], label: `${bounds[2]} – ${bounds[3]}` },
    { fill: SHADE_FILLS[4], label: t('map.legend.atLeast', { value: bounds[3] }) },
    { fill: NO_FIGURE_FILL, label: noFigure },
  ];
}

function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function percentFormat(lang: Lang, digits: number): (share: number) => string {
  const format = new Intl.NumberFormat(lang === 'id' ? 'id-ID' : 'en-GB', { style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return (share) => format.format(share);
}

/** Coverage: active sites against this year's target where targets are set, else the count of active sites. */
async function shadeByCoverage(req: Request, t: Translate, lang: Lang): Promise<{ shading: Map<string, ShadedKelurahan>; legend: LegendEntry[]; basis: string }> {
  const { deps } = kitOf(req);
  const today = localDate(deps.clock(), deps.config.timezone);
  const year = Number(today.slice(0, 4));
  const coverage = await findKelurahanCoverage(deps.db, today, year);
  const percent = percentFormat(lang, 0);
  const shading = new Map<string, ShadedKelurahan>();
  const withTargets = [...coverage.values()].some((c) => c.target !== null);
  const shapes = cityShapes();
  if (withTargets) {
    for (const k of shapes.kelurahan) {
      const c = coverage.get(k.code) ?? { active: 0, registered: 0, target: null };
      const step = targetStep(c.active, c.target);
      const figure =
        c.target === null || c.target <= 0
          ? t('map.coverage.noTarget', { active: c.active })
          : t('map.coverage.ofTarget', { active: c.active, target: c.target, percent: percent(c.active / c.target) });
      shading.set(k.code, { fill: fillOf(step), step, title: `${k.name} (${k.kecamatan}): ${figure}` });
    }
    const legend = stepLegend(TARGET_STEPS.map((b) => percent(b)), t, t('map.legend.noTarget'));
    return { shading, legend, basis: t('map.coverage.basisTarget', { year }) };
  }
  const largest = Math.max(0, ...[...coverage.values()].map((c) => c.active));
  for (const k of shapes.kelurahan) {
    const active = coverage.get(k.code)?.active ?? 0;
    const step = countStep(active, largest);
    shading.set(k.code, { fill: fillOf(step), step, title: `${k.name} (${k.kecamatan}): ${t('map.coverage.count', { active })}` });
  }
  const legend: LegendEntry[] = [{ fill: SHADE_FILLS[0], label: '0' }];
  for (const step of [1, 2, 3, 4] as const) {
    const range = countStepRange(step, largest);
    if (range) legend.push({ fill: SHADE_FILLS[step], label: range[0] === range[1] ? String(range[0]) : `${range[0]} – ${range[1]}` });
  }
  return { shading, legend, basis: t('map.coverage.basisCount') };
}

/** Uptime over the last 30 days from rollups_daily (maintenance left out); without rollups, the share of routers answering now. */
async function shadeByUptime(req: Request, t: Translate, lang: Lang): Promise<{ shading: Map<string, ShadedKelurahan>; legend: LegendEntry[]; basis: string }> {
  const { deps } = kitOf(req);
  const today = localDate(deps.clock(), deps.config.timezone);
  const seconds = await findKelurahanStateSeconds(deps.db, addDays(today, 1 - UPTIME_DAYS), addDays(today, 1));
  const percent = percentFormat(lang, 1);
  const shading = new Map<string, ShadedKelurahan>();
  const shapes = cityShapes();
  let basis: string;
  if (seconds.size > 0) {
    basis = t('map.uptime.basisDays', { days: UPTIME_DAYS });
    for (const k of shapes.kelurahan) {
      const s = seconds.get(k.code);
      const share = s ? uptimeShare(s) : null;
      const step = uptimeStep(share);
      const figure = share === null ? t('map.uptime.noData') : t('map.uptime.days', { percent: percent(share), days: UPTIME_DAYS });
      shading.set(k.code, { fill: fillOf(step), step, title: `${k.name} (${k.kecamatan}): ${figure}` });
    }
  } else {
    basis = t('map.uptime.basisNow');
    const states = await countKelurahanStatesNow(deps.db);
    for (const k of shapes.kelurahan) {
      const c = states.get(k.code);
      const answering = c ? c.up + c.degraded : 0;
      const share = c && answering + c.down > 0 ? answering / (answering + c.down) : null;
      const step = uptimeStep(share);
      const figure = share === null ? t('map.uptime.noData') : t('map.uptime.now', { percent: percent(share), answering, watched: answering + (c?.down ?? 0) });
      shading.set(k.code, { fill: fillOf(step), step, title: `${k.name} (${k.kecamatan}): ${figure}` });
    }
  }
  const legend = stepLegend(UPTIME_STEPS.map((b) => percent(b)), t, t('map.legend.noData'));
  return { shading, legend, basis };
}

/**
 * GET /map: the city as inline SVG (kelurahan shaded by ?shade=coverage or uptime, kecamatan borders,
 * one dot per site coloured by its state, each a link to the site). Works without JavaScript;
 * /static/map.js only adds a caption for touch screens, where titles do not show.
 */
async function showMap(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const t = res.locals.t as Translate;
  const lang = res.locals.lang as Lang;
  const shade: ShadeMode = isShadeMode(req.query.shade) ? req.query.shade : 'coverage';
  const shapes = cityShapes();
  const [{ shading, legend, basis }, sites, withoutPosition] = await Promise.all([
    shade === 'coverage' ? shadeByCoverage(req, t, lang) : shadeByUptime(req, t, lang),
    listMapSites(deps.db),
    countSitesWithoutPosition(deps.db),
  ]);
  const stateNames = Object.fromEntries(SITE_STATES.map((s) => [s, t(`overview.state.${s}`)])) as Record<SiteState, string>;
  const dots = new Map<SiteState, Dot[]>(SITE_STATES.map((s) => [s, []]));
  let outside = 0;
  for (const site of sites) {
    const [x, y] = shapes.projection.project(site.lon, site.lat);
    if (x < 0 || y < 0 || x > shapes.width || y > shapes.height) {
      outside++;
      continue;
    }
    dots.get(site.state)!.push({ code: site.code, x, y, title: `${site.name} (${site.code}): ${stateNames[site.state]}` });
  }
  const svg = renderMapSvg({ shapes, shading, dots, label: t('map.svgLabel'), stateNames });
  const stateLegend = [...DOT_ORDER].reverse().map((state) => ({ state, colour: STATE_COLOURS[state], label: stateNames[state], count: dots.get(state)!.length }));
  renderPage(res, 'map', { shade, svg, legend, basis, stateLegend, notShown: withoutPosition + outside, shown: sites.length - outside });
}

export function mapRoutes(): RouteSpec[] {
  return [{ method: 'get', path: '/map', access: 'view-figures', handler: showMap }];
}
