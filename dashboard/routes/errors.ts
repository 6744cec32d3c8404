import type { ErrorRequestHandler, Router } from 'express';
import { DEFAULT_LANG } from '../../core/web/i18n.js';
import { markNotFound } from '../../core/web/request-metrics.js';
import { kitOf } from '../kit.js';
import { renderProblem, sendApiError } from '../render.js';
import { isApiPath } from './route-spec.js';

/** Anything not found: a 404 page in the user's language, or JSON under /api. */
export function registerNotFound(router: Router): void {
  router.use((req, res) => {
    markNotFound(res);
    if (isApiPath(req.path)) return sendApiError(res, 404, 'not-found', 'no such endpoint');
    renderProblem(res, 404, 'problem.notFound');
  });
}

const PLAIN_FAILURE = 'Maaf, terjadi gangguan. Silakan coba lagi.\nSorry, something went wrong. Please try again.\n';

/**
 * Bad input the parsers caught (too large, malformed) gets a 4xx in the user's language; anything
 * else is logged once and answered with a 500 page, never a stack trace.
 */
export const handleError: ErrorRequestHandler = (error, req, res, _next) => {
  const { deps, translations } = kitOf(req);
  const status = Number((error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode);
  const clientError = status >= 400 && status < 500;
  if (!clientError) deps.logger.error({ err: error, path: req.path, method: req.method }, 'request failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const code = clientError ? status : 500;
  if (isApiPath(req.path)) return sendApiError(res, code, clientError ? 'bad-request' : 'server-error', clientError ? 'the request could not be read' : 'something went wrong');
  try {
    if (typeof res.locals.t !== 'function') {
      res.locals.t = translations.translator(DEFAULT_LANG);
      res.locals.lang = DEFAULT_LANG;
      res.locals.otherLang = 'en';
      res.locals.langHref = '/?lang=en';
      res.locals.csrfToken = '';
      res.locals.can = () => false;
    }
    const type = (error as { type?: string }).type;
    renderProblem(res, code, !clientError ? 'problem.server' : type === 'entity.too.large' || status === 413 ? 'problem.tooLarge' : 'problem.badInput');
  } catch (renderError) {
    deps.logger.error({ err: renderError }, 'error page failed');
    if (!res.headersSent) res.status(code).type('text/plain').send(PLAIN_FAILURE);
  }
};
