/**
 * The portal's CSRF protection (core/web/csrf.ts) without server-side sessions: a random value in a
 * cookie (HttpOnly, SameSite=Lax), and in every form a keyed hash of it.
 */
export { csrfTokenFor, isValidCsrfSeed, newCsrfSeed, verifyCsrfToken } from '../core/web/csrf.js';

export const CSRF_COOKIE = 'cw_csrf';
export const CSRF_FIELD = '_csrf';
