import type { SiteState } from '../../domain/site-state.js';
import type { Db } from '../index.js';

/**
 * What the dashboard's sites table, its CSV export and its map read: sites with their kelurahan,
 * kecamatan and state now (a site never polled is 'unknown'), filtered and paged; the choices for the
 * filters; and per kelurahan the counts, targets and uptime the map shades by. Never a router secret.
 */

export interface SiteFilter {
  /** kecamatan code, e.g. 36.74.01 */
  kecamatan?: string;
  /** kelurahan code, e.g. 36.74.01.1001 */
  kelurahan?: string;
  state?: SiteState;
  category?: string;
  /** part of the code or the name, any case */
  search?: string;
}

export const SITE_SORTS = ['code', 'name', 'kelurahan', 'state', 'since'] as const;
export type SiteSort = (typeof SITE_SORTS)[number];

export interface SiteRow {
  code: string;
  name: string;
  kelurahanCode: string | null;
  kelurahan: string | null;
  kecamatanCode: string | null;
  kecamatan: string | null;
  category: string;
  lat: number | null;
  lon: number | null;
  state: SiteState;
  since: Date | null;
  lastPollAt: Date | null;
  activeUsers: number | null;
}

const STATE = `coalesce(ss.state, 'unknown')`;

const SORT_COLUMNS: Record<SiteSort, string[]> = {
  code: ['s.code'],
  name: ['s.name', 's.code'],
  kelurahan: ['a.name', 's.code'],
  state: [STATE, 's.code'],
  since: ['ss.since', 's.code'],
};

function baseQuery(db: Db, filter: SiteFilter, withState = true) {
  const q = db('sites as s').leftJoin('areas as a', 'a.code', 's.area_code').leftJoin('areas as k', 'k.code', 'a.parent_code').leftJoin('site_status as ss', 'ss.site_id', 's.id');
  if (filter.kecamatan) q.where('a.parent_code', filter.kecamatan);
  if (filter.kelurahan) q.where('s.area_code', filter.kelurahan);
  if (filter.category) q.where('s.category', filter.category);
  if (withState && filter.state) q.whereRaw(`${STATE} = ?`, [filter.state]);
  if (filter.search) {
    const pattern = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q.where((w) => w.whereILike('s.code', pattern).orWhereILike('s.name', pattern));
  }
  return q;
}

const ROW_COLUMNS = [
  's.id', 's.code', 's.name', 's.area_code', 'a.name as kelurahan', 'a.parent_code as kecamatan_code', 'k.name as kecamatan', 's.category', 's.lat', 's.lon',
  'ss.since', 'ss.last_poll_at', 'ss.active_users',
];

function toRow(r: Record<string, unknown>): SiteRow {
  return {
    code: r.code as string,
    name: r.name as string,
    kelurahanCode: (r.area_code as string | null) ?? null,
    kelurahan: (r.kelurahan as string | null) ?? null,
    kecamatanCode: (r.kecamatan_code as string | null) ?? null,
    kecamatan: (r.kecamatan as string | null) ?? null,
    category: r.category as string,
    lat: r.lat === null ? null : Number(r.lat),
    lon: r.lon === null ? null : Number(r.lon),
    state: r.state as SiteState,
    since: r.since ? new Date(r.since as string) : null,
    lastPollAt: r.last_poll_at ? new Date(r.last_poll_at as string) : null,
    activeUsers: r.active_users === null || r.active_users === undefined ? null : Number(r.active_users),
  };
}

/** One page of the filtered sites, sorted, with how many match in all. */
export async function listSitesPage(db: Db, filter: SiteFilter, page: { sort: SiteSort; offset: number; limit: number }): Promise<{ rows: SiteRow[]; total: number }> {
  const q = baseQuery(db, filter).select(...ROW_COLUMNS, db.raw(`${STATE} as state`));
  for (const column of SORT_COLUMNS[page.sort]) q.orderByRaw(`${column} asc nulls last`);
  const [rows, count] = await Promise.all([q.offset(page.offset).limit(page.limit), baseQuery(db, filter).count('* as n').first()]);
  return { rows: (rows as Array<Record<string, unknown>>).map(toRow), total: Number((count as { n: number | string } | undefined)?.n ?? 0) };
}

