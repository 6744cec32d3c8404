import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Router } from 'express';
import { currentTermsVersion } from '../../core/db/queries/settings.js';
import { kitOf } from '../kit.js';
import { renderPage } from './shared.js';

const HAS_MY_DATA = existsSync(fileURLToPath(new URL('./my-data.js', import.meta.url)));

/** GET /terms and GET /privacy: what the citizen agrees to, what is kept and for how long, their rights. */
export function registerLegalRoutes(router: Router): void {
  router.get('/terms', async (req, res) => {
    const termsVersion = await currentTermsVersion(kitOf(req).deps);
    res.set('Cache-Control', 'public, max-age=3600');
    renderPage(res, 'terms', { termsVersion });
  });
  router.get('/privacy', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600');
    renderPage(res, 'privacy', { myDataHref: HAS_MY_DATA ? '/my-data' : undefined });
  });
}
