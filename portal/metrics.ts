import type { NextFunction, Request, RequestHandler, Response } from 'express';
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

const NOT_FOUND = Symbol('citywifi.portal.notFound');

/** Marks a response as the not-found page, so it is counted under route="not-found". */
export function markNotFound(res: Response): void {
  (res as unknown as Record<symbol, true>)[NOT_FOUND] = true;
}

/**
 * A bounded route label: the matched route's path (never the URL, which carries the router's
 * variables), 'not-found', 'static', or 'unrouted' for requests answered before routing (a CSRF
 * refusal, a malformed form body). Every route is mounted at the root, so the path is the whole path.
 */
function routeLabel(req: Request, res: Response): string {
  if ((res as unknown as Record<symbol, true | undefined>)[NOT_FOUND]) return 'not-found';
  const route = (req as { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return route.path;
  return req.originalUrl.startsWith('/static/') ? 'static' : 'unrouted';
}

/** Node's parser already bounds methods to a fixed list; this keeps the label set small too. */
function methodLabel(method: string): string {
  return method === 'GET' || method === 'POST' || method === 'HEAD' ? method : 'other';
}

/**
 * Counts every answered request and its duration, once, when the response finishes: one hrtime at
 * the start and one listener per request, nothing else on the page's path.
 */
export function countRequests(metrics: PortalMetrics): RequestHandler {
  const { requests, latency } = metrics;
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = routeLabel(req, res);
      requests.inc({ route, method: methodLabel(req.method), status: res.statusCode });
      latency.observe({ route }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
