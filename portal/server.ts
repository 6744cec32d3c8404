import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { purgeRateWindows } from '../core/db/queries/rate-limits.js';
import { serveMetrics } from '../core/metrics-http.js';
import { buildPortalApp } from './app.js';
import type { PortalDeps } from './deps.js';
import { createPortalMetrics, type PortalMetrics } from './metrics.js';

export interface RunningPortal {
  port: number;
  url: string;
  /**
   * the Prometheus listener (PORTAL_METRICS_HOST), apart from the public port; 0 in a worker of
   * `citywifi portal` with PORTAL_WORKERS > 1, whose primary process serves the metrics of all workers
   */
  metricsPort: number;
  metrics: PortalMetrics;
  close(): Promise<void>;
}

const PURGE_EVERY_MS = 5 * 60_000;
/** Slow or stalled clients (a phone on a weak signal) cannot hold a connection for ever. */
const REQUEST_TIMEOUT_MS = 30_000;
const HEADERS_TIMEOUT_MS = 15_000;

export interface PortalListenOptions {
  host?: string;
  port?: number;
  /**
   * false in a cluster worker (portal/cluster.ts): no metrics listener here; the worker's registry is
   * handed to the primary, which serves all workers' metrics added up. Default true.
   */
  metricsListener?: boolean;
  /** called with the new registry before the portal listens (a cluster worker registers it) */
  onMetrics?: (metrics: PortalMetrics) => void;
}

/**
 * The portal on HTTP (host and port from the options or the configuration) and its Prometheus metrics
 * on a listener of their own (config.portal.metricsHost/metricsPort), never on the public port;
 * close() stops both.
 */
export async function startPortal(deps: PortalDeps & PortalListenOptions): Promise<RunningPortal> {
  const metrics = createPortalMetrics();
  deps.onMetrics?.(metrics);
  const app = buildPortalApp(deps, metrics);
  const server: Server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: HEADERS_TIMEOUT_MS, maxHeaderSize: 16 * 1024 }, app);
  server.keepAliveTimeout = 5_000;
  const host = deps.host ?? deps.config.portal.host;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port ?? deps.config.portal.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let metricsServer: { server: Server; port: number } | undefined;
  try {
    if (deps.metricsListener !== false) metricsServer = await serveMetrics(metrics.registry, deps.config.portal.metricsHost, deps.config.portal.metricsPort);
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const log = deps.logger.child({ module: 'portal' });
  if (metricsServer) log.info({ host, port, metricsHost: deps.config.portal.metricsHost, metricsPort: metricsServer.port }, 'portal listening');
  else log.info({ host, port }, 'portal listening');

  // Ended rate-limit windows are dropped now and then; any process may do it.
  const purge = setInterval(() => {
    purgeRateWindows(deps.db, new Date(deps.clock().getTime() - 3600_000)).catch((err) => log.warn({ err }, 'purging rate limits failed'));
  }, PURGE_EVERY_MS);
  purge.unref();

  return {
    port,
    url: `http://${shownHost}:${port}`,
    metricsPort: metricsServer?.port ?? 0,
    metrics,
    async close() {
      clearInterval(purge);
      await Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
        new Promise<void>((resolve) => {
          if (!metricsServer) return resolve();
          metricsServer.server.close(() => resolve());
          metricsServer.server.closeIdleConnections();
        }),
      ]);
    },
  };
}
