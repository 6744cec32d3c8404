import type { Request, Response, Router } from 'express';
import type { PortalSite } from '../../core/db/queries/portal-sites.js';
import { normalizeOtpInput, OTP_TTL_SECONDS, verifyOtpCode } from '../../core/db/queries/otp.js';
import { currentTermsVersion } from '../../core/db/queries/settings.js';
import { recordSubscriberConsent } from '../../core/db/queries/subscribers.js';
import { maskPhone, normalizePhone } from '../../core/domain/phone.js';
import { kitOf } from '../kit.js';
import { openOtpRef, REF_TTL_SECONDS, sealOtpRef, type OtpRef } from '../otp/otp-ref.js';
import { requestOtpCode, type RequestCodeOutcome } from '../otp/request-code.js';
import type { RouterContext } from '../router-context.js';
import { singleText } from '../router-context.js';
import {
  acceptedTerms,
  checkLoginRate,
  countRefusedLogin,
  issueAndHandOff,
  loadRouterContext,
  loginHref,
  renderLogin,
  renderPage,
  renderProblem,
  signContext,
  type Vars,
} from './shared.js';

/** Longest phone or code input read from a form; longer is refused as malformed. */
export const MAX_PHONE_FIELD = 64;
export const MAX_CODE_FIELD = 16;

/** What the code-entry page shows; shared by the login (here) and "My data". */
export interface CodePageOptions {
  ref: string;
  phone: string;
  /** where the code is posted, and where "send a new code" is posted */
  verifyAction: string;
  resendAction: string;
  /** the signed router context for a login; absent for "My data" */
  ctxToken?: string;
  site?: PortalSite;
  /** a link back to where the number was typed ("use another number") */
  backHref: string;
  messageKey?: string;
  messageVars?: Vars;
  /** a plain note (e.g. "a new code was sent"), not an alert */
  noteKey?: string;
  status?: number;
}

/** The page where the citizen types the code they received. */
export function renderCodePage(res: Response, options: CodePageOptions): void {
  const t = res.locals.t as (key: string, vars?: Vars) => string;
  res.set('Cache-Control', 'no-store');
  renderPage(
    res,
    'otp-code',
    {
      ref: options.ref,
      ctxToken: options.ctxToken,
      site: options.site,
      maskedPhone: maskPhone(options.phone),
      minutes: OTP_TTL_SECONDS / 60,
      verifyAction: options.verifyAction,
      resendAction: options.resendAction,
      backHref: options.backHref,
      message: options.messageKey ? t(options.messageKey, options.messageVars) : undefined,
      note: options.noteKey ? t(options.noteKey, { minutes: OTP_TTL_SECONDS / 60 }) : undefined,
    },
    options.status ?? 200,
  );
}

/** The message for a request that sent no code: which limit, and for how long. */
export function refusalMessage(outcome: Exclude<RequestCodeOutcome, { ok: true }>): { key: string; vars?: Vars; status: number } {
  if (outcome.reason === 'send-failed') return { key: 'otp.sendFailed', status: 503 };
  if (outcome.reason === 'cooldown') return { key: 'otp.cooldown', vars: { seconds: outcome.retryAfterSeconds }, status: 429 };
  return { key: `otp.${outcome.reason}`, status: 429 };
}

function setRetryAfter(res: Response, outcome: RequestCodeOutcome): void {
  if (!outcome.ok && outcome.reason !== 'send-failed') res.set('Retry-After', String(outcome.retryAfterSeconds));
}

function loginCodePage(req: Request, res: Response, ctx: RouterContext, site: PortalSite, ref: string, phone: string, extra: Partial<CodePageOptions> = {}) {
  renderCodePage(res, {
    ref,
    phone,
    verifyAction: '/login/otp/verify',
    resendAction: '/login/otp/resend',
    ctxToken: signContext(req, ctx),
    site,
    backHref: loginHref(req, ctx),
    ...extra,
  });
}

/** Sends a code for a login and answers with the code page, or the login page saying why not. */
async function sendLoginCode(req: Request, res: Response, ctx: RouterContext, site: PortalSite, phone: string, resend: boolean): Promise<void> {
  const { deps, metrics } = kitOf(req);
  const outcome = await requestOtpCode(deps, { phone, purpose: 'login', mac: ctx.mac, address: req.ip, site: site.code }, metrics);
  const ref = sealOtpRef(deps.box, { phone, kind: 'login', mac: ctx.mac, expiresAt: deps.clock().getTime() + REF_TTL_SECONDS * 1000 });
  setRetryAfter(res, outcome);
  if (outcome.ok) return loginCodePage(req, res, ctx, site, ref, phone, { noteKey: resend ? 'otp.resent' : 'otp.sent' });
  const { key, vars, status } = refusalMessage(outcome);
  // A code sent a moment ago may still be on its way: the code page stays where it can be typed.
  if (outcome.reason === 'cooldown' || resend) return loginCodePage(req, res, ctx, site, ref, phone, { messageKey: key, messageVars: vars, status });
  renderLogin(req, res, { ctx, site, messageKey: key, messageVars: vars, status });
}

