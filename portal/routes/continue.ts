import type { Router } from 'express';
import { findDeviceByMac } from '../../core/db/queries/devices.js';
import { kitOf } from '../kit.js';
import { checkLoginRate, countRefusedLogin, issueAndHandOff, loadRouterContext, renderLogin } from './shared.js';

/** POST /login/continue: a device verified recently goes on without signing in again. */
export function registerContinueRoutes(router: Router): void {
  router.post('/login/continue', async (req, res) => {
    const loaded = await loadRouterContext(req, res);
    if (!loaded) return;
    const { ctx, site } = loaded;
    if (!(await checkLoginRate(req, res, ctx))) return;
    const { deps } = kitOf(req);
    const device = await findDeviceByMac(deps.db, ctx.mac);
    if (!device || device.blocked || !device.rememberedUntil || device.rememberedUntil <= deps.clock()) {
      countRefusedLogin(req, 'continue');
      return renderLogin(req, res, { ctx, site, messageKey: 'continue.notRemembered', status: 400 });
    }
    await issueAndHandOff(req, res, {
      ctx,
      site,
      method: 'continue',
      deviceId: device.id,
      subscriberId: device.subscriberId,
      remember: false,
      consent: false,
    });
  });
}
