import type { Request, Response, Router } from 'express';
import { findDeviceUsageToday, type DeviceUsageToday } from '../../core/db/queries/device-status.js';
import { startOfLocalDay } from '../../core/domain/local-time.js';
import { normalizeMac } from '../../core/domain/mac.js';
import type { Lang } from '../i18n.js';
import { kitOf } from '../kit.js';
import { singleText } from '../router-context.js';
import { readRouterContext, renderPage, renderProblem, type Vars } from './shared.js';

type T = (key: string, vars?: Vars) => string;

function formatDuration(t: T, seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? t('status.hours', { h, m }) : t('status.minutes', { m });
}

function formatBytes(lang: Lang, bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const number = new Intl.NumberFormat(lang === 'id' ? 'id-ID' : 'en-GB', { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
  return `${number} ${units[unit]}`;
}

function figuresOf(t: T, lang: Lang, usage: DeviceUsageToday) {
  return {
    timeUsed: formatDuration(t, usage.timeUsedSeconds),
    timeLeft: usage.timeLeftSeconds === null ? t('status.unlimited') : formatDuration(t, usage.timeLeftSeconds),
    dataUsed: formatBytes(lang, usage.bytesUsed),
    dataLeft: usage.bytesLeft === null ? t('status.unlimited') : formatBytes(lang, usage.bytesLeft),
  };
}

/** GET /status?mac=…&identity=… (from the router's status page) or ?ctx=…: time and data left today. */
async function showStatus(req: Request, res: Response): Promise<void> {
  const { deps, sites } = kitOf(req);
  const query = req.query as Record<string, unknown>;
  let mac: string | undefined;
  let identity: string | undefined;
  if (query.ctx !== undefined) {
    const ctx = readRouterContext(req, query.ctx);
    if (!ctx) return renderProblem(res, 400, 'problem.expired');
    mac = ctx.mac;
    identity = ctx.identity;
  } else {
    const macText = singleText(query.mac, 32);
    const identityText = singleText(query.identity ?? query.site, 128);
    if (macText === undefined || identityText === undefined) return renderProblem(res, 400, 'problem.badInput');
    mac = macText ? normalizeMac(macText) : undefined;
    if (macText && !mac) return renderProblem(res, 400, 'problem.noMac');
    identity = identityText || undefined;
  }
  const site = identity ? await sites.find(identity) : undefined;
  const now = deps.clock();
  const usage = mac
    ? await findDeviceUsageToday(deps.db, {
        mac,
        dayStart: startOfLocalDay(now, deps.config.timezone),
        liveAfter: new Date(now.getTime() - deps.config.radius.staleAfterIntervals * deps.config.radius.interimInterval * 1000),
        sitePlanId: site?.planId ?? null,
      })
    : undefined;
  const lang = res.locals.lang as Lang;
  res.set('Cache-Control', 'no-store');
  renderPage(res, 'status', { site, usage, figures: usage ? figuresOf(res.locals.t as T, lang, usage) : undefined });
}

export function registerStatusRoutes(router: Router): void {
  router.get('/status', showStatus);
}
