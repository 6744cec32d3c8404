import type { Request, Response } from 'express';
import { countConsentsByVersion } from '../../core/db/queries/admin-catalog.js';
import { kitOf } from '../kit.js';
import { renderPage } from '../render.js';
import type { RouteSpec } from './route-spec.js';

/**
 * The terms version citizens accept, and how many consented under each version. Read-only: the
 * version is PORTAL_TERMS_VERSION (core/config.ts), set with the terms text the portal serves
 * (portal/views), so a new version ships with its new text and a portal restart.
 */
async function showTerms(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const counts = await countConsentsByVersion(deps.db);
  renderPage(res, 'admin-terms', { current: deps.config.portal.termsVersion, counts });
}

export function adminTermsRoutes(): RouteSpec[] {
  return [{ method: 'get', path: '/admin/terms', access: 'administer', handler: showTerms }];
}