/** The router context, the site (which must offer OTP) and one attempt spent against the login rate. */
async function loadOtpLogin(req: Request, res: Response): Promise<{ ctx: RouterContext; site: PortalSite } | undefined> {
  const loaded = await loadRouterContext(req, res);
  if (!loaded) return undefined;
  if (!(await checkLoginRate(req, res, loaded.ctx))) return undefined;
  if (!loaded.site.loginMethods.includes('otp')) {
    renderProblem(res, 403, 'login.methodNotAllowed', { site: loaded.site });
    return undefined;
  }
  return loaded;
}

/** The sealed number of a code page, or a 400 page pointing back to the login page. */
function readLoginRef(req: Request, res: Response, ctx: RouterContext): OtpRef | undefined {
  const { deps } = kitOf(req);
  const ref = openOtpRef(deps.box, req.body?.ref, { kind: 'login', mac: ctx.mac, now: deps.clock() });
  if (!ref) renderProblem(res, 400, 'otp.refExpired', { backHref: loginHref(req, ctx) });
  return ref;
}

/**
 * POST /login/otp (ctx, _csrf, phone, accept_terms): a code to the number, then the code page.
 * POST /login/otp/resend (ctx, _csrf, ref): a new code to the same number, after the cooldown.
 * POST /login/otp/verify (ctx, _csrf, ref, code): a right code records the citizen (number encrypted,
 * consent) and the device bound to them, and hands off to the router with a one-time credential.
 */
export function registerOtpRoutes(router: Router): void {
  router.post('/login/otp', async (req, res) => {
    const loaded = await loadOtpLogin(req, res);
    if (!loaded) return;
    const { ctx, site } = loaded;
    if (!acceptedTerms(req)) return renderLogin(req, res, { ctx, site, messageKey: 'login.mustAcceptTerms', status: 400 });
    const typed = singleText(req.body?.phone, MAX_PHONE_FIELD);
    const phone = typed === undefined ? ({ ok: false, problem: 'malformed' } as const) : normalizePhone(typed);
    if (!phone.ok) return renderLogin(req, res, { ctx, site, messageKey: `otp.phone.${phone.problem}`, status: 400 });
    await sendLoginCode(req, res, ctx, site, phone.e164, false);
  });

  router.post('/login/otp/resend', async (req, res) => {
    const loaded = await loadOtpLogin(req, res);
    if (!loaded) return;
    const ref = readLoginRef(req, res, loaded.ctx);
    if (!ref) return;
    await sendLoginCode(req, res, loaded.ctx, loaded.site, ref.phone, true);
  });

  router.post('/login/otp/verify', async (req, res) => {
    const loaded = await loadOtpLogin(req, res);
    if (!loaded) return;
    const { ctx, site } = loaded;
    const ref = readLoginRef(req, res, ctx);
    if (!ref) return;
    const { deps } = kitOf(req);
    const again = (messageKey: string, messageVars?: Vars) =>
      loginCodePage(req, res, ctx, site, req.body.ref as string, ref.phone, { messageKey, messageVars, status: 400 });
    const code = normalizeOtpInput(singleText(req.body?.code, MAX_CODE_FIELD));
    if (!code) return again('otp.code.malformed');
    const now = deps.clock();
    const verified = await verifyOtpCode(deps.db, deps.box, { phone: ref.phone, purpose: 'login', mac: ctx.mac, code, now });
    if (!verified.ok) {
      countRefusedLogin(req, 'otp');
      deps.logger.info({ event: 'otp-verify-failed', reason: verified.reason, site: site.code, phoneMasked: maskPhone(ref.phone) }, 'one-time code not accepted');
      if (verified.reason === 'wrong-code') {
        return verified.triesLeft > 0 ? again('otp.code.wrong', { tries: verified.triesLeft }) : again('otp.code.noTriesLeft');
      }
      return again(`otp.code.${verified.reason}`);
    }
    const subscriber = await recordSubscriberConsent(deps.db, deps.box, { phone: ref.phone, termsVersion: await currentTermsVersion(deps), now });
    await issueAndHandOff(req, res, {
      ctx,
      site,
      method: 'otp',
      subscriberId: subscriber.id,
      planId: subscriber.planId,
      remember: true,
      consent: true,
    });
  });
}
