import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestCounters } from './web/request-metrics.js';

/**
 * What every service's Prometheus metrics start from: a registry of its own (several services, or
 * several of one, can share a process in tests), with Node's process metrics named
 * `citywifi_<service>_…` unless left out.
 */
export function createServiceRegistry(service: string, options: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: `citywifi_${service}_` });
  return registry;
}

/**
 * A web service's request counters, `citywifi_<service>_requests_total` and
 * `citywifi_<service>_request_duration_seconds` (core/web/request-metrics.ts counts into them).
 */
export function createRequestCounters(registry: Registry, service: string, buckets: number[]): RequestCounters {
  return {
    requests: new Counter({
      name: `citywifi_${service}_requests_total`,
      help: "HTTP requests answered, by route (the Express route path, 'static', 'not-found' or 'unrouted'), method and status",
      labelNames: ['route', 'method', 'status'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: `citywifi_${service}_request_duration_seconds`,
      help: 'Time from receiving a request to the end of its response, by route',
      labelNames: ['route'] as const,
      buckets,
      registers: [registry],
    }),
  };
}
