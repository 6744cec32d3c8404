import { randomMac } from '../hotspot/clients.js';
import { startHotspot, type Hotspot } from '../hotspot/index.js';
import { seededRandom } from '../seeded-random.js';
import { rateSite, reportProblem, visitHotspot, type LoginWay } from './visit.js';

/** A site citizens visit: its code (the router's identity) and the loopback address its router's RADIUS packets come from (its NAS). */
export interface CitizenSite {
  code: string;
  nasAddress: string;
}

export interface CrowdOptions {
  sites: readonly CitizenSite[];
  /** the captive portal's URL, as the routers' login.html names it */
  portalUrl: string;
  radius: { host: string; authPort: number; acctPort: number; secret: string };
  /** how many citizens online at a time, about */
  targetOnline: number;
  /** a visit lasts from half to one and a half times this */
  meanStaySeconds: number;
  /** interim accounting this often during a visit (the plan's Acct-Interim-Interval) */
  interimSeconds: number;
  /** emulated hotspots running at once: citizens visit this many sites, spread over the city */
  maxHotspots: number;
  /** logins under way at once (the embedded database serves one connection) */
  maxLoginsInFlight: number;
  seed: number;
  /** voucher codes some citizens type in; each is used once */
  vouchers?: string[];
  /** share of visits that log in with a voucher while some are left; default 0.1 */
  voucherShare?: number;
  /** share of visits that rate the site; default 0.15 */
  ratingShare?: number;
  /** share of visits that report a problem; default 0.02 */
  reportShare?: number;
  /** share of arrivals that are phones seen before (MAC login, no portal); default 0.2 */
  returningShare?: number;
  onEvent?: (event: CrowdEvent) => void;
}

export type CrowdEvent =
  | { kind: 'online'; site: string; how: string }
  | { kind: 'failed'; site: string; reason: string }
  | { kind: 'left'; site: string; seconds: number; bytes: number }
  | { kind: 'voice'; site: string; what: 'rating' | 'report'; ok: boolean };

export interface CrowdStats {
  online: number;
  logins: number;
  failures: number;
  left: number;
  ratings: number;
  reports: number;
  hotspots: number;
}

export interface Crowd {
  stats(): CrowdStats;
  /** Stops arrivals, logs every citizen out (Accounting Stop) and closes the hotspots. */
  close(): Promise<void>;
}

interface Visitor {
  mac: string;
  site: CitizenSite;
  hotspot: Hotspot;
  startedAt: number;
  timers: NodeJS.Timeout[];
}

const TICK_MS = 1000;

/** A busy hour's traffic per minute online: 0.5 to 8 MB down, a tenth of that up. */
const BYTES_PER_MINUTE = [500_000, 8_000_000];

/**
 * Simulated citizens over the emulated hotspots: they arrive at a steady rate (faster while the crowd
 * is short of its target), go online through the portal and RADIUS (click-through, a voucher, or by
 * MAC login for a phone seen before), use some data with interim accounting, and leave with a Stop.
 * Some rate the site or report a problem through the portal's forms. Everything goes over the
 * network as a real phone and router would: HTTP to the hotspot and portal, RADIUS from the router.
 */
