import { isIP } from 'node:net';

/**
 * Where the portal may send a citizen's browser. link-login-only is where the browser posts the
 * credential: it must be the router itself (a private IPv4 address, or the site's registered
 * hotspot host name), never an outside host (no open redirect, no credential sent elsewhere).
 * dst and link-orig are only followed by the router after login, but must still be http(s) URLs.
 */

const MAX_URL_LENGTH = 2048;

function parseHttpUrl(text: string): URL | undefined {
  if (text.length === 0 || text.length > MAX_URL_LENGTH) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password) return undefined;
  return url;
}

/** 10/8, 172.16/12, 192.168/16: where a MikroTik Hotspot's own address lives. */
export function isPrivateIpv4(address: string): boolean {
  if (isIP(address) !== 4) return false;
  const [a, b] = address.split('.').map(Number);
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/**
 * link-login-only, validated: an http(s) URL whose host is a private IPv4 address or exactly the
 * site's hotspot host (case-insensitive). Returns the URL in normal form, or undefined.
 */
export function validateLinkLoginOnly(text: string, hotspotHost: string | null | undefined): string | undefined {
  const url = parseHttpUrl(text);
  if (!url) return undefined;
  const host = url.hostname.toLowerCase();
  const registered = hotspotHost?.trim().toLowerCase();
  if (isPrivateIpv4(host) || (registered && host === registered)) return url.toString();
  return undefined;
}

/** dst / link-orig: any http(s) URL (the router follows it after login), else undefined. */
export function validateDestination(text: string): string | undefined {
  return parseHttpUrl(text)?.toString();
}

/** The origin of a validated URL, for a Content-Security-Policy form-action. */
export function originOf(url: string): string {
  return new URL(url).origin;
}
