import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { PortalSite } from '../../core/db/queries/portal-sites.js';
import { CSRF_COOKIE, csrfTokenFor, isValidCsrfSeed, newCsrfSeed } from '../csrf.js';
import { kitOf } from '../kit.js';
import { languageOf, parseCookies } from '../locals.js';
import { readLoginQuery } from '../login-query.js';
import { buildRouterContext, readRouterVariables } from '../router-context.js';
import { securityHeaderEntries } from '../security-headers.js';
import { plainLoginPage } from './shared.js';

/**
 * GET /login straight from the router, the page a city-wide reconnect asks for thousands of times a
 * second, ahead of every other layer of the app, the request counter included: the pre-rendered page
 * with its two tokens spliced in, its headers (helmet's, worked out once) written at once, and the
 * request counted here (route "/login", as the usual route is). The query is read from the request
 * line (login-query.ts), and a site already in the cache is used without a promise. Anything else (a
 * `ctx`, a `lang` to keep, a router error, a problem, a page not rendered yet, HEAD, an unusual
 * query) goes on, untouched, to the request counter and the usual route, which does the same work
 * with every feature.
 */
const COUNTED = Object.freeze({ route: '/login', method: 'GET', status: 200 });
const TIMED = Object.freeze({ route: '/login' });
const NO_COOKIES: Record<string, string> = Object.freeze(Object.create(null) as Record<string, string>);

export function fastLoginPage(): RequestHandler {
  const fixed: string[] = [];
  for (const [name, value] of securityHeaderEntries()) fixed.push(name, value);
  fixed.push('Cache-Control', 'no-store', 'Content-Type', 'text/html; charset=utf-8');
  // Two header lists, filled in place for each page (writeHead copies them out at once): Content-Length
  // is the last value, and the CSRF cookie comes before it for a first visit.
  const plain = [...fixed, 'Content-Length', ''];
  const withCookie = [...fixed, 'Set-Cookie', '', 'Content-Length', ''];

  /** The page for a site, or false when the usual route must answer instead. */
  function answer(req: Request, res: Response, site: PortalSite, vars: NonNullable<ReturnType<typeof readRouterVariables>>, started: bigint): boolean {
    const { deps, metrics } = kitOf(req);
    const built = buildRouterContext(vars, site.hotspotHost, deps.clock());
    if (!built.ok) return false;
    // A first visit sends no cookies: nothing to parse or to keep on the request.
    const cookies = req.headers.cookie === undefined ? NO_COOKIES : parseCookies(req);
    const page = plainLoginPage(req, cookies, site, languageOf(req, cookies), built.ctx);
    if (!page) return false;
    let headers = plain;
    let seed = cookies[CSRF_COOKIE];
    if (!isValidCsrfSeed(seed)) {
      seed = newCsrfSeed();
      headers = withCookie;
      // As res.cookie writes it (HttpOnly, SameSite=Lax, Secure over HTTPS).
      headers[headers.length - 3] = `${CSRF_COOKIE}=${seed}; Path=/; HttpOnly; ${req.secure ? 'Secure; ' : ''}SameSite=Lax`;
    }
    const html = page(csrfTokenFor(deps.box, seed));
    headers[headers.length - 1] = String(Buffer.byteLength(html));
    res.writeHead(200, headers);
    res.end(html);
    metrics.requests.inc(COUNTED);
    metrics.latency.observe(TIMED, Number(process.hrtime.bigint() - started) / 1e9);
    return true;
  }

  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET') return next();
    const started = process.hrtime.bigint();
    const query = readLoginQuery(req.url);
    if (!query) return next();
    const vars = readRouterVariables(query);
    if (!vars || !vars.identity || vars.error) return next();
    const { sites } = kitOf(req);
    const known = sites.peek(vars.identity);
    if (known !== undefined) {
      if (!known || !answer(req, res, known, vars, started)) next();
      return;
    }
    sites
      .find(vars.identity)
      .then((site) => {
        if (!site || !answer(req, res, site, vars, started)) next();
      })
      .catch(next);
  };
}
