import type { Db, Tx } from '../index.js';

/**
 * One site as its admin page edits it. The router password never leaves the database in clear:
 * only whether one is set. RADIUS and the portal notice an edit through updated_at
 * (radius-clients.ts radiusClientsMarker), the controller at its next sweep.
 */
export interface SiteAdminRecord {
  id: number;
  code: string;
  name: string;
  category: string;
  areaCode: string | null;
  areaName: string | null;
  loginMethods: string[];
  access: 'open' | 'closed' | 'restricted';
  accessReason: string | null;
  accessUntil: Date | null;
  planName: string | null;
  routerHost: string | null;
  routerPort: number | null;
  routerTls: boolean;
  routerUser: string | null;
  hasRouterPassword: boolean;
  monitoring: 'api' | 'heartbeat';
  installedOn: string | null;
  commissionedOn: string | null;
  decommissionedOn: string | null;
}

/** What a save writes; `routerPassword` undefined keeps the stored one, null clears it, text is encrypted. */
export interface SiteAdminChange {
  name: string;
  category: string;
  areaCode: string;
  loginMethods: string[];
  access: 'open' | 'closed' | 'restricted';
  accessReason: string | null;
  accessUntil: Date | null;
  planId: number | null;
  routerHost: string | null;
  routerPort: number | null;
  routerTls: boolean;
  routerUser: string | null;
  routerPasswordEnc?: string | null;
  installedOn: string | null;
  commissionedOn: string | null;
  decommissionedOn: string | null;
}

const day = (value: Date | string | null): string | null => {
  if (value === null) return null;
  if (typeof value === 'string') return value.slice(0, 10);
  // a pg date arrives as local midnight
  return `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, '0')}-${String(value.getDate()).padStart(2, '0')}`;
};

export async function findSiteForAdmin(db: Db | Tx, code: string): Promise<SiteAdminRecord | undefined> {
  const r = await db('sites as s')
    .leftJoin('areas as a', 'a.code', 's.area_code')
    .leftJoin('plans as p', 'p.id', 's.plan_id')
    .where('s.code', code)
    .first(
      's.id', 's.code', 's.name', 's.category', 's.area_code', 'a.name as area_name', 's.login_methods', 's.access', 's.access_reason',
      's.access_until', 'p.name as plan_name', 's.router_host', 's.router_port', 's.router_tls', 's.router_user',
      db.raw('s.router_password_enc is not null as has_router_password'), 's.monitoring',
      db.raw('s.installed_on::text as installed_on'), db.raw('s.commissioned_on::text as commissioned_on'),
      db.raw('s.decommissioned_on::text as decommissioned_on'),
    );
  if (!r) return undefined;
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    category: r.category,
    areaCode: r.area_code,
    areaName: r.area_name,
    loginMethods: r.login_methods,
    access: r.access,
    accessReason: r.access_reason,
    accessUntil: r.access_until ? new Date(r.access_until) : null,
    planName: r.plan_name,
    routerHost: r.router_host,
    routerPort: r.router_port,
    routerTls: r.router_tls,
    routerUser: r.router_user,
    hasRouterPassword: r.has_router_password,
    monitoring: r.monitoring === 'heartbeat' ? 'heartbeat' : 'api',
    installedOn: day(r.installed_on),
    commissionedOn: day(r.commissioned_on),
    decommissionedOn: day(r.decommissioned_on),
  };
}

/** Writes a site's admin fields; false when there is no such site. */
export async function updateSiteAdmin(db: Db | Tx, code: string, change: SiteAdminChange, at: Date): Promise<boolean> {
  const row: Record<string, unknown> = {
    name: change.name,
    category: change.category,
    area_code: change.areaCode,
    login_methods: change.loginMethods,
    access: change.access,
    access_reason: change.accessReason,
    access_until: change.accessUntil,
    plan_id: change.planId,
    router_host: change.routerHost,
    router_port: change.routerPort,
    router_tls: change.routerTls,
    router_user: change.routerUser,
    installed_on: change.installedOn,
    commissioned_on: change.commissionedOn,
    decommissioned_on: change.decommissionedOn,
    updated_at: at,
  };
  if (change.routerPasswordEnc !== undefined) row.router_password_enc = change.routerPasswordEnc;
  return (await db('sites').where({ code }).update(row)) > 0;
}

/** Sites whose code or name contains `search` (case-insensitive), by code, at most `limit`. */
export async function searchSitesForAdmin(db: Db | Tx, search: string, limit = 50): Promise<Array<{ code: string; name: string; areaName: string | null }>> {
  const q = db('sites as s').leftJoin('areas as a', 'a.code', 's.area_code').orderBy('s.code').limit(limit).select('s.code', 's.name', 'a.name as area_name');
  const text = search.trim();
  if (text) {
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q.where((w) => w.whereILike('s.code', like).orWhereILike('s.name', like));
  }
  const rows: Array<{ code: string; name: string; area_name: string | null }> = await q;
  return rows.map((r) => ({ code: r.code, name: r.name, areaName: r.area_name }));
}

/** The kelurahan to choose from, by name. */
export async function listKelurahan(db: Db | Tx): Promise<Array<{ code: string; name: string }>> {
  return db('areas').where({ level: 'kelurahan' }).orderBy('name').select('code', 'name');
}
