import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The portal's Prometheus metrics, in a registry of its own (several portals can share a process in
 * tests). Served by startPortal on a listener of its own (PORTAL_METRICS_HOST:PORTAL_METRICS_PORT),
 * never on the public port citizens reach.
 */
export function createPortalMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'citywifi_portal_' });
  return {
    registry,
    requests: new Counter({
      name: 'citywifi_portal_requests_total',
      help: "HTTP requests answered, by route (the Express route path, 'static', 'not-found' or 'unrouted'), method and status",
      labelNames: ['route', 'method', 'status'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'citywifi_portal_request_duration_seconds',
      help: 'Time from receiving a request to the end of its response, by route',
      labelNames: ['route'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
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
