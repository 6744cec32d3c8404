import { once } from 'node:events';
import type { Request, Response } from 'express';
import {
  countFilteredSitesByState,
  eachFilteredSite,
  listFilterChoices,
  listSitesPage,
  SITE_SORTS,
  type SiteFilter,
  type SiteRow,
  type SiteSort,
} from '../../core/db/queries/dashboard-sites.js';
import { findExistingSiteCodes, readSiteFile, upsertSites } from '../../core/db/queries/site-import.js';
import { csvLine } from '../../core/domain/csv.js';
import { localDate } from '../../core/domain/local-time.js';
import { OPTIONAL_SITE_COLUMNS, REQUIRED_SITE_COLUMNS, type SiteFileProblem } from '../../core/domain/site-file.js';
import { SITE_STATES, type SiteState } from '../../core/domain/site-state.js';
import type { Translate } from '../../core/web/i18n.js';
import { auditedChange } from '../audit.js';
import { kitOf } from '../kit.js';
import { renderPage } from '../render.js';
import type { RouteSpec } from './route-spec.js';

export const SITES_PAGE_SIZE = 50;
const MAX_PAGE = 100_000;
export const EXPORT_COLUMNS = ['code', 'name', 'kelurahan_code', 'kelurahan', 'kecamatan', 'category', 'lat', 'lon', 'state', 'since', 'last_poll_at', 'active_users'] as const;

const text = (value: unknown, max: number): string | undefined => {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, max);
};

/** The filters of a request's query string; anything malformed is left out rather than refused. */
export function filterOf(query: Request['query']): SiteFilter {
  const kecamatan = text(query.kecamatan, 20);
  const kelurahan = text(query.kelurahan, 20);
  const state = text(query.state, 20);
  return {
    kecamatan: kecamatan && /^\d{2}\.\d{2}\.\d{2}$/.test(kecamatan) ? kecamatan : undefined,
    kelurahan: kelurahan && /^\d{2}\.\d{2}\.\d{2}\.\d{4}$/.test(kelurahan) ? kelurahan : undefined,
    state: state && (SITE_STATES as readonly string[]).includes(state) ? (state as SiteState) : undefined,
    category: text(query.category, 40)?.toLowerCase(),
    search: text(query.q, 100),
  };
}

/** The filters as query parameters, for links that keep them. */
function filterParams(filter: SiteFilter): Record<string, string> {
  const params: Record<string, string> = {};
  if (filter.kecamatan) params.kecamatan = filter.kecamatan;
  if (filter.kelurahan) params.kelurahan = filter.kelurahan;
  if (filter.state) params.state = filter.state;
  if (filter.category) params.category = filter.category;
  if (filter.search) params.q = filter.search;
  return params;
}

const hrefWith = (path: string, params: Record<string, string>) => {
  const query = new URLSearchParams(params).toString();
  return query ? `${path}?${query}` : path;
};

/** Page links: first, last, and two either side of the current page, with gaps marked by null. */
function pageLinks(current: number, pages: number): Array<number | null> {
  const wanted = new Set([1, pages, current - 2, current - 1, current, current + 1, current + 2].filter((p) => p >= 1 && p <= pages));
  const sorted = [...wanted].sort((a, b) => a - b);
  const links: Array<number | null> = [];
  for (const p of sorted) {
    if (links.length > 0 && p - (links.at(-1) as number) > 1) links.push(null);
    links.push(p);
  }
  return links;
}

/** GET /sites: the sites as a table, filtered, searched, sorted and 50 a page, with counts per state. */
async function showSites(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const filter = filterOf(req.query);
  const sortAsked = text(req.query.sort, 20);
  const sort: SiteSort = sortAsked && (SITE_SORTS as readonly string[]).includes(sortAsked) ? (sortAsked as SiteSort) : 'code';
  const pageAsked = Number(req.query.page);
  let page = Number.isSafeInteger(pageAsked) && pageAsked >= 1 && pageAsked <= MAX_PAGE ? pageAsked : 1;
  const [choices, byState, first] = await Promise.all([
    listFilterChoices(deps.db),
    countFilteredSitesByState(deps.db, filter),
    listSitesPage(deps.db, filter, { sort, offset: (page - 1) * SITES_PAGE_SIZE, limit: SITES_PAGE_SIZE }),
  ]);
  const pages = Math.max(1, Math.ceil(first.total / SITES_PAGE_SIZE));
  let listed = first;
  if (page > pages) {
    page = pages;
    listed = await listSitesPage(deps.db, filter, { sort, offset: (page - 1) * SITES_PAGE_SIZE, limit: SITES_PAGE_SIZE });
  }
  const params = filterParams(filter);
  const sortParams: Record<string, string> = sort === 'code' ? {} : { sort };
  const imported = text(req.query.imported, 10);
  const updated = text(req.query.updated, 10);
  renderPage(res, 'sites', {
    filter,
    choices,
    states: SITE_STATES,
    rows: listed.rows,
    total: listed.total,
    byState,
    sort,
    sorts: SITE_SORTS,
    page,
    pages,
    from: listed.total === 0 ? 0 : (page - 1) * SITES_PAGE_SIZE + 1,
    to: (page - 1) * SITES_PAGE_SIZE + listed.rows.length,
    pageLinks: pageLinks(page, pages).map((p) => (p === null ? null : { page: p, href: hrefWith('/sites', { ...params, ...sortParams, ...(p > 1 ? { page: String(p) } : {}) }) })),
    sortHref: (s: SiteSort) => hrefWith('/sites', { ...params, ...(s === 'code' ? {} : { sort: s }) }),
    stateHref: (s: SiteState | undefined) => hrefWith('/sites', { ...filterParams({ ...filter, state: s }), ...sortParams }),
    exportHref: hrefWith('/sites/export.csv', params),
    filtered: Object.keys(params).length > 0,
    importedMessage: imported && /^\d+$/.test(imported) && updated && /^\d+$/.test(updated) ? { inserted: imported, updated } : undefined,
  });
}

