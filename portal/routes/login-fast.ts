import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { CSRF_COOKIE, csrfTokenFor, isValidCsrfSeed, newCsrfSeed } from '../csrf.js';
import { kitOf } from '../kit.js';
import { languageOf, parseCookies } from '../locals.js';
import { buildRouterContext, readRouterVariables } from '../router-context.js';
import { securityHeaderEntries } from '../security-headers.js';
import { plainLoginPage } from './shared.js';

/**
 * GET /login straight from the router, the page a city-wide reconnect asks for thousands of times a
 * second, in one step ahead of the app's other layers: the pre-rendered page with its two tokens
 * spliced in, its headers (helmet's, worked out once) written at once. It is a plain middleware, not
 * a route: Express matches it without a route's own dispatch. Anything else (a `ctx`, a
 * `lang` to keep, a router error, a problem, a page not rendered yet, HEAD) goes on to the usual
 * route, which does the same work with every feature.
 */
const LOGIN_ROUTE = Object.freeze({ path: '/login' });

export function fastLoginPage(): RequestHandler {
  const fixed: string[] = [];
  for (const [name, value] of securityHeaderEntries()) fixed.push(name, value);
  fixed.push('Cache-Control', 'no-store', 'Content-Type', 'text/html; charset=utf-8');
  // Two header lists, filled in place for each page (writeHead copies them out at once): Content-Length
  // is the last value, and the CSRF cookie comes before it for a first visit.
  const plain = [...fixed, 'Content-Length', ''];
  const withCookie = [...fixed, 'Set-Cookie', '', 'Content-Length', ''];
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || req.path !== '/login') return next();
    // The metrics label of the route (as Express sets req.route for router.get('/login')).
    (req as unknown as { route: { path: string } }).route = LOGIN_ROUTE;
    const query = req.query as Record<string, unknown>;
    // Express 5 parses the query string again on every read of req.query: parse it once per request.
    Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true, enumerable: true });
    if (query.ctx !== undefined || query.lang !== undefined) return next();
    const vars = readRouterVariables(query);
    if (!vars || !vars.identity || vars.error) return next();
    const { deps, sites } = kitOf(req);
    sites
      .find(vars.identity)
      .then((site) => {
        if (!site) return next();
        const built = buildRouterContext(vars, site.hotspotHost, deps.clock());
        if (!built.ok) return next();
        const cookies = parseCookies(req);
        const page = plainLoginPage(req, cookies, site, languageOf(req, cookies), built.ctx);
        if (!page) return next();
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
      })
      .catch(next);
  };
}
