import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { CSRF_COOKIE, CSRF_FIELD, verifyCsrfToken } from './csrf.js';
import { kitOf } from './kit.js';
import { pageLocals, parseCookies } from './locals.js';
import { renderProblem } from './routes/shared.js';

/** Form bodies are small: a few short fields and the signed context. */
const BODY_LIMIT = '8kb';
const MAX_FIELDS = 30;

/** POST /login is the router's own page sending the phone here: it only shows the login page. */
const CSRF_EXEMPT = new Set(['/login']);

/**
 * Everything a page request needs before its route, in one step (each Express layer costs a little
 * on a page served thousands of times a second): cookies, language and CSRF token (pageLocals), and
 * for a POST the bounded form body and the CSRF check. A failed check answers 403 in the citizen's language.
 */
export function prepareRequest(): RequestHandler {
  const parseForm = express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: MAX_FIELDS });
  return (req: Request, res: Response, next: NextFunction) => {
    // Express 5 parses the query string again on every read of req.query: parse it once per request.
    Object.defineProperty(req, 'query', { value: req.query, writable: true, configurable: true, enumerable: true });
    parseCookies(req);
    pageLocals(req, res, () => {
      if (req.method !== 'POST') return next();
      parseForm(req, res, (error?: unknown) => {
        if (error) return next(error);
        if (CSRF_EXEMPT.has(req.path)) return next();
        if (verifyCsrfToken(kitOf(req).deps.box, req.cookies?.[CSRF_COOKIE], req.body?.[CSRF_FIELD])) return next();
        renderProblem(res, 403, 'problem.csrf');
      });
    });
  };
}
