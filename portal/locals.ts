import type { NextFunction, Request, Response } from 'express';
import { CSRF_COOKIE, csrfTokenFor, isValidCsrfSeed, newCsrfSeed } from './csrf.js';
import { DEFAULT_LANG, isLang, LANGUAGES, type Lang } from './i18n.js';
import { kitOf } from './kit.js';
import { parse as parseCookieHeader } from 'cookie';

const LANG_COOKIE = 'lang';
const YEAR_MS = 365 * 86400_000;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * The request's cookies (req.cookies), parsed once with the `cookie` package and only when there is a
 * Cookie header (the first of a name kept, %-escapes decoded, quotes around a value dropped).
 */
export function parseCookies(req: Request): Record<string, string> {
  const known = req.cookies as Record<string, string> | undefined;
  if (known) return known;
  const header = req.headers.cookie;
  const cookies = Object.create(null) as Record<string, string>;
  if (header) {
    for (const [name, value] of Object.entries(parseCookieHeader(header))) if (value !== undefined) cookies[name] = value;
  }
  req.cookies = cookies;
  return cookies;
}

/** Accept-Language headers seen, and the language each one chose (phones send few different ones). */
const negotiated = new Map<string, Lang>();
const MAX_NEGOTIATED = 2_000;

/** The kept cookie, else Accept-Language, else Bahasa Indonesia (no ?lang= here). */
export function languageOf(req: Request, cookies: Record<string, string>): Lang {
  const kept: unknown = cookies[LANG_COOKIE];
  if (isLang(kept)) return kept;
  const header = req.headers['accept-language'];
  if (!header) return DEFAULT_LANG;
  let lang = negotiated.get(header);
  if (lang === undefined) {
    const accepted = req.acceptsLanguages(...LANGUAGES);
    lang = isLang(accepted) ? accepted : DEFAULT_LANG;
    if (negotiated.size >= MAX_NEGOTIATED) negotiated.clear();
    negotiated.set(header, lang);
  }
  return lang;
}

/** ?lang= (kept in a cookie), else the cookie, else Accept-Language, else Bahasa Indonesia. */
function chooseLanguage(req: Request, res: Response): Lang {
  const asked = req.query.lang;
  if (isLang(asked)) {
    if (req.cookies?.[LANG_COOKIE] !== asked) {
      res.cookie(LANG_COOKIE, asked, { maxAge: YEAR_MS, httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
    }
    return asked;
  }
  return languageOf(req, parseCookies(req));
}

/** The same page in the other language (GET); other requests fall back to the portal's root. */
export function languageHref(req: Request, other: Lang): string {
  if (req.method !== 'GET') return `/?lang=${other}`;
  const at = req.originalUrl.indexOf('?');
  const params = new URLSearchParams(at < 0 ? '' : req.originalUrl.slice(at + 1));
  params.set('lang', other);
  return `${req.path}?${params.toString()}`;
}

/**
 * What every page needs: the language and its translator, the CSRF token (and its cookie, set on the
 * first visit). The link to the other language is made when a page is rendered (shared.ts renderPage).
 */
export function pageLocals(req: Request, res: Response, next: NextFunction): void {
  const { deps, translations } = kitOf(req);
  const lang = chooseLanguage(req, res);
  const other: Lang = lang === 'id' ? 'en' : 'id';
  let seed: unknown = req.cookies?.[CSRF_COOKIE];
  if (!isValidCsrfSeed(seed)) {
    seed = newCsrfSeed();
    res.cookie(CSRF_COOKIE, seed, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
  }
  res.locals.lang = lang;
  res.locals.otherLang = other;
  res.locals.t = translations.translator(lang);
  res.locals.csrfToken = csrfTokenFor(deps.box, seed as string);
  res.locals.escapeHtml = escapeHtml;
  next();
}

/** For an error raised before pageLocals ran: enough locals for the problem page, in Bahasa Indonesia. */
export function ensurePageLocals(req: Request, res: Response): void {
  if (typeof res.locals.t === 'function') return;
  const { translations } = kitOf(req);
  res.locals.lang = DEFAULT_LANG;
  res.locals.otherLang = 'en';
  res.locals.t = translations.translator(DEFAULT_LANG);
  res.locals.langHref = '/?lang=en';
  res.locals.csrfToken = '';
  res.locals.escapeHtml = escapeHtml;
}
