import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The servlet pages a router serves from its html-directory, the ones citywifi ships or may ship. */
export type PageName = 'login' | 'alogin' | 'flogin' | 'status' | 'logout';
const PAGE_NAMES: PageName[] = ['login', 'alogin', 'flogin', 'status', 'logout'];

/** portal/router-files, next to the compiled sim as scripts/copy-assets.mjs lays it out in dist/. */
export const DEFAULT_ROUTER_FILES_DIR = fileURLToPath(new URL('../../portal/router-files/', import.meta.url));

/** The line of login.html that an operator edits: the portal's address. */
const BASE_LINE = /<base href="[^"]*">/;

export type RouterPages = Partial<Record<PageName, string>>;

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The portal's address as the <base> line needs it: absolute http(s), ending with a slash. */
export function portalBaseUrl(portalUrl: string): string {
  const url = new URL(portalUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the portal URL must be http(s), not ${portalUrl}`);
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.toString();
}

/**
 * Reads the pages as they would be uploaded to a router, with the operator's one edit made: the
 * portal address on login.html's <base> line. A page that is missing is left out, as on a router.
 */
export function loadRouterPages(portalUrl: string, dir = DEFAULT_ROUTER_FILES_DIR): RouterPages {
  const base = `<base href="${escapeAttribute(portalBaseUrl(portalUrl))}">`;
  const pages: RouterPages = {};
  for (const name of PAGE_NAMES) {
    const file = join(dir, `${name}.html`);
    if (existsSync(file)) pages[name] = readFileSync(file, 'utf8').replace(BASE_LINE, base);
  }
  if (!pages.login) throw new Error(`no login.html in ${dir}`);
  if (!BASE_LINE.test(pages.login)) throw new Error(`${join(dir, 'login.html')} has no <base href="…"> line for the portal address`);
  return pages;
}
