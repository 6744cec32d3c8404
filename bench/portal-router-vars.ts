// The variables a MikroTik hotspot's login.html passes to the portal's GET /login, in the router's
// exact format: chap-id and chap-challenge as literal octal escapes (`\371`), one per byte, even for
// printable bytes (PROTOCOLS.md A.2).
import { randomBytes } from 'node:crypto';

/** The hotspot the bench pretends to be: its identity is the site's code and the NAS identifier. */
export const BENCH_ROUTER = {
  identity: 'bench-taman-kota',
  serverName: 'hotspot1',
  /** link-login-only: the router's own address, private IPv4 as on a real hotspot. */
  hotspotAddress: '10.5.50.1',
  linkOrig: 'http://www.example.com/',
} as const;

export interface RouterVisit {
  mac: string;
  ip: string;
  chapId: number;
  challenge: Buffer;
  /** The query string of GET /login, without the `?`. */
  query: string;
}

/** Each byte as MikroTik writes it into $(chap-id) and $(chap-challenge): a backslash and 3 octal digits. */
export function octalEscape(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += `\\${b.toString(8).padStart(3, '0')}`;
  return out;
}

/** The n-th emulated phone: a unique MAC in MikroTik's uppercase format and an address in 10.5.0.0/16. */
export function phoneFor(n: number): { mac: string; ip: string } {
  const hex = (n >>> 0).toString(16).padStart(8, '0').toUpperCase();
  return {
    mac: `02:B3:${hex.match(/../g)!.join(':')}`,
    ip: `10.5.${(n >> 8) & 255}.${(n & 255) || 1}`,
  };
}

/** What the router's login.html sends to the portal for the n-th phone, with a fresh CHAP id and challenge. */
export function routerVisit(n: number, entropy: Buffer = randomBytes(17)): RouterVisit {
  const { mac, ip } = phoneFor(n);
  const chapId = entropy[0];
  const challenge = Buffer.from(entropy.subarray(1, 17));
  const linkLoginOnly = `http://${BENCH_ROUTER.hotspotAddress}/login`;
  const params = new URLSearchParams([
    ['mac', mac],
    ['ip', ip],
    ['username', `T-${mac}`],
    ['link-login', `${linkLoginOnly}?dst=${encodeURIComponent(BENCH_ROUTER.linkOrig)}`],
    ['link-login-only', linkLoginOnly],
    ['link-orig', BENCH_ROUTER.linkOrig],
    ['chap-id', octalEscape(Buffer.of(chapId))],
    ['chap-challenge', octalEscape(challenge)],
    ['error', ''],
    ['identity', BENCH_ROUTER.identity],
    ['server-name', BENCH_ROUTER.serverName],
  ]);
  return { mac, ip, chapId, challenge, query: params.toString() };
}

/** `count` distinct GET /login paths, for the page-view load (wrk cycles through them). */
export function loginPaths(count: number): string[] {
  const entropy = randomBytes(count * 17);
  return Array.from({ length: count }, (_, i) => `/login?${routerVisit(i + 1, entropy.subarray(i * 17, i * 17 + 17)).query}`);
}
