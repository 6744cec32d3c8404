import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import compression from 'compression';
import ejs from 'ejs';
import express from 'express';
import { countRequests } from '../core/web/request-metrics.js';
import { securityHeaders } from '../core/web/security-headers.js';
import type { DashboardDeps } from './deps.js';
import { loadDashboardTranslations } from './i18n.js';
import { attachKit } from './kit.js';
import { createDashboardMetrics, type DashboardMetrics } from './metrics.js';
import { prepareRequest } from './middleware/prepare.js';
import { accountPasswordRoutes } from './routes/account-password.js';
import { accountRoutes } from './routes/accounts.js';
import { adminNasRoutes } from './routes/admin-nas.js';
import { adminPlanRoutes } from './routes/admin-plans.js';
import { adminSiteRoutes } from './routes/admin-sites.js';
import { adminTermsRoutes } from './routes/admin-terms.js';
import { adminVoucherRoutes } from './routes/admin-vouchers.js';
import { apiRoutes } from './routes/api.js';
import { apiTokenRoutes } from './routes/api-tokens.js';
import { auditLogRoutes } from './routes/audit-log.js';
import { handleError, registerNotFound } from './routes/errors.js';
import { incidentRoutes } from './routes/incidents.js';
import { mapRoutes } from './routes/map.js';
import { overviewRoutes } from './routes/overview.js';
import { reportRoutes } from './routes/reports.js';
import { registerRoutes, type RouteSpec } from './routes/route-spec.js';
import { signInRoutes } from './routes/sign-in.js';
import { siteRoutes } from './routes/site.js';
import { sitesRoutes } from './routes/sites.js';

export type { DashboardDeps } from './deps.js';

const VIEWS_DIR = fileURLToPath(new URL('./views', import.meta.url));
const PUBLIC_DIR = fileURLToPath(new URL('./public', import.meta.url));
/** Chart.js's own build (dist/chart.umd.min.js), served by the dashboard itself: no page loads anything from another host. */
const CHART_JS_DIR = dirname(createRequire(import.meta.url).resolve('chart.js'));

/** Every route of the dashboard with who may use it (tests walk this list for every role). */
export function dashboardRoutes(): RouteSpec[] {
  return [
    { method: 'get', path: '/healthz', access: 'public', handler: (_req, res) => void res.type('text/plain').send('ok') },
    ...signInRoutes(),
    ...overviewRoutes(),
    ...mapRoutes(),
    // before any /sites/:code route: /sites/export.csv and /sites/import are not site codes
    ...sitesRoutes(),
    ...siteRoutes(),
    ...incidentRoutes(),
    ...reportRoutes(),
    ...auditLogRoutes(),
    ...accountRoutes(),
    ...accountPasswordRoutes(),
    ...adminPlanRoutes(),
    ...adminVoucherRoutes(),
    ...adminNasRoutes(),
    ...adminSiteRoutes(),
    ...adminTermsRoutes(),
    ...apiTokenRoutes(),
    ...apiRoutes(),
  ];
}

/**
 * The dashboard as an Express app (no listen): strict security headers (no other host is ever named),
 * sessions and CSRF (middleware/prepare.ts), roles on every route (routes/route-spec.ts), pages in
 * Bahasa Indonesia or English, and the JSON API under /api. Requests are counted into `metrics`
 * (startDashboard serves them on a listener of its own).
 */
export function buildDashboardApp(deps: DashboardDeps, metrics: DashboardMetrics = createDashboardMetrics()): express.Express {
  const app = express();
  attachKit(app.locals, { deps, translations: loadDashboardTranslations(), metrics });
  app.set('env', 'production');
  app.set('x-powered-by', false);
  app.set('etag', false);
  app.set('trust proxy', deps.config.dashboard.trustProxy);
  app.set('views', VIEWS_DIR);
  app.engine('ejs', (file, data, done) => ejs.renderFile(file, data as ejs.Data, { root: VIEWS_DIR, views: [VIEWS_DIR], cache: true }, done));
  app.set('view engine', 'ejs');
  app.set('view cache', true);
  app.set('query parser', 'simple');

  app.use(countRequests(metrics));
  app.use(securityHeaders());
  // The map (one SVG with every site) and the tables repeat themselves: gzip shrinks them several-fold.
  app.use(compression());
  app.use('/static', express.static(PUBLIC_DIR, { index: false, maxAge: '1h', fallthrough: true }));
  app.use('/static/vendor/chart.js', express.static(CHART_JS_DIR, { index: false, maxAge: '1d', fallthrough: true }));
  app.use(prepareRequest());

  const router = express.Router();
  registerRoutes(router, dashboardRoutes());
  app.use(router);
  registerNotFound(app);
  app.use(handleError);
  return app;
}
