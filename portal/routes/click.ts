import type { Router } from 'express';
import { acceptedTerms, checkLoginRate, issueAndHandOff, loadRouterContext, renderLogin, renderProblem, spendRateAndHandOff } from './shared.js';

/** POST /login/click: accept the terms and go. Keeps no identity beyond the device. */
export function registerClickRoutes(router: Router): void {
  router.post('/login/click', async (req, res) => {
    const loaded = await loadRouterContext(req, res);
    if (!loaded) return;
    const { ctx, site } = loaded;
    // The usual case: the limits, the device and the credential in one statement and one commit.
    if (site.loginMethods.includes('click') && acceptedTerms(req)) {
      return spendRateAndHandOff(req, res, { ctx, site, method: 'click', remember: true, consent: true });
    }
    if (!(await checkLoginRate(req, res, ctx))) return;
    if (!site.loginMethods.includes('click')) return renderProblem(res, 403, 'login.methodNotAllowed', { site });
    if (!acceptedTerms(req)) return renderLogin(req, res, { ctx, site, messageKey: 'login.mustAcceptTerms', status: 400 });
    await issueAndHandOff(req, res, { ctx, site, method: 'click', remember: true, consent: true });
  });
}
