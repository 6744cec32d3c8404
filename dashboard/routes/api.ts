import type { Request, Response } from 'express';
import { listSiteStatus } from '../../core/db/queries/site-status.js';
import { countSitesByState } from '../../core/db/queries/site-state-counts.js';
import { can, PERMISSIONS } from '../../core/domain/admin-roles.js';
import { kitOf } from '../kit.js';
import { principalOf } from '../principal.js';
import { apiSiteRoutes } from './api-sites.js';
import type { RouteSpec } from './route-spec.js';

/** GET /api/whoami: who this session or token is, its roles and what they allow. */
function whoami(_req: Request, res: Response): void {
  const principal = principalOf(res)!;
  res.set('Cache-Control', 'no-store');
  res.json({
    kind: principal.kind,
    name: principal.name,
    roles: principal.roles,
    permissions: PERMISSIONS.filter((p) => can(principal.roles, p)),
  });
}

/** GET /api/sites/status: the counts by state and one object per site (as `citywifi sites status --json`). */
async function sitesStatus(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const [counts, sites] = await Promise.all([countSitesByState(deps.db), listSiteStatus(deps.db)]);
  res.set('Cache-Control', 'no-store');
  res.json({ at: deps.clock().toISOString(), total: counts.total, counts: counts.byState, sites });
}

export function apiRoutes(): RouteSpec[] {
  return [
    { method: 'get', path: '/api/whoami', access: 'signed-in', handler: whoami },
    { method: 'get', path: '/api/sites/status', access: 'view-figures', handler: sitesStatus },
    ...apiSiteRoutes(),
  ];
}
