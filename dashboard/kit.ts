import type { Request } from 'express';
import type { Translations } from '../core/web/i18n.js';
import type { DashboardDeps } from './deps.js';
import type { DashboardMetrics } from './metrics.js';

/** What every route shares, built once per app. */
export interface DashboardKit {
  deps: DashboardDeps;
  translations: Translations;
  metrics: DashboardMetrics;
}

const KIT = 'citywifiDashboard';

export function attachKit(locals: Record<string, unknown>, kit: DashboardKit): void {
  locals[KIT] = kit;
}

export function kitOf(req: Request): DashboardKit {
  return req.app.locals[KIT] as DashboardKit;
}
