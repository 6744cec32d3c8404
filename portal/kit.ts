import type { Request } from 'express';
import type { SiteCache } from '../core/db/queries/portal-sites.js';
import type { PortalDeps } from './deps.js';
import type { Translations } from './i18n.js';
import type { PortalMetrics } from './metrics.js';
import type { RouterErrorMatcher } from './router-errors.js';

/** What every route shares, built once per app: the dependencies and the caches built from them. */
export interface PortalKit {
  deps: PortalDeps;
  sites: SiteCache;
  translations: Translations;
  routerErrors: RouterErrorMatcher;
  /** the Prometheus counters (served by startPortal on its own listener) */
  metrics: PortalMetrics;
}

const KIT = 'citywifiPortal';

export function attachKit(locals: Record<string, unknown>, kit: PortalKit): void {
  locals[KIT] = kit;
}

/** The kit of the app serving this request. */
export function kitOf(req: Request): PortalKit {
  return req.app.locals[KIT] as PortalKit;
}
