import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { purgeExpiredAdminSessions } from '../core/db/queries/admin-sessions.js';
import { purgeSignInFailures } from '../core/db/queries/sign-in-failures.js';
import { serveMetrics } from '../core/metrics-http.js';
import { buildDashboardApp } from './app.js';
import { warmOverview } from './routes/overview.js';
import type { DashboardDeps } from './deps.js';
import { createDashboardMetrics, type DashboardMetrics } from './metrics.js';

export interface RunningDashboard {
  port: number;
  url: string;
  /** the Prometheus listener (DASHBOARD_METRICS_HOST), apart from the dashboard's port */
  metricsPort: number;
  metrics: DashboardMetrics;
  close(): Promise<void>;
}

const PURGE_EVERY_MS = 10 * 60_000;
const REQUEST_TIMEOUT_MS = 60_000;
const HEADERS_TIMEOUT_MS = 15_000;

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/**
 * The dashboard on HTTP (DASHBOARD_HOST:DASHBOARD_PORT unless given) and its Prometheus metrics on
 * a listener of their own (DASHBOARD_METRICS_HOST:DASHBOARD_METRICS_PORT); close() stops both.
 */
/** `warm`: read the overview's figures right after the start (the services do; tests leave it off, their clock decides). */
export async function startDashboard(deps: DashboardDeps & { host?: string; port?: number; warm?: boolean }): Promise<RunningDashboard> {
  const metrics = createDashboardMetrics();
  const app = buildDashboardApp(deps, metrics);
  const server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: HEADERS_TIMEOUT_MS, maxHeaderSize: 16 * 1024 }, app);
  server.keepAliveTimeout = 5_000;
  const host = deps.host ?? deps.config.dashboard.host;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port ?? deps.config.dashboard.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let metricsServer: { server: Server; port: number };
  try {
    metricsServer = await serveMetrics(metrics.registry, deps.config.dashboard.metricsHost, deps.config.dashboard.metricsPort);
  } catch (error) {
    await closeServer(server);
    throw error;
  }
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const log = deps.logger.child({ module: 'dashboard' });
  if (deps.warm) warmOverview(deps);
  log.info({ host, port, metricsHost: deps.config.dashboard.metricsHost, metricsPort: metricsServer.port }, 'dashboard listening');

  // Ended sessions and old sign-in failures are dropped now and then; any process may do it.
  const purge = setInterval(() => {
    const now = deps.clock();
    Promise.all([purgeExpiredAdminSessions(deps.db, now), purgeSignInFailures(deps.db, new Date(now.getTime() - 3600_000))]).catch((err) =>
      log.warn({ err }, 'purging ended sessions failed'),
    );
  }, PURGE_EVERY_MS);
  purge.unref();

  return {
    port,
    url: `http://${shownHost}:${port}`,
    metricsPort: metricsServer.port,
    metrics,
    async close() {
      clearInterval(purge);
      await Promise.all([closeServer(server), closeServer(metricsServer.server)]);
    },
  };
}
