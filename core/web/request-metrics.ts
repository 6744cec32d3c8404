import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Counter, Histogram } from 'prom-client';

/**
 * HTTP request counting for the web services (portal, dashboard): each service makes its own
 * counters (with its own metric names) and this counts into them.
 */
export interface RequestCounters {
  requests: Counter<'route' | 'method' | 'status'>;
  latency: Histogram<'route'>;
}

const NOT_FOUND = Symbol('citywifi.web.notFound');

/** Marks a response as the not-found page, so it is counted under route="not-found". */
export function markNotFound(res: Response): void {
  (res as unknown as Record<symbol, true>)[NOT_FOUND] = true;
}

/**
 * A bounded route label: the matched route's path (never the URL, which carries the router's
 * variables), 'not-found', 'static', or 'unrouted' for requests answered before routing (a CSRF
 * refusal, a malformed form body). Routes must be mounted at the root, so the path is the whole path.
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
export function countRequests(metrics: RequestCounters): RequestHandler {
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