/** How many sites match each state, under every filter but the state one. */
export async function countFilteredSitesByState(db: Db, filter: SiteFilter): Promise<Record<SiteState, number>> {
  const rows = await baseQuery(db, filter, false).select(db.raw(`${STATE} as state`)).count('* as n').groupByRaw(STATE);
  const counts: Record<SiteState, number> = { unknown: 0, up: 0, degraded: 0, down: 0, maintenance: 0 };
  for (const r of rows as Array<{ state: SiteState; n: number | string }>) counts[r.state] = Number(r.n);
  return counts;
}

/**
 * Every filtered site, by code, in batches of `batch` (keyset paging on the site id, one query per
 * batch), so an export of 5,000 sites never holds them all in memory.
 */
export async function* eachFilteredSite(db: Db, filter: SiteFilter, batch = 1000): AsyncGenerator<SiteRow[]> {
  let lastCode: string | null = null;
  for (;;) {
    const q = baseQuery(db, filter).select(...ROW_COLUMNS, db.raw(`${STATE} as state`)).orderBy('s.code').limit(batch);
    if (lastCode !== null) q.where('s.code', '>', lastCode);
    const rows = (await q) as Array<Record<string, unknown>>;
    if (rows.length === 0) return;
    yield rows.map(toRow);
    if (rows.length < batch) return;
    lastCode = rows.at(-1)!.code as string;
  }
}

export interface FilterChoices {
  kecamatan: Array<{ code: string; name: string }>;
  kelurahan: Array<{ code: string; name: string; kecamatanCode: string }>;
  categories: string[];
}

export async function listFilterChoices(db: Db): Promise<FilterChoices> {
  const [areas, categories] = await Promise.all([
    db('areas').orderBy('code').select('code', 'name', 'level', 'parent_code'),
    db('sites').distinct('category').orderBy('category'),
  ]);
  return {
    kecamatan: areas.filter((a) => a.level === 'kecamatan').map((a) => ({ code: a.code, name: a.name })),
    kelurahan: areas.filter((a) => a.level === 'kelurahan').map((a) => ({ code: a.code, name: a.name, kecamatanCode: a.parent_code })),
    categories: categories.map((c: { category: string }) => c.category),
  };
}

export interface MapSite {
  code: string;
  name: string;
  lat: number;
  lon: number;
  state: SiteState;
}

/** Every site with a position, with its state now: what the map draws as dots. */
export async function listMapSites(db: Db): Promise<MapSite[]> {
  const rows = await db('sites as s')
    .leftJoin('site_status as ss', 'ss.site_id', 's.id')
    .whereNotNull('s.lat')
    .whereNotNull('s.lon')
    .orderBy('s.code')
    .select('s.code', 's.name', 's.lat', 's.lon', db.raw(`${STATE} as state`));
  return rows.map((r: Record<string, unknown>) => ({ code: r.code as string, name: r.name as string, lat: Number(r.lat), lon: Number(r.lon), state: r.state as SiteState }));
}

export async function countSitesWithoutPosition(db: Db): Promise<number> {
  const row = await db('sites').whereNull('lat').orWhereNull('lon').count('* as n').first();
  return Number((row as { n: number | string } | undefined)?.n ?? 0);
}

export interface KelurahanCoverage {
  /** sites in service on `day`: commissioned on or before it, not decommissioned by then */
  active: number;
  /** every site registered in the kelurahan */
  registered: number;
  /** this year's target, when one is set */
  target: number | null;
}

