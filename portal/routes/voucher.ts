import type { Router } from 'express';
import { redeemVoucher } from '../../core/db/queries/voucher-redemption.js';
import { kitOf } from '../kit.js';
import { singleText } from '../router-context.js';
import { acceptedTerms, checkLoginRate, countRefusedLogin, issueAndHandOff, loadRouterContext, renderLogin, renderProblem } from './shared.js';

const MAX_CODE_INPUT = 64;

/** POST /login/voucher: a voucher code, valid and not taken by another device. */
export function registerVoucherRoutes(router: Router): void {
  router.post('/login/voucher', async (req, res) => {
    const loaded = await loadRouterContext(req, res);
    if (!loaded) return;
    const { ctx, site } = loaded;
    if (!(await checkLoginRate(req, res, ctx))) return;
    if (!site.loginMethods.includes('voucher')) return renderProblem(res, 403, 'login.methodNotAllowed', { site });
    const code = singleText(req.body?.code, MAX_CODE_INPUT)?.trim();
    if (!code) return renderLogin(req, res, { ctx, site, messageKey: 'voucher.empty', voucherInvalid: true, status: 400 });
    if (!acceptedTerms(req)) return renderLogin(req, res, { ctx, site, messageKey: 'login.mustAcceptTerms', status: 400 });
    const { deps } = kitOf(req);
    const redemption = await redeemVoucher(deps.db, deps.box, { code, mac: ctx.mac, now: deps.clock() });
    if (!redemption.ok) {
      countRefusedLogin(req, 'voucher');
      deps.logger.info({ event: 'voucher-refused', reason: redemption.reason, site: site.code }, 'voucher refused');
      return renderLogin(req, res, { ctx, site, messageKey: `voucher.${redemption.reason}`, voucherInvalid: true, status: 400 });
    }
    await issueAndHandOff(req, res, {
      ctx,
      site,
      method: 'voucher',
      voucherId: redemption.voucherId,
      planId: redemption.planId,
      remember: false,
      consent: true,
    });
  });
}
