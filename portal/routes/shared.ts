import type { Request, Response } from 'express';
import { issueCredential, recordPortalLogin } from '../../core/db/queries/credentials.js';
import { recordPortalDevice } from '../../core/db/queries/devices.js';
import type { PortalSite } from '../../core/db/queries/portal-sites.js';
import { consumeRatePoints, type RateWindow } from '../../core/db/queries/rate-limits.js';
import { currentTermsVersion } from '../../core/db/queries/settings.js';
import { handoffPassword } from '../../core/domain/handoff-password.js';
import { maskMac } from '../../core/domain/mac.js';
import { originOf } from '../../core/domain/redirects.js';
import type { Lang } from '../i18n.js';
import { kitOf } from '../kit.js';
import { escapeHtml, languageHref } from '../locals.js';
import type { LoginMethod } from '../metrics.js';
import { chapOf, signRouterContext, verifyRouterContext, type RouterContext } from '../router-context.js';
import { readRememberedCookie, REMEMBERED_COOKIE, setRememberedCookie } from './remembered-cookie.js';

/**
 * Helpers every route uses, the OTP and "my data" routes included: rendering a page in the
 * citizen's language, reading the signed router context, the login rate limit, and the handoff.
 */

export type Vars = Record<string, string | number>;

/** Renders a view with the request's locals (lang, t, csrfToken, langHref, …) and `data`. */
export function renderPage(res: Response, view: string, data: Record<string, unknown> = {}, status = 200): void {
  const other = res.locals.otherLang as Lang;
  if (typeof data.ctxToken === 'string') res.locals.langHref = `/login?ctx=${encodeURIComponent(data.ctxToken)}&lang=${other}`;
  else res.locals.langHref ??= languageHref(res.req, other);
  res.status(status).render(view, data);
}

/** The 4xx (or 5xx) page in the citizen's language: a heading, one clear message, never a stack trace. */
export function renderProblem(
  res: Response,
  status: number,
  messageKey: string,
  options: { vars?: Vars; headingKey?: string; site?: PortalSite; backHref?: string } = {},
): void {
  const t = res.locals.t as (key: string, vars?: Vars) => string;
  res.set('Cache-Control', 'no-store');
  renderPage(
    res,
    'problem',
    {
      heading: t(options.headingKey ?? 'problem.title'),
      message: t(messageKey, options.vars),
      site: options.site,
      backHref: options.backHref,
    },
    status,
  );
}

/** The value of the hidden `ctx` field for a context. */
export function signContext(req: Request, ctx: RouterContext): string {
  return signRouterContext(kitOf(req).deps.box, ctx);
}

/** The verified context of a form post (`ctx` field) or query, or undefined. */
export function readRouterContext(req: Request, token: unknown = req.body?.ctx): RouterContext | undefined {
  const { deps } = kitOf(req);
  return verifyRouterContext(deps.box, token, deps.clock());
}

/**
 * The router context and site of a form post. When it returns undefined it has already answered:
 * 400 for a missing, forged or expired `ctx`, 404 for a router that is no longer known.
 */
export async function loadRouterContext(req: Request, res: Response): Promise<{ ctx: RouterContext; site: PortalSite } | undefined> {
  const ctx = readRouterContext(req);
  if (!ctx) {
    renderProblem(res, 400, 'problem.expired');
    return undefined;
  }
  const site = await kitOf(req).sites.find(ctx.identity);
  if (!site) {
    renderProblem(res, 404, 'problem.unknownRouter', { headingKey: 'problem.unknownRouterTitle' });
    return undefined;
  }
  return { ctx, site };
}

/** Per client address and device, and per client address (a whole site may share one public address). */
const ADDRESS_FACTOR = 25;
const RATE_WINDOW_SECONDS = 60;
/**
 * The per-address window is spread over a few rows: every login from one public address (a whole
 * site, or a city-wide reconnect) would otherwise queue on one row's lock. Its count is their sum.
 */
const ADDRESS_SHARDS = 8;