export function startCitizens(options: CrowdOptions): Crowd {
  const random = seededRandom(options.seed);
  const sites = spread(options.sites, options.maxHotspots);
  const hotspots = new Map<string, Promise<Hotspot>>();
  const visitors = new Map<string, Visitor>();
  const pastPhones: string[] = [];
  const vouchers = [...(options.vouchers ?? [])];
  const stats = { logins: 0, failures: 0, left: 0, ratings: 0, reports: 0 };
  let inFlight = 0;
  const arrivals = new Set<Promise<void>>();
  const pending = new Set<NodeJS.Timeout>();
  let closing = false;
  const emit = (event: CrowdEvent) => options.onEvent?.(event);
  const rate = options.targetOnline / options.meanStaySeconds;

  function hotspotFor(site: CitizenSite): Promise<Hotspot> {
    let h = hotspots.get(site.code);
    if (!h) {
      h = startHotspot({
        portalUrl: options.portalUrl,
        radius: { ...options.radius, timeoutMs: 3000, retries: 2, localAddress: site.nasAddress },
        identity: site.code,
        nasIp: site.nasAddress,
      });
      hotspots.set(site.code, h);
      h.catch(() => hotspots.delete(site.code));
    }
    return h;
  }

  function chooseWay(): LoginWay {
    if (vouchers.length > 0 && random() < (options.voucherShare ?? 0.1)) return { kind: 'voucher', code: vouchers.pop()! };
    return { kind: 'click' };
  }

  async function arrive(): Promise<void> {
    const site = sites[Math.floor(random() * sites.length)];
    const returning = pastPhones.length > 0 && random() < (options.returningShare ?? 0.2);
    const mac = returning ? pastPhones.splice(Math.floor(random() * pastPhones.length), 1)[0] : randomMac();
    if (visitors.has(mac)) return;
    const pick = Math.floor(random() * 1000);
    const way = chooseWay();
    const wantsRating = random() < (options.ratingShare ?? 0.15);
    const wantsReport = random() < (options.reportShare ?? 0.02);
    const stay = options.meanStaySeconds * (0.5 + random()) * 1000;
    const rating = 1 + Math.min(4, Math.floor(random() * 5 + random() * 2));
    inFlight += 1;
    try {
      const hotspot = await hotspotFor(site);
      if (closing) return;
      const outcome = await visitHotspot(hotspot, mac, way, pick);
      if (!outcome.online) {
        stats.failures += 1;
        emit({ kind: 'failed', site: site.code, reason: outcome.reason });
        return;
      }
      stats.logins += 1;
      if (closing) {
        await hotspot.logout(mac, 'Admin-Reboot').catch(() => undefined);
        return;
      }
      emit({ kind: 'online', site: site.code, how: outcome.how });
      const visitor: Visitor = { mac, site, hotspot, startedAt: Date.now(), timers: [] };
      visitors.set(mac, visitor);
      const perInterim = (BYTES_PER_MINUTE[0] + random() * (BYTES_PER_MINUTE[1] - BYTES_PER_MINUTE[0])) * (options.interimSeconds / 60);
      visitor.timers.push(
        setInterval(() => {
          const down = Math.round(perInterim * (0.5 + random()));
          hotspot.interim(mac, { outputOctets: down, inputOctets: Math.round(down / 10), outputPackets: Math.round(down / 1200), inputPackets: Math.round(down / 6000) }).catch(() => undefined);
        }, options.interimSeconds * 1000),
        setTimeout(() => void leave(visitor), stay),
      );
      if (wantsRating) later(() => speak(site.code, 'rating', () => rateSite(options.portalUrl, site.code, mac, rating, pick)), Math.min(stay / 2, 60_000));
      if (wantsReport && outcome.online && 'reportUrl' in outcome && outcome.reportUrl) {
        const url = outcome.reportUrl;
        later(() => speak(site.code, 'report', () => reportProblem(url, pick)), Math.min(stay / 3, 45_000));
      }
    } catch (error) {
      stats.failures += 1;
      emit({ kind: 'failed', site: site.code, reason: error instanceof Error ? error.message : String(error) });
    } finally {
      inFlight -= 1;
    }
  }

  /** A rating or report a little after going online; forgotten when the crowd closes. */
  function later(work: () => Promise<void>, ms: number): void {
    const t = setTimeout(() => {
      pending.delete(t);
      void work();
    }, ms);
    pending.add(t);
  }

  async function speak(site: string, what: 'rating' | 'report', say: () => Promise<boolean>): Promise<void> {
    if (closing) return;
    const ok = await say().catch(() => false);
    if (ok) stats[what === 'rating' ? 'ratings' : 'reports'] += 1;
    emit({ kind: 'voice', site, what, ok });
  }

  async function leave(visitor: Visitor, cause = 'User-Request'): Promise<void> {
    for (const t of visitor.timers) clearTimeout(t);
    if (!visitors.delete(visitor.mac)) return;
    const session = visitor.hotspot.clients.get(visitor.mac)?.session;
    const bytes = session ? session.inputOctets + session.outputOctets : 0;
    await visitor.hotspot.logout(visitor.mac, cause).catch(() => undefined);
    stats.left += 1;
    if (pastPhones.length < 2000) pastPhones.push(visitor.mac);
    emit({ kind: 'left', site: visitor.site.code, seconds: Math.round((Date.now() - visitor.startedAt) / 1000), bytes });
  }

  let carry = 0;
  const timer = setInterval(() => {
    if (closing) return;
    // Steady arrivals, and faster while the crowd is short of its target (a fresh start fills in about a minute).
    const short = options.targetOnline - visitors.size - inFlight;
    carry += Math.max(rate, short / 30) * (TICK_MS / 1000);
    while (carry >= 1 && inFlight < options.maxLoginsInFlight) {
      carry -= 1;
      const arrival = arrive();
      arrivals.add(arrival);
      void arrival.finally(() => arrivals.delete(arrival));
    }
    carry = Math.min(carry, options.maxLoginsInFlight);
  }, TICK_MS);

  return {
    stats: () => ({ online: visitors.size, ...stats, hotspots: hotspots.size }),
    async close() {
      closing = true;
      clearInterval(timer);
      for (const t of pending) clearTimeout(t);
      pending.clear();
      await Promise.allSettled([...arrivals]);
      const everyone = [...visitors.values()];
      for (let i = 0; i < everyone.length; i += 50) {
        await Promise.all(everyone.slice(i, i + 50).map((v) => leave(v, 'Admin-Reboot')));
      }
      const started = await Promise.allSettled(hotspots.values());
      for (const h of started) if (h.status === 'fulfilled') await h.value.close();
    },
  };
}

/** `count` of the sites, evenly spread through the list (the sites are listed by kelurahan). */
function spread(sites: readonly CitizenSite[], count: number): CitizenSite[] {
  if (sites.length <= count) return [...sites];
  const step = sites.length / count;
  return Array.from({ length: count }, (_, i) => sites[Math.floor(i * step)]);
}
