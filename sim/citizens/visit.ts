import { MAC_COOKIE, type Hotspot } from '../hotspot/index.js';
import { findLinkTo, Phone, type Page } from './phone.js';

/** How a citizen logs in on the portal. */
export type LoginWay = { kind: 'click' } | { kind: 'voucher'; code: string };

export type VisitOutcome =
  | { online: true; how: 'click' | 'voucher' | 'mac'; reportUrl?: string }
  | { online: false; reason: string };

const USER_AGENTS = [
  'Mozilla/5.0 (Linux; Android 11; SM-A125F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 10; Redmi 9A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
];

const PAGES = ['berita', 'generate_204', 'jadwal-krl', 'video'];

/** The router's "internet" page says so once the phone is online. */
function isOnline(page: Page): boolean {
  return page.status === 200 && /You are online through the hotspot/.test(page.html);
}

function firstLine(page: Page): string {
  const text = page.html.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  return `${page.status} ${text.slice(0, 120)}`;
}

/**
 * One citizen joining a site's Wi-Fi (DESIGN.md "A citizen going online"): the phone asks for a page,
 * the hotspot sends it through the router's login.html to the portal, the citizen logs in there, the
 * handoff form goes back to the router, and the router asks RADIUS. A phone the network remembers
 * comes straight online by MAC login.
 */
export async function visitHotspot(hotspot: Hotspot, mac: string, way: LoginWay, pick: number): Promise<VisitOutcome> {
  const phone = new Phone(USER_AGENTS[pick % USER_AGENTS.length]);
  phone.setCookie('127.0.0.1', MAC_COOKIE, mac);
  const first = await phone.open(`${hotspot.url}${PAGES[pick % PAGES.length]}`);
  if (hotspot.clients.get(mac)?.session) return { online: true, how: 'mac' };
  if (first.status !== 200 || !/\/login\?/.test(first.url)) return { online: false, reason: `no login page: ${firstLine(first)}` };
  const reportUrl = findLinkTo(first, '/report');
  const handoff =
    way.kind === 'voucher'
      ? await phone.submit(first, { action: '/login/voucher' }, { code: way.code, accept_terms: 'yes' })
      : await phone.submit(first, { action: '/login/click' }, { accept_terms: 'yes' });
  if (handoff.status !== 200 || !/id="handoff"/.test(handoff.html)) return { online: false, reason: `portal refused: ${firstLine(handoff)}` };
  const after = await phone.submit(handoff, { id: 'handoff' });
  if (!hotspot.clients.get(mac)?.session && !isOnline(after)) return { online: false, reason: `router refused: ${firstLine(after)}` };
  return { online: true, how: way.kind, reportUrl };
}

const COMMENTS = ['', '', 'Cepat, terima kasih', 'Lumayan', 'Kadang putus', 'Mantap buat belajar', 'Sinyal lemah di pojok taman'];
const REPORTS: Array<[kind: string, comment: string]> = [
  ['slow', 'Lambat sekali sore ini'],
  ['no-internet', 'Terhubung tapi tidak bisa buka apa-apa'],
  ['device-broken', 'Lampu router mati'],
  ['other', 'Tolong tambah titik di dekat masjid'],
];

/** A one-tap rating on the portal's status page (the portal finds the site from identity). */
export async function rateSite(portalUrl: string, siteCode: string, mac: string, rating: number, pick: number): Promise<boolean> {
  const phone = new Phone(USER_AGENTS[pick % USER_AGENTS.length]);
  const status = await phone.open(`${portalUrl}/status?mac=${encodeURIComponent(mac)}&identity=${encodeURIComponent(siteCode)}`);
  const done = await phone.submit(status, { action: '/feedback' }, { rating: String(rating), comment: COMMENTS[pick % COMMENTS.length] });
  return done.status === 200;
}

/** A problem report through the link every portal page carries. */
export async function reportProblem(reportUrl: string, pick: number): Promise<boolean> {
  const phone = new Phone(USER_AGENTS[pick % USER_AGENTS.length]);
  const form = await phone.open(reportUrl);
  const [kind, comment] = REPORTS[pick % REPORTS.length];
  const done = await phone.submit(form, { action: '/report' }, { kind, comment });
  return done.status === 200;
}