/** The login rate windows of an attempt: per address and device, and per address. */
function loginRateWindows(req: Request, ctx: RouterContext): RateWindow[] {
  const { deps } = kitOf(req);
  const perMinute = deps.config.portal.loginRatePerMinute;
  const address = req.ip ?? 'unknown';
  return [
    { key: `login:${deps.box.keyedHash(`${address}|${ctx.mac}`).slice(0, 32)}`, limit: perMinute, windowSeconds: RATE_WINDOW_SECONDS },
    {
      key: `login-address:${deps.box.keyedHash(address).slice(0, 32)}`,
      limit: perMinute * ADDRESS_FACTOR,
      windowSeconds: RATE_WINDOW_SECONDS,
      shards: ADDRESS_SHARDS,
    },
  ];
}

/** The 429 page for a login attempt over the limits. */
function refuseLoginRate(req: Request, res: Response, ctx: RouterContext, retryAfterSeconds: number): void {
  kitOf(req).metrics.rateLimited.inc();
  res.set('Retry-After', String(retryAfterSeconds));
  renderProblem(res, 429, 'problem.tooMany', { vars: { seconds: retryAfterSeconds }, backHref: loginHref(req, ctx) });
}

/**
 * One login attempt spent against the limits, which hold across every portal process (kept in
 * PostgreSQL). False means the limit is reached and a 429 page has been sent.
 */
export async function checkLoginRate(req: Request, res: Response, ctx: RouterContext): Promise<boolean> {
  const { deps } = kitOf(req);
  const outcome = await consumeRatePoints(deps.db, loginRateWindows(req, ctx), deps.clock());
  if (outcome.allowed) return true;
  refuseLoginRate(req, res, ctx, outcome.retryAfterSeconds);
  return false;
}

/** A link back to the login page for this context (signed, so the router's variables are kept). */
export function loginHref(req: Request, ctx: RouterContext): string {
  return `/login?ctx=${encodeURIComponent(signContext(req, ctx))}`;
}

export interface LoginPageOptions {
  ctx: RouterContext;
  site: PortalSite;
  /** a message key shown in an alert (e.g. a wrong voucher) */
  messageKey?: string;
  messageVars?: Vars;
  /** the router's `error` (a RADIUS Reply-Message), shown translated where known */
  routerError?: string;
  voucherInvalid?: boolean;
  status?: number;
}

/**
 * The login page of a site, in one language, rendered once with markers where the per-view tokens go:
 * a page view then costs a few string joins, not a template run (thousands of views a second after a
 * city-wide power cut). Kept per site object, so it is rebuilt whenever the site cache reloads the site.
 */
const CTX_MARK = 'cwmark0ctx';
const CSRF_MARK = 'cwmark0csrf';
const MARKS = /(cwmark0ctx|cwmark0csrf)/;
const loginPages = new WeakMap<PortalSite, Map<string, string[]>>();

function fillLoginPage(parts: string[], ctxToken: string, csrfToken: string): string {
  let html = parts[0];
  for (let i = 1; i < parts.length; i += 2) html += (parts[i] === CTX_MARK ? ctxToken : csrfToken) + parts[i + 1];
  return html;
}

/**
 * The plain login page (no message, status 200) already rendered for this site and language: a
 * function that splices in the CSRF token, or undefined when it has not been rendered yet.
 */
export function plainLoginPage(
  req: Request,
  cookies: Record<string, string>,
  site: PortalSite,
  lang: Lang,
  ctx: RouterContext,
): ((csrfToken: string) => string) | undefined {
  const { deps } = kitOf(req);
  let canContinue = false;
  if (cookies[REMEMBERED_COOKIE] !== undefined) {
    const remembered = readRememberedCookie(req, deps.box);
    canContinue = remembered !== undefined && remembered.mac === ctx.mac && remembered.until > deps.clock().getTime();
  }
  const parts = loginPages.get(site)?.get(`${lang}|${canContinue}`);
  if (!parts) return undefined;
  const ctxToken = signContext(req, ctx);
  return (csrfToken) => fillLoginPage(parts, ctxToken, csrfToken);
}

