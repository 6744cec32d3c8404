import { SITE_STATES, type SiteState } from '../../domain/site-state.js';
import type { Db } from '../index.js';

/** How many sites are in each state now (a site never polled is unknown), and the sites that are down. */
export interface StateCounts {
  total: number;
  byState: Record<SiteState, number>;
}

export async function countSitesByState(db: Db): Promise<StateCounts> {
  const rows = await db('sites as s')
    .leftJoin('site_status as ss', 'ss.site_id', 's.id')
    .select(db.raw(`coalesce(ss.state, 'unknown') as state`))
    .count('* as n')
    .groupByRaw(`coalesce(ss.state, 'unknown')`);
  const byState = Object.fromEntries(SITE_STATES.map((s) => [s, 0])) as Record<SiteState, number>;
  let total = 0;
  for (const row of rows as Array<{ state: SiteState; n: number | string }>) {
    byState[row.state] = Number(row.n);
    total += Number(row.n);
  }
  return { total, byState };
}

export interface DownSite {
  code: string;
  name: string;
  areaName: string | null;
  since: Date;
  lastError: string | null;
}

/** Sites down now, the longest down first (at most `limit`). */
export async function listDownSites(db: Db, limit: number): Promise<DownSite[]> {
  const rows = await db('site_status as ss')
    .join('sites as s', 's.id', 'ss.site_id')
    .leftJoin('areas as a', 'a.code', 's.area_code')
    .where('ss.state', 'down')
    .orderBy('ss.since')
    .limit(limit)
    .select('s.code', 's.name', 'a.name as area_name', 'ss.since', 'ss.last_error');
  return rows.map((r) => ({ code: r.code, name: r.name, areaName: r.area_name, since: new Date(r.since), lastError: r.last_error }));
}
