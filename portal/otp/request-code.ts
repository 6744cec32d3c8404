import { createOtpCode, discardOtpCode, type OtpRefusal } from '../../core/db/queries/otp.js';
import { startOfLocalDay, startOfNextLocalDay } from '../../core/domain/local-time.js';
import { maskPhone } from '../../core/domain/phone.js';
import type { PortalDeps } from '../deps.js';
import type { PortalMetrics } from '../metrics.js';
import type { OtpPurpose } from './sender.js';

export type RequestCodeOutcome =
  | { ok: true; expiresAt: Date }
  | { ok: false; reason: OtpRefusal; retryAfterSeconds: number }
  | { ok: false; reason: 'send-failed' };

/**
 * Makes a code for a number (within the cooldown and the daily caps of config.otp) and sends it. A
 * code the sender could not deliver is forgotten, so the citizen may ask again at once. Logs the
 * outcome with the number masked, never the code, and counts it in citywifi_portal_otp_sent_total
 * when given the portal's metrics.
 */
export async function requestOtpCode(
  deps: PortalDeps,
  input: { phone: string; purpose: OtpPurpose; mac: string | null; address: string | undefined; site?: string },
  metrics?: Pick<PortalMetrics, 'otpSent'>,
): Promise<RequestCodeOutcome> {
  const now = deps.clock();
  const { otp, timezone } = deps.config;
  const made = await createOtpCode(deps.db, deps.box, {
    phone: input.phone,
    purpose: input.purpose,
    mac: input.mac,
    address: input.address,
    now,
    dayStart: startOfLocalDay(now, timezone),
    nextDayStart: startOfNextLocalDay(now, timezone),
    limits: otp,
  });
  const about = { purpose: input.purpose, phoneMasked: maskPhone(input.phone), site: input.site };
  if (!made.ok) {
    metrics?.otpSent.inc({ result: 'limited' });
    deps.logger.info({ event: 'otp-refused', reason: made.reason, ...about }, 'one-time code refused');
    return made;
  }
  const sent = await deps.sender.send({ phone: input.phone, code: made.code, purpose: input.purpose });
  if (!sent.ok) {
    metrics?.otpSent.inc({ result: 'failed' });
    await discardOtpCode(deps.db, made.id);
    deps.logger.error({ event: 'otp-send-failed', sender: deps.sender.kind, reason: sent.reason, detail: sent.detail, ...about }, 'one-time code not sent');
    return { ok: false, reason: 'send-failed' };
  }
  metrics?.otpSent.inc({ result: 'sent' });
  deps.logger.info({ event: 'otp-sent', sender: deps.sender.kind, ...about }, 'one-time code sent');
  return { ok: true, expiresAt: made.expiresAt };
}
