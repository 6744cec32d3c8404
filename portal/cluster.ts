import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';
import { AggregatorRegistry } from 'prom-client';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { serveMetrics } from '../core/metrics-http.js';
import type { PortalMetrics } from './metrics.js';

/**
 * `citywifi portal` with PORTAL_WORKERS > 1: a primary process forks that many workers (node:cluster),
 * each a whole portal on the same port (the primary hands out the connections in turn). Nothing a
 * request needs is kept in a worker: rate limits, credentials and devices are in PostgreSQL, CSRF
 * tokens and signed contexts are checked with the shared key. The primary serves the Prometheus
 * metrics of all workers added up (prom-client's AggregatorRegistry) on PORTAL_METRICS_HOST:PORT.
 */

/** In a worker: its registry answers the primary's requests for metrics. */
export function shareMetricsWithPrimary(metrics: PortalMetrics): void {
  AggregatorRegistry.setRegistries([metrics.registry]);
  // prom-client adds the worker's listener for the primary's requests when one is constructed.
  new AggregatorRegistry();
}

/** What the primary serves: the metrics of every worker, added up. */
class ClusterRegistry extends AggregatorRegistry<'text/plain; version=0.0.4; charset=utf-8'> {
  override metrics(): Promise<string> {
    return this.clusterMetrics();
  }
}

export interface PortalPrimary {
  port: number;
  metricsPort: number;
  /** settles when the workers can no longer be kept running (with why), never after close() */
  failed: Promise<Error>;
  close(): Promise<void>;
}

/** A worker that dies is replaced; more than this many in a minute and the primary gives up. */
const MAX_RESTARTS_PER_MINUTE = 5;
const STOP_TIMEOUT_MS = 15_000;

function exitText(code: number | null, signal: string | null): string {
  return signal ? `signal ${signal}` : `code ${code}`;
}

/** Forks a worker and waits until its portal listens; rejects if it exits first. */
function forkWorker(): Promise<{ worker: Worker; port: number }> {
  const worker = cluster.fork();
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null) =>
      reject(new Error(`portal worker ${worker.id} stopped before it listened (${exitText(code, signal)}); its error is above`));
    worker.once('exit', onExit);
    worker.once('listening', (address) => {
      worker.off('exit', onExit);
      resolve({ worker, port: address.port });
    });
  });
}

async function stopWorkers(workers: Iterable<Worker>): Promise<void> {
  await Promise.all(
    [...workers].map(async (worker) => {
      if (worker.isDead()) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.process.kill('SIGTERM');
      const timer = setTimeout(() => worker.process.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }),
  );
}

/** The primary of `citywifi portal` with `workers` worker processes; call only where cluster.isPrimary. */
export async function startPortalPrimary(options: { config: Config; logger: Logger; workers: number; host: string }): Promise<PortalPrimary> {
  const { config, workers } = options;
  const log = options.logger.child({ module: 'portal-cluster' });
  const running = new Set<Worker>();
  let stopping = false;

  const started = await Promise.allSettled(Array.from({ length: workers }, () => forkWorker()));
  for (const s of started) if (s.status === 'fulfilled') running.add(s.value.worker);
  const refused = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (refused) {
    stopping = true;
    await stopWorkers(running);
    throw refused.reason;
  }
  const port = (started[0] as PromiseFulfilledResult<{ port: number }>).value.port;

  let fail!: (error: Error) => void;
  const failed = new Promise<Error>((resolve) => (fail = resolve));
  const restarts: number[] = [];
  cluster.on('exit', (worker, code, signal) => {
    if (!running.delete(worker) || stopping) return;
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && restarts[0] < now - 60_000) restarts.shift();
    if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
      log.fatal({ worker: worker.id, exit: exitText(code, signal) }, `portal workers keep stopping (more than ${MAX_RESTARTS_PER_MINUTE} in a minute); giving up`);
      fail(new Error('portal workers keep stopping; see the log above'));
      return;
    }
    log.error({ worker: worker.id, exit: exitText(code, signal) }, 'a portal worker stopped; starting another');
    forkWorker().then(
      ({ worker: next }) => (stopping ? void stopWorkers([next]) : running.add(next)),
      (error: Error) => {
        log.fatal({ err: error }, 'could not start a portal worker in place of one that stopped');
        fail(error);
      },
    );
  });

  let metricsServer: { server: Server; port: number };
  try {
    metricsServer = await serveMetrics(new ClusterRegistry(), config.portal.metricsHost, config.portal.metricsPort);
  } catch (error) {
    stopping = true;
    await stopWorkers(running);
    throw error;
  }

  log.info({ host: options.host, port, workers, metricsHost: config.portal.metricsHost, metricsPort: metricsServer.port }, 'portal listening');
  return {
    port,
    metricsPort: metricsServer.port,
    failed,
    async close() {
      stopping = true;
      await stopWorkers(Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined));
      await new Promise<void>((resolve) => {
        metricsServer.server.close(() => resolve());
        metricsServer.server.closeIdleConnections();
      });
    },
  };
}
