import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import express from 'express';
import { createSiteCache } from '../core/db/queries/portal-sites.js';
import type { PortalDeps } from './deps.js';
import { loadTranslations } from './i18n.js';
import { attachKit, type PortalKit } from './kit.js';
import { countRequests, createPortalMetrics, type PortalMetrics } from './metrics.js';
import { prepareRequest } from './prepare-request.js';
import { createRouterErrorMatcher } from './router-errors.js';
import { securityHeaders } from './security-headers.js';
import { registerClickRoutes } from './routes/click.js';
import { registerContinueRoutes } from './routes/continue.js';
import { handleError, registerNotFound } from './routes/errors.js';
import { registerFeedbackRoutes } from './routes/feedback.js';
import { registerLegalRoutes } from './routes/legal.js';
import { fastLoginPage } from './routes/login-fast.js';
import { registerLoginRoutes } from './routes/login.js';
import { registerMyDataRoutes } from './routes/my-data.js';
import { registerOtpRoutes } from './routes/otp.js';
import { registerReportRoutes } from './routes/report.js';
import { registerStatusRoutes } from './routes/status.js';
import { registerVoucherRoutes } from './routes/voucher.js';

export type { PortalDeps } from './deps.js';

const VIEWS_DIR = fileURLToPath(new URL('./views', import.meta.url));
const PUBLIC_DIR = fileURLToPath(new URL('./public', import.meta.url));

/**
 * The captive portal as an Express app (no listen): routes, views, locales, security. It counts into
 * `metrics` (startPortal serves them on a listener of its own; the app never serves them).
 */
export function buildPortalApp(deps: PortalDeps, metrics: PortalMetrics = createPortalMetrics()): express.Express {
  const app = express();
  const translations = loadTranslations();
  const kit: PortalKit = {
    deps,
    sites: createSiteCache(deps.db, { clock: deps.clock }),
    translations,
    routerErrors: createRouterErrorMatcher(translations.dictionary('id')),
    metrics,
  };
  attachKit(app.locals, kit);
  // 'production' keeps Express's own error pages free of stack traces, whatever NODE_ENV says.
  app.set('env', 'production');
  app.set('x-powered-by', false);
  // Pages are made per visit and never cached (no-store): an ETag would only cost a hash per page.
  app.set('etag', false);
  app.set('trust proxy', deps.config.portal.trustProxy);
  app.set('views', VIEWS_DIR);
  // Compiled templates are cached; includes written from the views root ('/partials/head') resolve
  // without a file-system check on every render (relative includes still work, a little slower).
  app.engine('ejs', (file, data, done) => ejs.renderFile(file, data as ejs.Data, { root: VIEWS_DIR, views: [VIEWS_DIR], cache: true }, done));
  app.set('view engine', 'ejs');
  app.set('view cache', true);
  app.set('query parser', 'simple');

  // The login page straight from the router, ahead of the other layers and counted by itself (it falls
  // through otherwise).
  app.use(fastLoginPage());
  app.use(countRequests(metrics));
  app.use(securityHeaders());
  app.use('/static', express.static(PUBLIC_DIR, { index: false, maxAge: '1d', fallthrough: true }));
  app.use(prepareRequest());

  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok');
  });
  registerLoginRoutes(router);
  registerClickRoutes(router);
  registerVoucherRoutes(router);
  registerContinueRoutes(router);
  registerOtpRoutes(router);
  registerMyDataRoutes(router);
  registerStatusRoutes(router);
  registerFeedbackRoutes(router);
  registerReportRoutes(router);
  registerLegalRoutes(router);
  app.use(router);

  registerNotFound(app);
  app.use(handleError);
  return app;
}
