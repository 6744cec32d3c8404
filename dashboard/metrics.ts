import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The dashboard's Prometheus metrics, in a registry of its own, served by startDashboard on a listener
 * of its own (DASHBOARD_METRICS_HOST:DASHBOARD_METRICS_PORT), never on the dashboard's port.
 */
export function createDashboardMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'citywifi_dashboard_' });
  return {
    registry,
    requests: new Counter({
      name: 'citywifi_dashboard_requests_total',
      help: "HTTP requests answered, by route (the Express route path, 'static', 'not-found' or 'unrouted'), method and status",
      labelNames: ['route', 'method', 'status'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'citywifi_dashboard_request_duration_seconds',
      help: 'Time from receiving a request to the end of its response, by route',
      labelNames: ['route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
      registers: [registry],
    }),
    signIns: new Counter({
      name: 'citywifi_dashboard_sign_ins_total',
      help: 'Sign-in attempts by result: success, wrong (username or password), locked (too many failures), disabled',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    apiAuth: new Counter({
      name: 'citywifi_dashboard_api_auth_total',
      help: 'API requests by how they were authenticated: session, token, refused',
      labelNames: ['via'] as const,
      registers: [registry],
    }),
  };
}

export type DashboardMetrics = ReturnType<typeof createDashboardMetrics>;
