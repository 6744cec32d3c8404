import { Counter } from 'prom-client';
import { createRequestCounters, createServiceRegistry } from '../core/metrics.js';

/**
 * The portal's Prometheus metrics, in a registry of its own (several portals can share a process in
 * tests). Served by startPortal on a listener of its own (PORTAL_METRICS_HOST:PORTAL_METRICS_PORT),
 * never on the public port citizens reach.
 */
export function createPortalMetrics() {
  const registry = createServiceRegistry('portal');
  return {
    registry,
    ...createRequestCounters(registry, 'portal', [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]),
    logins: new Counter({
      name: 'citywifi_portal_logins_total',
      help: 'Login attempts by method (click, voucher, otp, continue): a one-time credential issued, or refused',
      labelNames: ['method', 'result'] as const,
      registers: [registry],
    }),
    otpSent: new Counter({
      name: 'citywifi_portal_otp_sent_total',
      help: 'One-time code requests: sent, failed (the sender could not deliver) or limited (cooldown or daily caps)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'citywifi_portal_rate_limited_total',
      help: 'Requests refused with 429 by the portal rate limits (login attempts and "my data")',
      registers: [registry],
    }),
  };
}

export type PortalMetrics = ReturnType<typeof createPortalMetrics>;

export type LoginMethod = 'click' | 'voucher' | 'otp' | 'continue';

export { countRequests, markNotFound } from '../core/web/request-metrics.js';
