import { Counter } from 'prom-client';
import { createRequestCounters, createServiceRegistry } from '../core/metrics.js';

/**
 * The dashboard's Prometheus metrics, in a registry of its own, served by startDashboard on a listener
 * of its own (DASHBOARD_METRICS_HOST:DASHBOARD_METRICS_PORT), never on the dashboard's port.
 */
export function createDashboardMetrics() {
  const registry = createServiceRegistry('dashboard');
  return {
    registry,
    ...createRequestCounters(registry, 'dashboard', [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5]),
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