/** Per kelurahan code: active and registered sites on `day` (YYYY-MM-DD) and the target for `year`. */
export async function findKelurahanCoverage(db: Db, day: string, year: number): Promise<Map<string, KelurahanCoverage>> {
  const [counts, targets] = await Promise.all([
    db('sites')
      .whereNotNull('area_code')
      .groupBy('area_code')
      .select(
        'area_code',
        db.raw('count(*) as registered'),
        db.raw(
          `count(*) filter (where commissioned_on is not null and commissioned_on <= cast(? as date)
             and (decommissioned_on is null or decommissioned_on > cast(? as date))) as active`,
          [day, day],
        ),
      ),
    db('coverage_targets').where({ year }).select('area_code', 'target_sites'),
  ]);
  const byCode = new Map<string, KelurahanCoverage>();
  for (const r of counts as Array<{ area_code: string; registered: string | number; active: string | number }>) {
    byCode.set(r.area_code, { active: Number(r.active), registered: Number(r.registered), target: null });
  }
  for (const t of targets as Array<{ area_code: string; target_sites: number }>) {
    const entry = byCode.get(t.area_code) ?? { active: 0, registered: 0, target: null };
    entry.target = Number(t.target_sites);
    byCode.set(t.area_code, entry);
  }
  return byCode;
}

export interface StateSeconds {
  up: number;
  degraded: number;
  down: number;
  maintenance: number;
}

/** Per kelurahan code: seconds in each state over the days [fromDay, toDay) of rollups_daily; empty when there are no rollups then. */
export async function findKelurahanStateSeconds(db: Db, fromDay: string, toDay: string): Promise<Map<string, StateSeconds>> {
  const rows = await db('rollups_daily as r')
    .join('sites as s', 's.id', 'r.site_id')
    .whereNotNull('s.area_code')
    .where('r.day', '>=', fromDay)
    .where('r.day', '<', toDay)
    .groupBy('s.area_code')
    .select(
      's.area_code',
      db.raw('sum(r.up_seconds) as up'),
      db.raw('sum(r.degraded_seconds) as degraded'),
      db.raw('sum(r.down_seconds) as down'),
      db.raw('sum(r.maintenance_seconds) as maintenance'),
    );
  return new Map(
    (rows as Array<Record<string, string | number>>).map((r) => [
      r.area_code as string,
      { up: Number(r.up), degraded: Number(r.degraded), down: Number(r.down), maintenance: Number(r.maintenance) },
    ]),
  );
}

/** Per kelurahan code: how many sites are in each state now (site_status). */
export async function countKelurahanStatesNow(db: Db): Promise<Map<string, Record<SiteState, number>>> {
  const rows = await db('sites as s')
    .leftJoin('site_status as ss', 'ss.site_id', 's.id')
    .whereNotNull('s.area_code')
    .groupBy('s.area_code', db.raw(STATE))
    .select('s.area_code', db.raw(`${STATE} as state`))
    .count('* as n');
  const byCode = new Map<string, Record<SiteState, number>>();
  for (const r of rows as Array<{ area_code: string; state: SiteState; n: string | number }>) {
    const counts = byCode.get(r.area_code) ?? { unknown: 0, up: 0, degraded: 0, down: 0, maintenance: 0 };
    counts[r.state] = Number(r.n);
    byCode.set(r.area_code, counts);
  }
  return byCode;
}

/** A site as the inventory API gives it: where it is, its dates, how it is open and watched, its state now. Never a router credential. */
export interface SiteInventoryRow {
  code: string;
  name: string;
  kelurahan: { code: string; name: string } | null;
  kecamatan: { code: string; name: string } | null;
  category: string;
  lat: number | null;
  lon: number | null;
  installed_on: string | null;
  commissioned_on: string | null;
  decommissioned_on: string | null;
  access: 'open' | 'closed' | 'restricted';
  access_reason: string | null;
  access_until: string | null;
  monitoring: 'api' | 'heartbeat';
  state: SiteState;
  since: string | null;
}

