import { Counter, Gauge, Histogram } from 'prom-client';
import { createServiceRegistry } from '../core/metrics.js';

/** The server's Prometheus metrics, in a registry of its own (several servers can share a process in tests). */
export function createRadiusMetrics() {
  const registry = createServiceRegistry('radius');
  return {
    registry,
    requests: new Counter({
      name: 'citywifi_radius_requests_total',
      help: 'RADIUS requests handled, by packet type and result',
      labelNames: ['type', 'result'] as const,
      registers: [registry],
    }),
    drops: new Counter({
      name: 'citywifi_radius_dropped_total',
      help: 'Datagrams dropped without a reply, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'citywifi_radius_request_duration_seconds',
      help: 'Time from receiving a request to sending its reply',
      labelNames: ['type'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    dbErrors: new Counter({
      name: 'citywifi_radius_db_errors_total',
      help: 'Database operations that failed',
      labelNames: ['operation'] as const,
      registers: [registry],
    }),
    clients: new Gauge({ name: 'citywifi_radius_clients', help: 'Known RADIUS clients (NAS entries)', registers: [registry] }),
    staleClosed: new Counter({
      name: 'citywifi_radius_stale_sessions_closed_total',
      help: 'Sessions closed because no update came for several interim intervals',
      registers: [registry],
    }),
  };
}

export type RadiusMetrics = ReturnType<typeof createRadiusMetrics>;

/** Serves GET /metrics (shared with the portal's metrics listener). */
export { serveMetrics } from '../core/metrics-http.js';
