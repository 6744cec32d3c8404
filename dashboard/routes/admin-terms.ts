import type { Request, Response } from 'express';
import { countConsentsByVersion } from '../../core/db/queries/admin-catalog.js';
import { findSetting, saveSetting, SETTING_CACHE_SECONDS, TERMS_VERSION_KEY, TERMS_VERSION_SHAPE } from '../../core/db/queries/settings.js';
import { auditedChange } from '../audit.js';
import { kitOf } from '../kit.js';
import { principalOf } from '../principal.js';
import { renderPage } from '../render.js';
import { doneMessage, field, tOf } from './admin-forms.js';
import type { RouteSpec } from './route-spec.js';

/**
 * The terms version citizens accept, and how many consented under each version. An admin sets a new
 * version here (kept in the settings table); until one is set, it is PORTAL_TERMS_VERSION. The portal
 * reads it through a short cache (core/db/queries/settings.ts), so every portal process records the
 * new version with each consent within SETTING_CACHE_SECONDS, without a restart.
 */
async function showTerms(req: Request, res: Response, extra: { error?: string; status?: number; asked?: string } = {}): Promise<void> {
  const { deps } = kitOf(req);
  const [counts, setting] = await Promise.all([countConsentsByVersion(deps.db), findSetting(deps.db, TERMS_VERSION_KEY)]);
  renderPage(
    res,
    'admin-terms',
    {
      current: setting?.value ?? deps.config.portal.termsVersion,
      configured: deps.config.portal.termsVersion,
      setting,
      counts,
      cacheSeconds: SETTING_CACHE_SECONDS,
      message: doneMessage(req, res, 'adminTerms', ['set', 'unchanged']),
      error: extra.error,
      asked: extra.asked ?? '',
    },
    extra.status ?? 200,
  );
}

/** POST /admin/terms: a new terms version for every consent from now on; audited with the old and new versions. */
async function setTermsVersion(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const t = tOf(res);
  const version = field(req, 'version').trim();
  if (!TERMS_VERSION_SHAPE.test(version)) return showTerms(req, res, { error: t('adminTerms.badVersion'), status: 400, asked: version.slice(0, 40) });
  const changed = await auditedChange(req, res, async (tx) => {
    const before = (await findSetting(tx, TERMS_VERSION_KEY))?.value ?? deps.config.portal.termsVersion;
    if (before === version) return { result: false, audit: null };
    await saveSetting(tx, { key: TERMS_VERSION_KEY, value: version, by: principalOf(res)!.actor, at: deps.clock() });
    return { result: true, audit: { action: 'terms-version-set', target: version, details: { from: before, to: version } } };
  });
  res.redirect(303, `/admin/terms?done=${changed ? 'set' : 'unchanged'}`);
}

export function adminTermsRoutes(): RouteSpec[] {
  return [
    { method: 'get', path: '/admin/terms', access: 'administer', handler: (req, res) => showTerms(req, res) },
    { method: 'post', path: '/admin/terms', access: 'administer', handler: setTermsVersion },
  ];
}
