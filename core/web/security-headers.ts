import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * Strict CSP for every citywifi web service: scripts, styles, images and fonts from this host only, no
 * inline script or style, no frames, forms post here (the portal's handoff page widens form-action to
 * the router for itself). Nothing is ever loaded from another host. The rest is helmet's defaults.
 */
const helmetMiddleware = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
    },
  },
});

/**
 * helmet's headers, worked out once: helmet runs against a recording response at start-up, and every
 * request then gets the same headers in one step (helmet's chain of a dozen middlewares per request
 * cost a third of a login-page view).
 */
export function securityHeaders(): RequestHandler {
  const entries = securityHeaderEntries();
  return (_req: Request, res: Response, next: NextFunction) => {
    for (const [name, value] of entries) res.setHeader(name, value);
    next();
  };
}

/** helmet's headers as [name, value] pairs, worked out once (see securityHeaders). */
export function securityHeaderEntries(): Array<[string, string]> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader(name: string, value: string) {
      headers.set(name, String(value));
    },
    removeHeader(name: string) {
      headers.delete(name);
    },
    getHeader: (name: string) => headers.get(name),
  };
  let finished = false;
  helmetMiddleware({ headers: {} } as Request, recorder as unknown as Response, () => {
    finished = true;
  });
  if (!finished) throw new Error('helmet did not finish synchronously');
  return [...headers];
}
