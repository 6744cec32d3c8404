import type { NextFunction, Request, Response } from 'express';
import { CSRF_COOKIE, csrfTokenFor, isValidCsrfSeed, newCsrfSeed } from './csrf.js';
import { DEFAULT_LANG, isLang, LANGUAGES, type Lang } from './i18n.js';
import { kitOf } from './kit.js';

const LANG_COOKIE = 'lang';
const YEAR_MS = 365 * 86400_000;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
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
  const kept: unknown = req.cookies?.[LANG_COOKIE];
  if (isLang(kept)) return kept;
  if (!req.headers['accept-language']) return DEFAULT_LANG;
  const accepted = req.acceptsLanguages(...LANGUAGES);
  return isLang(accepted) ? accepted : DEFAULT_LANG;
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
