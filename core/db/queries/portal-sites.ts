import type { Clock } from '../../domain/clock.js';
import type { Db } from '../index.js';

export type LoginMethod = 'click' | 'otp' | 'voucher';

/** What the portal needs to know about a site to show its login page. */
export interface PortalSite {
  id: number;
  code: string;
  name: string;
  /** kelurahan name, and its kecamatan, when the site has an area */
  areaName: string | null;
  districtName: string | null;
  access: 'open' | 'closed' | 'restricted';
  loginMethods: LoginMethod[];
  /** the site's own plan, or null (RADIUS then uses the plan named default) */
  planId: number | null;
  /** how many days a device verified here is remembered (the effective plan's remember_device_days) */
  rememberDeviceDays: number;
  /** the router's own host name, accepted in link-login-only besides private IPv4 addresses */
  hotspotHost: string | null;
}

interface SiteRow {
  id: number;
  code: string;
  name: string;
  area_name: string | null;
  district_name: string | null;
  access: PortalSite['access'];
  login_methods: string[] | string;
  plan_id: number | null;
  remember_device_days: number | null;
  hotspot_host: string | null;
}

const KNOWN_METHODS: ReadonlySet<string> = new Set(['click', 'otp', 'voucher']);

/** text[] arrives as an array from pg; as '{a,b}' text from some drivers. */
function methodsOf(value: string[] | string): LoginMethod[] {
  const list = Array.isArray(value) ? value : value.replace(/^\{|\}$/g, '').split(',');
  return list.filter((m): m is LoginMethod => KNOWN_METHODS.has(m));
}

const DEFAULT_REMEMBER_DAYS = 7;

/**
 * The site behind a router's identity: the site whose code is the identity, else the site of the
 * NAS whose nas_identifier is the identity. Undefined for an unknown router.
 */
export async function findPortalSite(db: Db, identity: string): Promise<PortalSite | undefined> {
  const result = await db.raw(
    `select s.id, s.code, s.name, a.name as area_name, d.name as district_name, s.access, s.login_methods,
            s.plan_id, s.hotspot_host,
            coalesce(sp.remember_device_days, dp.remember_device_days) as remember_device_days
       from sites s
       left join areas a on a.code = s.area_code
       left join areas d on d.code = a.parent_code
       left join plans sp on sp.id = s.plan_id
       left join plans dp on dp.name = 'default'
      where s.code = ?
         or s.id = (select n.site_id from nas n where n.nas_identifier = ? and n.site_id is not null order by n.id limit 1)
      order by (s.code = ?) desc
      limit 1`,
    [identity, identity, identity],
  );
  const row = (result.rows as SiteRow[])[0];
  if (!row) return undefined;
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    areaName: row.area_name,
    districtName: row.district_name,
    access: row.access,
    loginMethods: methodsOf(row.login_methods),
    planId: row.plan_id,
    rememberDeviceDays: row.remember_device_days ?? DEFAULT_REMEMBER_DAYS,
    hotspotHost: row.hotspot_host,
  };
}

export interface SiteCache {
  /** the site for an identity; a page view normally costs no database round trip */
  find(identity: string): Promise<PortalSite | undefined>;
  /**
   * The site for an identity when it is already loaded and fresh, without a promise (the login page's
   * fast path); undefined when it is not (find then loads it), null for a router known not to exist.
   */
  peek(identity: string): PortalSite | null | undefined;
  clear(): void;
}

export interface SiteCacheOptions {
  clock: Clock;
  /** how long a found site is kept (an operator's change shows within this) */
  ttlSeconds?: number;
  /** how long "no such router" is kept: short, so a newly registered router works at once */
  missTtlSeconds?: number;
  /** the cache is emptied when it grows past this many identities (random identities cannot fill memory) */
  maxEntries?: number;
}

/**
 * Site look-ups kept in memory for the login page (thousands of views per second after a city-wide
 * power cut). Concurrent look-ups of the same identity share one query.
 */
export function createSiteCache(db: Db, options: SiteCacheOptions): SiteCache {
  const ttl = (options.ttlSeconds ?? 60) * 1000;
  const missTtl = (options.missTtlSeconds ?? 10) * 1000;
  const maxEntries = options.maxEntries ?? 20_000;
  /** `loaded` is set once the look-up has settled: the site, or null for no such router. */
  type Entry = { expires: number; site: Promise<PortalSite | undefined>; loaded?: PortalSite | null };
  const entries = new Map<string, Entry>();
  return {
    find(identity) {
      const now = options.clock().getTime();
      const cached = entries.get(identity);
      if (cached && cached.expires > now) return cached.site;
      if (entries.size >= maxEntries) entries.clear();
      const entry: Entry = { expires: now + ttl, site: findPortalSite(db, identity) };
      entries.set(identity, entry);
      entry.site.then(
        (site) => {
          if (!site) entry.expires = now + missTtl;
          entry.loaded = site ?? null;
        },
        () => entries.delete(identity),
      );
      return entry.site;
    },
    peek(identity) {
      const cached = entries.get(identity);
      if (!cached || cached.loaded === undefined || cached.expires <= options.clock().getTime()) return undefined;
      return cached.loaded;
    },
    clear() {
      entries.clear();
    },
  };
}
