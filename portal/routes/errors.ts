import type { ErrorRequestHandler, Router } from 'express';
import { kitOf } from '../kit.js';
import { ensurePageLocals } from '../locals.js';
import { markNotFound } from '../metrics.js';
import { renderProblem } from './shared.js';

/** Anything not found: a 404 page in the citizen's language. */
export function registerNotFound(router: Router): void {
  router.use((_req, res) => {
    markNotFound(res);
    renderProblem(res, 404, 'problem.notFound');
  });
}

/** The last resort when even the error page cannot be rendered: plain text, both languages. */
const PLAIN_FAILURE = 'Maaf, terjadi gangguan. Silakan coba lagi.\nSorry, something went wrong. Please try again.\n';

/**
 * Bad input the parsers caught (too large, malformed) gets a 4xx page in the citizen's language;
 * anything else is logged once and answered with a plain 500 page, never a stack trace.
 */
export const handleError: ErrorRequestHandler = (error, req, res, _next) => {
  const status = Number((error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode);
  const clientError = status >= 400 && status < 500;
  if (!clientError) kitOf(req).deps.logger.error({ err: error, path: req.path, method: req.method }, 'request failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const fallback = () => {
    if (!res.headersSent) res.status(clientError ? status : 500).type('text/plain').send(PLAIN_FAILURE);
  };
  try {
    ensurePageLocals(req, res);
    res.locals.langHref ??= `/?lang=${res.locals.otherLang}`;
    const type = (error as { type?: string }).type;
    const messageKey = !clientError ? 'problem.server' : type === 'entity.too.large' || status === 413 ? 'problem.tooLarge' : 'problem.badInput';
    res.set('Cache-Control', 'no-store');
    res.status(clientError ? status : 500).render('problem', { heading: res.locals.t('problem.title'), message: res.locals.t(messageKey) }, (renderError: Error | null, html?: string) => {
      if (renderError || html === undefined) {
        kitOf(req).deps.logger.error({ err: renderError }, 'error page failed');
        return fallback();
      }
      res.send(html);
    });
  } catch (renderError) {
    kitOf(req).deps.logger.error({ err: renderError }, 'error page failed');
    fallback();
  }
};