/** The login page for a router context, with the site's methods and any message. */
export function renderLogin(req: Request, res: Response, options: LoginPageOptions): void {
  const { deps, routerErrors } = kitOf(req);
  const t = res.locals.t as (key: string, vars?: Vars) => string;
  let routerError: string | undefined;
  if (options.routerError) {
    const matched = routerErrors.match(options.routerError);
    routerError = 'key' in matched ? [t(matched.key), matched.detail].filter(Boolean).join(' ') : matched.text;
  }
  const methods = options.site.loginMethods;
  const remembered = readRememberedCookie(req, deps.box);
  const canContinue = remembered !== undefined && remembered.mac === options.ctx.mac && remembered.until > deps.clock().getTime();
  const ctxToken = signContext(req, options.ctx);
  const data = {
    site: options.site,
    ctxToken,
    methods: { click: methods.includes('click'), otp: methods.includes('otp'), voucher: methods.includes('voucher') },
    canContinue,
    routerError,
    message: options.messageKey ? t(options.messageKey, options.messageVars) : undefined,
    voucherInvalid: options.voucherInvalid ?? false,
  };
  res.set('Cache-Control', 'no-store');
  const plain = !routerError && !data.message && (options.status ?? 200) === 200;
  if (!plain) return renderPage(res, 'login', data, options.status ?? 200);

  const key = `${res.locals.lang as string}|${canContinue}`;
  let pages = loginPages.get(options.site);
  const parts = pages?.get(key);
  if (parts) {
    res.type('html').send(fillLoginPage(parts, ctxToken, res.locals.csrfToken as string));
    return;
  }
  const other = res.locals.otherLang as Lang;
  const locals = { ...res.locals, ...data, ctxToken: CTX_MARK, csrfToken: CSRF_MARK, langHref: `/login?ctx=${CTX_MARK}&lang=${other}` };
  req.app.render('login', locals, (error: Error | null, html?: string) => {
    if (error || html === undefined) return renderPage(res, 'login', data);
    const made = html.split(MARKS);
    if (!pages) loginPages.set(options.site, (pages = new Map()));
    pages.set(key, made);
    res.type('html').send(fillLoginPage(made, ctxToken, res.locals.csrfToken as string));
  });
}

/**
 * The handoff page of a form post, in one language, rendered once with markers where its four values
 * go (as the login page is): a login then costs a few string joins for it, not a template run.
 */
const HANDOFF_MARKS = /(cwmark0action|cwmark0username|cwmark0password|cwmark0dst)/;
const handoffPages = new Map<string, string[]>();

function fillHandoffPage(parts: string[], values: Record<string, string>): string {
  let html = parts[0];
  for (let i = 1; i < parts.length; i += 2) html += escapeHtml(values[parts[i]]) + parts[i + 1];
  return html;
}

/** The handoff page: a form the browser posts to the router (link-login-only); a script or a button submits it. */
export function renderHandoff(req: Request, res: Response, ctx: RouterContext, credential: { username: string; password: string }): void {
  // This page alone may post to the router, and the router then redirects to any http(s) site.
  const csp = String(res.getHeader('Content-Security-Policy') ?? '');
  res.setHeader('Content-Security-Policy', csp.replace(/form-action [^;]*/, `form-action 'self' ${originOf(ctx.linkLoginOnly)} http: https:`));
  res.set('Cache-Control', 'no-store');
  const data = {
    action: ctx.linkLoginOnly,
    username: credential.username,
    password: handoffPassword(credential.password, chapOf(ctx)),
    dst: ctx.linkOrig,
  };
  // Every login posts a form, whose page links to the other language the same way (renderPage).
  if (req.method !== 'POST' || res.locals.langHref !== undefined) return renderPage(res, 'handoff', data);
  const lang = res.locals.lang as string;
  const parts = handoffPages.get(lang);
  const values: Record<string, string> = { cwmark0action: data.action, cwmark0username: data.username, cwmark0password: data.password, cwmark0dst: data.dst };
  if (parts) {
    res.type('html').send(fillHandoffPage(parts, values));
    return;
  }
  const other = res.locals.otherLang as Lang;
  const marked = { action: 'cwmark0action', username: 'cwmark0username', password: 'cwmark0password', dst: 'cwmark0dst' };
  req.app.render('handoff', { ...res.locals, ...marked, langHref: languageHref(req, other) }, (error: Error | null, html?: string) => {
    if (error || html === undefined) return renderPage(res, 'handoff', data);
    const made = html.split(HANDOFF_MARKS);
    handoffPages.set(lang, made);
    res.type('html').send(fillHandoffPage(made, values));
  });
}