/** The free-text columns of EXPORT_COLUMNS (code, name, kelurahan, kecamatan, category): a formula in them is written as text. */
const EXPORT_TEXT_COLUMNS: ReadonlySet<number> = new Set([0, 1, 3, 4, 5]);

/** One site as a line of the export, in the order of EXPORT_COLUMNS, with its CRLF. */
function siteCsvLine(r: SiteRow): string {
  return csvLine(
    [r.code, r.name, r.kelurahanCode, r.kelurahan, r.kecamatan, r.category, r.lat, r.lon, r.state, r.since ? r.since.toISOString() : null, r.lastPollAt ? r.lastPollAt.toISOString() : null, r.activeUsers],
    EXPORT_TEXT_COLUMNS,
  );
}

/**
 * GET /sites/export.csv: every site of the filtered list (all pages), streamed in batches of 1,000 as
 * they are read. Times are ISO 8601 in UTC. Router addresses and credentials are never part of it.
 */
async function exportSites(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const filter = filterOf(req.query);
  const day = localDate(deps.clock(), deps.config.timezone);
  res.status(200);
  res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="citywifi-sites-${day}.csv"`, 'Cache-Control': 'no-store' });
  // a byte-order mark, so spreadsheet programs read the names as UTF-8
  res.write(`\ufeff${csvLine(EXPORT_COLUMNS)}`);
  for await (const batch of eachFilteredSite(deps.db, filter)) {
    if (!res.write(batch.map(siteCsvLine).join(''))) await once(res, 'drain');
  }
  res.end();
}

function importPage(res: Response, data: { csv?: string; problems?: Array<{ line: number; column: string; why: string }>; badRows?: number; error?: string }, status = 200): void {
  renderPage(
    res,
    'sites-import',
    { csv: data.csv ?? '', problems: data.problems ?? [], badRows: data.badRows ?? 0, error: data.error, required: REQUIRED_SITE_COLUMNS, optional: OPTIONAL_SITE_COLUMNS },
    status,
  );
}

/** A problem of the file in the user's language. */
function describe(t: Translate, problem: SiteFileProblem): { line: number; column: string; why: string } {
  return { line: problem.line, column: problem.column, why: t(`sites.importProblem.${problem.reason}`, problem.vars) };
}

/**
 * POST /sites/import: the same file and rules as `citywifi sites import` (pasted into the form), all or
 * nothing: any bad row and nothing changes, and every problem is listed by line and column in the
 * user's language. A good file is written in one transaction with its audit entry.
 */
async function importSites(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const t = res.locals.t as Translate;
  const csv = typeof req.body?.csv === 'string' ? req.body.csv : '';
  if (csv.trim() === '') return importPage(res, { error: t('sites.import.empty') }, 400);
  const { problems, sites, columns } = await readSiteFile(deps.db, deps.box, csv);
  if (problems.length > 0) {
    const badRows = new Set(problems.map((p) => p.line)).size;
    // the router passwords of a refused file are not sent back into the form
    return importPage(res, { csv: columns.includes('router_password_enc') ? '' : csv, problems: problems.map((p) => describe(t, p)), badRows }, 400);
  }
  const result = await auditedChange(req, res, async (tx) => {
    const existing = await findExistingSiteCodes(tx, sites.map((s) => s.code));
    await upsertSites(tx, sites, columns, deps.clock());
    const updated = sites.filter((s) => existing.has(s.code)).length;
    const counts = { inserted: sites.length - updated, updated };
    return { result: counts, audit: { action: 'sites-import', target: null, details: { ...counts, columns: columns.map((c) => (c === 'router_password_enc' ? 'router_password' : c)) } } };
  });
  res.redirect(303, `/sites?imported=${result.inserted}&updated=${result.updated}`);
}

export function sitesRoutes(): RouteSpec[] {
  return [
    { method: 'get', path: '/sites', access: 'view-figures', handler: showSites },
    { method: 'get', path: '/sites/export.csv', access: 'export', handler: exportSites },
    { method: 'get', path: '/sites/import', access: 'manage-sites', handler: (_req, res) => importPage(res, {}) },
    { method: 'post', path: '/sites/import', access: 'manage-sites', handler: importSites },
  ];
}
