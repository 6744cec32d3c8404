import type { Request, Response } from 'express';
import { findSiteInventory, listSiteInventory, type SiteFilter } from '../../core/db/queries/dashboard-sites.js';
import { SITE_STATES, type SiteState } from '../../core/domain/site-state.js';
import { kitOf } from '../kit.js';
import { sendApiError } from '../render.js';
import type { RouteSpec } from './route-spec.js';

/** Sites per answer unless `limit` says otherwise, and the most one answer gives. */
export const API_SITES_DEFAULT_LIMIT = 100;
export const API_SITES_MAX_LIMIT = 1000;

const KECAMATAN = /^\d{2}\.\d{2}\.\d{2}$/;
const KELURAHAN = /^\d{2}\.\d{2}\.\d{2}\.\d{4}$/;
const CONTROL = /\p{Cc}/u;

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

function wholeNumber(value: unknown, name: string, min: number, max: number, otherwise: number): Parsed<number> {
  if (value === undefined || value === '') return { ok: true, value: otherwise };
  const n = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) return { ok: false, message: `${name} must be a whole number from ${min} to ${max}` };
  return { ok: true, value: n };
}

/**
 * The query of GET /api/sites, checked strictly: the sites page's filters (kecamatan and kelurahan by
 * Kemendagri code, state, category, q searching code and name) and limit/offset. Anything malformed is
 * refused with a plain message rather than quietly ignored, so a machine never reads a wrong list.
 */
export function parseInventoryQuery(query: Request['query']): Parsed<{ filter: SiteFilter; limit: number; offset: number }> {
  const one = (name: string): Parsed<string | undefined> => {
    const v = query[name];
    if (v === undefined) return { ok: true, value: undefined };
    if (typeof v !== 'string') return { ok: false, message: `${name} must be given once` };
    const trimmed = v.trim();
    return { ok: true, value: trimmed === '' ? undefined : trimmed };
  };
  const fields: Record<string, string | undefined> = {};
  for (const name of ['kecamatan', 'kelurahan', 'state', 'category', 'q', 'limit', 'offset']) {
    const parsed = one(name);
    if (!parsed.ok) return parsed;
    fields[name] = parsed.value;
  }
  const { kecamatan, kelurahan, state, category, q } = fields;
  if (kecamatan !== undefined && !KECAMATAN.test(kecamatan)) return { ok: false, message: 'kecamatan must be a Kemendagri kecamatan code, e.g. 36.74.01' };
  if (kelurahan !== undefined && !KELURAHAN.test(kelurahan)) return { ok: false, message: 'kelurahan must be a Kemendagri kelurahan code, e.g. 36.74.01.1001' };
  if (state !== undefined && !(SITE_STATES as readonly string[]).includes(state)) return { ok: false, message: `state must be one of ${SITE_STATES.join(', ')}` };
  if (category !== undefined && (category.length > 40 || CONTROL.test(category))) return { ok: false, message: 'category must be at most 40 characters' };
  if (q !== undefined && (q.length > 100 || CONTROL.test(q))) return { ok: false, message: 'q must be at most 100 characters' };
  const limit = wholeNumber(fields.limit, 'limit', 1, API_SITES_MAX_LIMIT, API_SITES_DEFAULT_LIMIT);
  if (!limit.ok) return limit;
  const offset = wholeNumber(fields.offset, 'offset', 0, 100_000_000, 0);
  if (!offset.ok) return offset;
  return {
    ok: true,
    value: { filter: { kecamatan, kelurahan, state: state as SiteState | undefined, category: category?.toLowerCase(), search: q }, limit: limit.value, offset: offset.value },
  };
}

/** GET /api/sites: the inventory, filtered as the sites page filters, by code, a page at a time with the total. */
async function listSites(req: Request, res: Response): Promise<void> {
  const parsed = parseInventoryQuery(req.query);
  if (!parsed.ok) return sendApiError(res, 400, 'bad-request', parsed.message);
  const { deps } = kitOf(req);
  const { filter, limit, offset } = parsed.value;
  const { sites, total } = await listSiteInventory(deps.db, filter, { offset, limit });
  res.set('Cache-Control', 'no-store');
  res.json({ total, limit, offset, sites });
}

/** GET /api/sites/:code: one site of the inventory with its status now (as /api/sites/status gives it). */
async function showSite(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const code = String(req.params.code);
  const site = code.length <= 100 ? await findSiteInventory(deps.db, code) : undefined;
  if (!site) return sendApiError(res, 404, 'not-found', `no site has the code "${code.slice(0, 100)}"`);
  res.set('Cache-Control', 'no-store');
  res.json(site);
}

/** Registered after /api/sites/status, which is not a site code. */
export function apiSiteRoutes(): RouteSpec[] {
  return [
    { method: 'get', path: '/api/sites', access: 'view-figures', handler: listSites },
    { method: 'get', path: '/api/sites/:code', access: 'view-figures', handler: showSite },
  ];
}
