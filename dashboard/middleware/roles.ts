import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { can, type Permission } from '../../core/domain/admin-roles.js';
import { kitOf } from '../kit.js';
import { principalOf } from '../principal.js';
import { renderProblem, sendApiError } from '../render.js';
import { authenticateApi } from './api-auth.js';

/**
 * Who may use a route: anyone ('public'), anyone signed in with any role ('signed-in'), or whoever
 * holds a permission (core/domain/admin-roles.ts): admin everything; engineer operations and site
 * management; reporter figures and exports, with MAC addresses and phone numbers masked.
 */
export type Access = 'public' | 'signed-in' | Permission;

function allowed(roles: readonly string[], access: Access): boolean {
  if (access === 'public') return true;
  if (access === 'signed-in') return roles.length > 0;
  return can(roles, access);
}

/** A page: not signed in goes to the sign-in page (then back here); signed in without the right gets 403. */
function requirePageAccess(access: Access): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (access === 'public') return next();
    const principal = principalOf(res);
    if (!principal || principal.kind !== 'session') {
      if (req.method === 'GET') return res.redirect(303, `/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
      return renderProblem(res, 401, 'problem.signedOut');
    }
    if (!allowed(principal.roles, access)) return renderProblem(res, 403, 'problem.forbidden');
    next();
  };
}

/** An /api route: a session or an API token, with the same roles; JSON 401 or 403 otherwise. */
function requireApiAccess(access: Access): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    authenticateApi(req, res).then((outcome) => {
      const { metrics } = kitOf(req);
      if (access === 'public') return next();
      if (outcome === 'none' || outcome === 'bad-token') {
        metrics.apiAuth.inc({ via: 'refused' });
        res.set('WWW-Authenticate', 'Bearer realm="citywifi"');
        return sendApiError(res, 401, 'unauthenticated', outcome === 'none' ? 'sign in, or send Authorization: Bearer <API token>' : 'the API token is unknown or revoked');
      }
      metrics.apiAuth.inc({ via: outcome });
      const principal = principalOf(res)!;
      if (!allowed(principal.roles, access)) return sendApiError(res, 403, 'forbidden', `the roles ${principal.roles.join(',')} may not use this endpoint`);
      next();
    }, next);
  };
}

export function requireAccess(access: Access, api: boolean): RequestHandler {
  return api ? requireApiAccess(access) : requirePageAccess(access);
}