/** Its status now, as `citywifi sites status --json` gives it (without the code). */
export interface SiteInventoryStatus {
  state: SiteState;
  since: string | null;
  last_poll_at: string | null;
  cpu_load: number | null;
  active_users: number | null;
  uptime_seconds: number | null;
  version: string | null;
  board: string | null;
  rtt_ms: number | null;
  last_error: string | null;
}

const asDay = (column: string) => `to_char(${column}, 'YYYY-MM-DD')`;

const INVENTORY_COLUMNS = [
  's.code', 's.name', 's.area_code', 'a.name as kelurahan', 'a.parent_code as kecamatan_code', 'k.name as kecamatan', 's.category', 's.lat', 's.lon',
  's.access', 's.access_reason', 's.access_until', 's.monitoring', 'ss.since',
];

const isoOf = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const numberOf = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function inventorySelect(db: Db, filter: SiteFilter) {
  return baseQuery(db, filter).select(
    ...INVENTORY_COLUMNS,
    db.raw(`${STATE} as state`),
    db.raw(`${asDay('s.installed_on')} as installed_on`),
    db.raw(`${asDay('s.commissioned_on')} as commissioned_on`),
    db.raw(`${asDay('s.decommissioned_on')} as decommissioned_on`),
  );
}

function toInventoryRow(r: Record<string, unknown>): SiteInventoryRow {
  return {
    code: r.code as string,
    name: r.name as string,
    kelurahan: r.area_code ? { code: r.area_code as string, name: r.kelurahan as string } : null,
    kecamatan: r.kecamatan_code ? { code: r.kecamatan_code as string, name: r.kecamatan as string } : null,
    category: r.category as string,
    lat: numberOf(r.lat),
    lon: numberOf(r.lon),
    installed_on: (r.installed_on as string | null) ?? null,
    commissioned_on: (r.commissioned_on as string | null) ?? null,
    decommissioned_on: (r.decommissioned_on as string | null) ?? null,
    access: r.access as SiteInventoryRow['access'],
    access_reason: (r.access_reason as string | null) ?? null,
    access_until: isoOf(r.access_until),
    monitoring: r.monitoring === 'heartbeat' ? 'heartbeat' : 'api',
    state: r.state as SiteState,
    since: isoOf(r.since),
  };
}

/** One page of the filtered inventory, by code, with how many sites match in all (the sites page's filters). */
export async function listSiteInventory(db: Db, filter: SiteFilter, page: { offset: number; limit: number }): Promise<{ sites: SiteInventoryRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    inventorySelect(db, filter).orderBy('s.code').offset(page.offset).limit(page.limit),
    baseQuery(db, filter).count('* as n').first(),
  ]);
  return { sites: (rows as Array<Record<string, unknown>>).map(toInventoryRow), total: Number((count as { n: number | string } | undefined)?.n ?? 0) };
}

/** One site of the inventory with its status now, or undefined for an unknown code. */
export async function findSiteInventory(db: Db, code: string): Promise<(SiteInventoryRow & { status: SiteInventoryStatus }) | undefined> {
  const row = (await inventorySelect(db, {})
    .where('s.code', code)
    .first('ss.last_poll_at', 'ss.cpu_load', 'ss.active_users', 'ss.uptime_seconds', 'ss.ros_version', 'ss.board', 'ss.rtt_ms', 'ss.last_error')) as
    | Record<string, unknown>
    | undefined;
  if (!row) return undefined;
  const site = toInventoryRow(row);
  return {
    ...site,
    status: {
      state: site.state,
      since: site.since,
      last_poll_at: isoOf(row.last_poll_at),
      cpu_load: numberOf(row.cpu_load),
      active_users: numberOf(row.active_users),
      uptime_seconds: numberOf(row.uptime_seconds),
      version: (row.ros_version as string | null) ?? null,
      board: (row.board as string | null) ?? null,
      rtt_ms: numberOf(row.rtt_ms),
      last_error: (row.last_error as string | null) ?? null,
    },
  };
}