export interface HandOffOptions {
  ctx: RouterContext;
  site: PortalSite;
  method: LoginMethod;
  subscriberId?: number | null;
  voucherId?: number | null;
  planId?: number | null;
  /** an existing device (continue); otherwise the device row is created or refreshed */
  deviceId?: number;
  /** remember the device for MAC login for the plan's remember_device_days */
  remember: boolean;
  /** the citizen ticked "I agree" (the terms version and time are recorded) */
  consent: boolean;
}

/**
 * The end of every successful login: the device row, a one-time RADIUS credential bound to the MAC,
 * and the handoff page. The portal grants nothing itself; RADIUS decides when the router asks.
 */
export async function issueAndHandOff(req: Request, res: Response, options: HandOffOptions): Promise<void> {
  const { deps, metrics } = kitOf(req);
  const now = deps.clock();
  const { ctx, site } = options;
  const rememberUntil = options.remember ? new Date(now.getTime() + site.rememberDeviceDays * 86400_000) : null;
  const deviceId =
    options.deviceId ??
    (await recordPortalDevice(deps.db, {
      mac: ctx.mac,
      siteId: site.id,
      subscriberId: options.subscriberId ?? null,
      rememberUntil,
      consent: options.consent ? { termsVersion: await currentTermsVersion(deps), at: now } : undefined,
      now,
    }));
  const credential = await issueCredential(deps.db, deps.box, {
    mac: ctx.mac,
    method: options.method,
    siteId: site.id,
    deviceId,
    subscriberId: options.subscriberId ?? null,
    voucherId: options.voucherId ?? null,
    planId: options.planId ?? null,
    ttlSeconds: deps.config.portal.credentialTtlSeconds,
    now,
  });
  metrics.logins.inc({ method: options.method, result: 'issued' });
  if (rememberUntil && rememberUntil > now) setRememberedCookie(req, res, deps.box, { mac: ctx.mac, until: rememberUntil.getTime() });
  deps.logger.info({ event: 'credential-issued', method: options.method, site: site.code, mac: maskMac(ctx.mac) }, 'one-time credential issued');
  renderHandoff(req, res, ctx, credential);
}

/**
 * checkLoginRate and issueAndHandOff (for a new or refreshed device) in one database statement and one
 * commit (portal_record_login): the limits are spent first, and nothing else is written when one is
 * reached (the 429 page is sent, as checkLoginRate does).
 */
export async function spendRateAndHandOff(req: Request, res: Response, options: Omit<HandOffOptions, 'deviceId'>): Promise<void> {
  const { deps, metrics } = kitOf(req);
  const now = deps.clock();
  const { ctx, site } = options;
  const rememberUntil = options.remember ? new Date(now.getTime() + site.rememberDeviceDays * 86400_000) : null;
  const outcome = await recordPortalLogin(deps.db, deps.box, {
    windows: loginRateWindows(req, ctx),
    mac: ctx.mac,
    method: options.method,
    siteId: site.id,
    subscriberId: options.subscriberId ?? null,
    voucherId: options.voucherId ?? null,
    planId: options.planId ?? null,
    rememberUntil,
    consent: options.consent ? { termsVersion: await currentTermsVersion(deps), at: now } : undefined,
    ttlSeconds: deps.config.portal.credentialTtlSeconds,
    now,
  });
  if (!outcome.allowed) return refuseLoginRate(req, res, ctx, outcome.retryAfterSeconds);
  metrics.logins.inc({ method: options.method, result: 'issued' });
  if (rememberUntil && rememberUntil > now) setRememberedCookie(req, res, deps.box, { mac: ctx.mac, until: rememberUntil.getTime() });
  deps.logger.info({ event: 'credential-issued', method: options.method, site: site.code, mac: maskMac(ctx.mac) }, 'one-time credential issued');
  renderHandoff(req, res, ctx, outcome.credential);
}

/**
 * A login the credential check turned down (a voucher refused, a device no longer remembered, a code
 * not accepted), for citywifi_portal_logins_total. Form mistakes (terms not ticked, an empty field)
 * and rate-limit refusals are not counted here.
 */
export function countRefusedLogin(req: Request, method: LoginMethod): void {
  kitOf(req).metrics.logins.inc({ method, result: 'refused' });
}

/** Whether a form's "I agree" box was ticked. */
export function acceptedTerms(req: Request): boolean {
  const value = req.body?.accept_terms;
  return value === 'yes' || value === 'on' || value === 'true' || value === '1';
}
