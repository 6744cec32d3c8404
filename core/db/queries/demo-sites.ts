import type { Tx } from '../index.js';

/**
 * The demo's sites and their routers' NAS entries, written in a few statements (`citywifi demo` seeds
 * 1,500 on the single-connection embedded database, and again at each start because the emulated
 * routers' ports change).
 */

export interface DemoSiteRow {
  code: string;
  name: string;
  area_code: string;
  category: string;
  address: string;
  lat: number;
  lon: number;
  installed_on: string;
  commissioned_on: string;
  plan_id: number;
  hotspot_host: string;
  router_host: string;
  router_port: number;
  router_user: string;
  router_password_enc: string;
}

export interface DemoNasRow {
  name: string;
  address: string;
  secret_enc: string;
  site_code: string | null;
}

const BATCH = 500;

/** Inserts or updates the sites by code; returns each site's id by code. */
export async function upsertDemoSites(tx: Tx, rows: DemoSiteRow[], at: Date): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let i = 0; i < rows.length; i += BATCH) {
    const chunk = rows.slice(i, i + BATCH).map((r) => ({ ...r, updated_at: at }));
    const written = await tx('sites')
      .insert(chunk)
      .onConflict('code')
      .merge(['plan_id', 'hotspot_host', 'router_host', 'router_port', 'router_user', 'router_password_enc', 'updated_at'])
      .returning(['id', 'code']);
    for (const w of written as Array<{ id: number; code: string }>) ids.set(w.code, w.id);
  }
  return ids;
}

/** Inserts or updates NAS entries by address, each tied to its site (the router's identity is the site code). */
export async function upsertDemoNas(tx: Tx, rows: DemoNasRow[], siteIds: ReadonlyMap<string, number>, at: Date): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    const chunk = rows.slice(i, i + BATCH).map((r) => ({
      name: r.name,
      address: r.address,
      secret_enc: r.secret_enc,
      site_id: r.site_code ? (siteIds.get(r.site_code) ?? null) : null,
      nas_identifier: r.site_code,
      updated_at: at,
    }));
    await tx('nas').insert(chunk).onConflict('address').merge(['secret_enc', 'site_id', 'nas_identifier', 'updated_at']);
  }
}

/** The demo's sites that exist already, by code (a restart reuses them). */
export async function countSitesWithPrefix(tx: Tx, prefix: string): Promise<number> {
  const row = await tx('sites').where('code', 'like', `${prefix}%`).count({ n: '*' }).first();
  return Number((row as { n: string | number } | undefined)?.n ?? 0);
}
