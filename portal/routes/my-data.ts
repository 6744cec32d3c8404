import type { Request, Response, Router } from 'express';
import { normalizeOtpInput, verifyOtpCode } from '../../core/db/queries/otp.js';
import { consumeRatePoints } from '../../core/db/queries/rate-limits.js';
import { deleteCitizenData, findCitizenData, type CitizenData } from '../../core/db/queries/subscribers.js';
import { maskPhone, normalizePhone } from '../../core/domain/phone.js';
import { kitOf } from '../kit.js';
import { GRANT_TTL_SECONDS, openOtpRef, REF_TTL_SECONDS, sealOtpRef, type OtpRef } from '../otp/otp-ref.js';
import { requestOtpCode } from '../otp/request-code.js';
import { singleText } from '../router-context.js';
import { MAX_CODE_FIELD, MAX_PHONE_FIELD, refusalMessage, renderCodePage } from './otp.js';
import { renderPage, renderProblem, type Vars } from './shared.js';

/**
 * "My data" (UU PDP): with their number and a one-time code, a citizen sees what is kept about the
 * number and can delete it, after a confirmation. Nothing here says whether a number is known before
 * the code is right: a code is sent to any valid number.
 *
 * GET /my-data → POST /my-data (phone) → POST /my-data/verify (ref, code) → the data page →
 * POST /my-data/delete (grant) → the confirmation page → POST /my-data/delete/confirm (grant), or
 * POST /my-data/view (grant) to go back without deleting.
 */

const RATE_WINDOW_SECONDS = 60;

function t(res: Response): (key: string, vars?: Vars) => string {
  return res.locals.t as (key: string, vars?: Vars) => string;
}

/** Every page here is personal: never cached; the language link leads to the start of "My data". */
function personal(res: Response): void {
  res.set('Cache-Control', 'no-store');
  res.locals.langHref = `/my-data?lang=${res.locals.otherLang}`;
}

/** One request spent against the per-address limit (kept in PostgreSQL); false when a 429 page was sent. */
async function checkMyDataRate(req: Request, res: Response): Promise<boolean> {
  const { deps } = kitOf(req);
  const key = `my-data:${deps.box.keyedHash(req.ip ?? 'unknown').slice(0, 32)}`;
  const outcome = await consumeRatePoints(deps.db, [{ key, limit: deps.config.portal.loginRatePerMinute, windowSeconds: RATE_WINDOW_SECONDS }], deps.clock());
  if (outcome.allowed) return true;
  kitOf(req).metrics.rateLimited.inc();
  res.set('Retry-After', String(outcome.retryAfterSeconds));
  personal(res);
  renderProblem(res, 429, 'problem.tooMany', { vars: { seconds: outcome.retryAfterSeconds }, backHref: '/my-data' });
  return false;
}

function renderStart(res: Response, messageKey?: string, messageVars?: Vars, status = 200): void {
  personal(res);
  renderPage(res, 'my-data', { message: messageKey ? t(res)(messageKey, messageVars) : undefined }, status);
}

function codePage(res: Response, ref: string, phone: string, extra: { messageKey?: string; messageVars?: Vars; noteKey?: string; status?: number }) {
  personal(res);
  renderCodePage(res, { ref, phone, verifyAction: '/my-data/verify', resendAction: '/my-data/resend', backHref: '/my-data', ...extra });
}

async function sendMyDataCode(req: Request, res: Response, phone: string, resend: boolean): Promise<void> {
  const { deps, metrics } = kitOf(req);
  const outcome = await requestOtpCode(deps, { phone, purpose: 'mydata', mac: null, address: req.ip }, metrics);
  const ref = sealOtpRef(deps.box, { phone, kind: 'mydata', mac: null, expiresAt: deps.clock().getTime() + REF_TTL_SECONDS * 1000 });
  if (outcome.ok) return codePage(res, ref, phone, { noteKey: resend ? 'otp.resent' : 'otp.sent' });
  if (outcome.reason !== 'send-failed') res.set('Retry-After', String(outcome.retryAfterSeconds));
  const { key, vars, status } = refusalMessage(outcome);
  if (outcome.reason === 'cooldown' || resend) return codePage(res, ref, phone, { messageKey: key, messageVars: vars, status });
  renderStart(res, key, vars, status);
}

/** A sealed field of the given kind, or a 400 page that leads back to the start. */
function readRef(req: Request, res: Response, field: 'ref' | 'grant', kind: 'mydata' | 'grant'): OtpRef | undefined {
  const { deps } = kitOf(req);
  const ref = openOtpRef(deps.box, req.body?.[field], { kind, mac: null, now: deps.clock() });
  if (!ref) {
    personal(res);
    renderProblem(res, 400, kind === 'grant' ? 'myData.grantExpired' : 'otp.refExpired', { backHref: '/my-data' });
  }
  return ref;
}

function formatWhen(res: Response, when: Date | null): string {
  if (!when) return '—';
  const { deps } = kitOf(res.req);
  return new Intl.DateTimeFormat(res.locals.lang === 'en' ? 'en-GB' : 'id-ID', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: deps.config.timezone,
  }).format(when);
}

