import type { Request, Response, Router } from 'express';
import { kitOf } from '../kit.js';
import { buildRouterContext, readRouterVariables, type ContextProblem } from '../router-context.js';
import { readRouterContext, renderLogin, renderProblem } from './shared.js';

const PROBLEM_MESSAGES: Record<ContextProblem, string> = {
  'no-identity': 'problem.unknownRouter',
  'bad-mac': 'problem.noMac',
  'bad-link-login': 'problem.badRedirect',
  'bad-destination': 'problem.badRedirect',
  'bad-chap': 'problem.badChap',
};

/**
 * GET /login (or POST, as the router's login.html may send it): the router's variables, exactly as a
 * MikroTik Hotspot passes them, or a signed `ctx` from one of the portal's own pages.
 */
async function showLoginPage(req: Request, res: Response, source: Record<string, unknown>): Promise<void> {
  const { deps, sites } = kitOf(req);
  if (source.ctx !== undefined) {
    const ctx = readRouterContext(req, source.ctx);
    if (!ctx) return renderProblem(res, 400, 'problem.expired');
    const site = await sites.find(ctx.identity);
    if (!site) return renderProblem(res, 404, 'problem.unknownRouter', { headingKey: 'problem.unknownRouterTitle' });
    return renderLogin(req, res, { ctx, site });
  }
  const vars = readRouterVariables(source);
  if (!vars) return renderProblem(res, 400, 'problem.badInput');
  const site = vars.identity ? await sites.find(vars.identity) : undefined;
  if (!site) return renderProblem(res, 404, 'problem.unknownRouter', { headingKey: 'problem.unknownRouterTitle' });
  const built = buildRouterContext(vars, site.hotspotHost, deps.clock());
  if (!built.ok) return renderProblem(res, 400, PROBLEM_MESSAGES[built.problem], { site });
  renderLogin(req, res, { ctx: built.ctx, site, routerError: vars.error || undefined });
}

export function registerLoginRoutes(router: Router): void {
  router.get('/login', (req, res) => showLoginPage(req, res, req.query as Record<string, unknown>));
  router.post('/login', (req, res) => showLoginPage(req, res, (req.body ?? {}) as Record<string, unknown>));
  // Someone who opens the portal's address by hand is told how to reach the sign-in page.
  router.get('/', (_req, res) => renderProblem(res, 200, 'problem.expired', { headingKey: 'login.title' }));
}
