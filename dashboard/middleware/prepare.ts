import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { parse as parseCookieHeader } from 'cookie';
import { findAdminSession } from '../../core/db/queries/admin-sessions.js';
import { can, macFor, phoneFor, type Permission } from '../../core/domain/admin-roles.js';
import { csrfTokenFor, isValidCsrfSeed, newCsrfSeed, verifyCsrfToken } from '../../core/web/csrf.js';
import { DEFAULT_LANG, isLang, type Lang } from '../../core/web/i18n.js';
import { kitOf } from '../kit.js';
import { principalOf, setPrincipal } from '../principal.js';
import { renderProblem } from '../render.js';

export const SESSION_COOKIE = 'cw_dash_session';
export const CSRF_COOKIE = 'cw_dash_csrf';
export const LANG_COOKIE = 'cw_dash_lang';
export const CSRF_FIELD = '_csrf';
/** CSRF tokens of the dashboard are its own: a portal token is never accepted here. */
export const CSRF_SCOPE = 'dashboard';

const BODY_LIMIT = '16kb';
/** Forms that carry a whole file's text (a pasted CSV of sites): a larger body, still bounded. */
const LARGE_FORM_PATHS = new Set(['/sites/import']);
const LARGE_BODY_LIMIT = '8mb';
const MAX_FIELDS = 40;
const YEAR_MS = 365 * 86400_000;

export function cookiesOf(req: Request): Record<string, string> {
  const known = req.cookies as Record<string, string> | undefined;
  if (known) return known;
  const cookies = Object.create(null) as Record<string, string>;
  const header = req.headers.cookie;
  if (header) for (const [name, value] of Object.entries(parseCookieHeader(header))) if (value !== undefined) cookies[name] = value;
  req.cookies = cookies;
  return cookies;
}

/** ?lang= (kept in a cookie), else the kept choice, else Bahasa Indonesia. */
function chooseLanguage(req: Request, res: Response, cookies: Record<string, string>): Lang {
  const asked = req.query.lang;
  if (isLang(asked)) {
    if (cookies[LANG_COOKIE] !== asked) res.cookie(LANG_COOKIE, asked, { maxAge: YEAR_MS, httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
    return asked;
  }
  const kept = cookies[LANG_COOKIE];
  return isLang(kept) ? kept : DEFAULT_LANG;
}

/** The same page in the other language (GET); after a form, the overview. */
function languageHref(req: Request, other: Lang): string {
  if (req.method !== 'GET') return `/?lang=${other}`;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) if (k !== 'lang' && typeof v === 'string') params.set(k, v);
  params.set('lang', other);
  return `${req.path}?${params.toString()}`;
}

/**
 * The CSRF seed of this request: the signed-in session's own (so a token is bound to the session),
 * else a random value in an HttpOnly SameSite=Strict cookie for the sign-in form.
 */
function csrfSeedOf(req: Request, res: Response, cookies: Record<string, string>): string {
  const principal = principalOf(res);
  if (principal?.kind === 'session') return principal.csrfSeed;
  let seed: unknown = cookies[CSRF_COOKIE];
  if (!isValidCsrfSeed(seed)) {
    seed = newCsrfSeed();
    res.cookie(CSRF_COOKIE, seed, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
  }
  return seed as string;
}

/** Reads the session cookie into res.locals.principal when it opens a live session. */
async function loadSession(req: Request, res: Response, cookies: Record<string, string>): Promise<void> {
  const token = cookies[SESSION_COOKIE];
  if (!token) return;
  const { deps } = kitOf(req);
  const session = await findAdminSession(deps.db, deps.box, token, deps.clock());
  if (!session) return;
  setPrincipal(res, {
    kind: 'session',
    adminId: session.adminId,
    name: session.username,
    roles: session.roles,
    actor: session.username,
    csrfSeed: session.data.csrf,
    sessionToken: token,
  });
}

/**
 * Everything a request needs before its route: cookies, the signed-in session, the language and
 * translator, the CSRF token for forms, and for a POST the bounded form body and the CSRF check (403
 * in the user's language when it fails). /api requests get no page locals and no form parsing.
 */
export function prepareRequest(): RequestHandler {
  const parseForm = express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: MAX_FIELDS });
  const parseLargeForm = express.urlencoded({ extended: false, limit: LARGE_BODY_LIMIT, parameterLimit: MAX_FIELDS });
  return (req: Request, res: Response, next: NextFunction) => {
    // Express 5 parses the query string again on every read of req.query: parse it once per request.
    Object.defineProperty(req, 'query', { value: req.query, writable: true, configurable: true, enumerable: true });
    const cookies = cookiesOf(req);
    loadSession(req, res, cookies).then(() => {
      const { deps, translations } = kitOf(req);
      const lang = chooseLanguage(req, res, cookies);
      const other: Lang = lang === 'id' ? 'en' : 'id';
      const principal = principalOf(res);
      const roles = principal?.roles ?? [];
      res.locals.lang = lang;
      res.locals.otherLang = other;
      res.locals.langHref = languageHref(req, other);
      res.locals.t = translations.translator(lang);
      res.locals.path = req.path;
      res.locals.can = (permission: Permission) => can(roles, permission);
      res.locals.macFor = (mac: string) => macFor(roles, mac);
      res.locals.phoneFor = (phone: string) => phoneFor(roles, phone);
      res.locals.formatTime = (at: Date) => formatTime(at, lang, deps.config.timezone);
      if (req.path.startsWith('/api/')) return next();
      const seed = csrfSeedOf(req, res, cookies);
      res.locals.csrfToken = csrfTokenFor(deps.box, seed, CSRF_SCOPE);
      if (req.method !== 'POST') return next();
      (LARGE_FORM_PATHS.has(req.path) ? parseLargeForm : parseForm)(req, res, (error?: unknown) => {
        if (error) return next(error);
        if (verifyCsrfToken(deps.box, seed, req.body?.[CSRF_FIELD], CSRF_SCOPE)) return next();
        renderProblem(res, 403, 'problem.csrf');
      });
    }, next);
  };
}

/** A time as people here read it: "25 Nov 2026 14.05" in the city's time zone. */
export function formatTime(at: Date, lang: Lang, timeZone: string): string {
  return new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(at);
}