/** Plain values for the data page (dates in the citizen's language and the city's time zone). */
function describeData(res: Response, data: CitizenData | undefined) {
  if (!data) return undefined;
  return {
    maskedPhone: maskPhone(data.subscriber.phone),
    createdAt: formatWhen(res, data.subscriber.createdAt),
    consentAt: formatWhen(res, data.subscriber.consentAt),
    termsVersion: data.subscriber.termsVersion ?? '—',
    lastSeenAt: formatWhen(res, data.subscriber.lastSeenAt),
    blocked: data.subscriber.blocked,
    devices: data.devices.map((d) => ({
      mac: d.maskedMac,
      firstSeenAt: formatWhen(res, d.firstSeenAt),
      lastSeenAt: formatWhen(res, d.lastSeenAt),
      rememberedUntil: d.rememberedUntil ? formatWhen(res, d.rememberedUntil) : undefined,
    })),
    sessionCount: data.sessions.count,
    lastSessionAt: formatWhen(res, data.sessions.lastStartedAt),
    otpCodes: data.otpCodes,
  };
}

/** The data page: what is kept about the number, and the way to delete it. */
async function showData(req: Request, res: Response, grant: string, phone: string): Promise<void> {
  const { deps } = kitOf(req);
  const data = await findCitizenData(deps.db, deps.box, phone);
  personal(res);
  renderPage(res, 'my-data-view', { grant, maskedPhone: maskPhone(phone), data: describeData(res, data), minutes: GRANT_TTL_SECONDS / 60 });
}

export function registerMyDataRoutes(router: Router): void {
  router.get('/my-data', (_req, res) => renderStart(res));

  router.post('/my-data', async (req, res) => {
    if (!(await checkMyDataRate(req, res))) return;
    const typed = singleText(req.body?.phone, MAX_PHONE_FIELD);
    const phone = typed === undefined ? ({ ok: false, problem: 'malformed' } as const) : normalizePhone(typed);
    if (!phone.ok) return renderStart(res, `otp.phone.${phone.problem}`, undefined, 400);
    await sendMyDataCode(req, res, phone.e164, false);
  });

  router.post('/my-data/resend', async (req, res) => {
    if (!(await checkMyDataRate(req, res))) return;
    const ref = readRef(req, res, 'ref', 'mydata');
    if (!ref) return;
    await sendMyDataCode(req, res, ref.phone, true);
  });

  router.post('/my-data/verify', async (req, res) => {
    if (!(await checkMyDataRate(req, res))) return;
    const ref = readRef(req, res, 'ref', 'mydata');
    if (!ref) return;
    const { deps } = kitOf(req);
    const again = (messageKey: string, messageVars?: Vars) => codePage(res, req.body.ref as string, ref.phone, { messageKey, messageVars, status: 400 });
    const code = normalizeOtpInput(singleText(req.body?.code, MAX_CODE_FIELD));
    if (!code) return again('otp.code.malformed');
    const now = deps.clock();
    const verified = await verifyOtpCode(deps.db, deps.box, { phone: ref.phone, purpose: 'mydata', mac: null, code, now });
    if (!verified.ok) {
      deps.logger.info({ event: 'otp-verify-failed', purpose: 'mydata', reason: verified.reason, phoneMasked: maskPhone(ref.phone) }, 'one-time code not accepted');
      if (verified.reason === 'wrong-code') {
        return verified.triesLeft > 0 ? again('otp.code.wrong', { tries: verified.triesLeft }) : again('otp.code.noTriesLeft');
      }
      return again(`otp.code.${verified.reason}`);
    }
    const grant = sealOtpRef(deps.box, { phone: ref.phone, kind: 'grant', mac: null, expiresAt: now.getTime() + GRANT_TTL_SECONDS * 1000 });
    await showData(req, res, grant, ref.phone);
  });

  // "Cancel" on the confirmation page: back to the data, with the same grant.
  router.post('/my-data/view', async (req, res) => {
    if (!(await checkMyDataRate(req, res))) return;
    const grant = readRef(req, res, 'grant', 'grant');
    if (!grant) return;
    await showData(req, res, req.body.grant as string, grant.phone);
  });

  router.post('/my-data/delete', async (req, res) => {
    if (!(await checkMyDataRate(req, res))) return;
    const grant = readRef(req, res, 'grant', 'grant');
    if (!grant) return;
    const { deps } = kitOf(req);
    const data = await findCitizenData(deps.db, deps.box, grant.phone);
    personal(res);
    renderPage(res, 'my-data-confirm', { grant: req.body.grant as string, maskedPhone: maskPhone(grant.phone), data: describeData(res, data) });
  });

  router.post('/my-data/delete/confirm', async (req, res) => {
    if (!(await checkMyDataRate(req, res))) return;
    const grant = readRef(req, res, 'grant', 'grant');
    if (!grant) return;
    const { deps } = kitOf(req);
    const deleted = await deleteCitizenData(deps.db, deps.box, grant.phone);
    deps.logger.info({ event: 'citizen-data-deleted', ...deleted }, 'a citizen deleted the data kept about their number');
    personal(res);
    renderPage(res, 'my-data-deleted', { maskedPhone: maskPhone(grant.phone), deleted });
  });
}
