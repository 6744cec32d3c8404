import type { Request, Response } from 'express';
import { hashPassword, verifyPassword } from '../../core/crypto.js';
import { withTransaction } from '../../core/db/index.js';
import { createAdminSession, deleteAdminSession } from '../../core/db/queries/admin-sessions.js';
import { findAdminForSignIn, recordAdminSignIn } from '../../core/db/queries/admins.js';
import { recordAudit } from '../../core/db/queries/audit.js';
import { clearSignInFailures, findSignInLock, recordSignInFailure, type SignInLock } from '../../core/db/queries/sign-in-failures.js';
import { normalizeUsername } from '../../core/domain/admin-username.js';
import { newCsrfSeed } from '../../core/web/csrf.js';
import { kitOf } from '../kit.js';
import { cookiesOf, SESSION_COOKIE } from '../middleware/prepare.js';
import { principalOf } from '../principal.js';
import { renderPage } from '../render.js';
import type { RouteSpec } from './route-spec.js';

/** Five wrong passwords for one username within 15 minutes lock it for 15 minutes. */
export const USER_FAILURE_LIMIT = 5;
/** Failures from one client address (any usernames) within 15 minutes that lock the address for 15 minutes. */
export const ADDRESS_FAILURE_LIMIT = 30;
export const FAILURE_WINDOW_SECONDS = 15 * 60;
export const LOCK_SECONDS = 15 * 60;

const MAX_FIELD = 256;

/** A hash to check against when the username is unknown, so an unknown name takes as long as a known one. */
let dummyHash: Promise<string> | undefined;

function userKey(username: string): string {
  return `user:${username}`;
}

function addressKey(req: Request): string {
  return `address:${req.ip ?? 'unknown'}`;
}

/** Only a path on this dashboard, never another host ("//evil", "/\\evil") nor the sign-in page itself. */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (value.startsWith('/sign-in') || value.length > 2000) return '/';
  return value;
}

function showSignIn(res: Response, options: { status?: number; messageKey?: string; vars?: Record<string, number>; username?: string; next?: string }): void {
  const t = res.locals.t as (key: string, vars?: Record<string, number>) => string;
  renderPage(
    res,
    'sign-in',
    { message: options.messageKey ? t(options.messageKey, options.vars) : undefined, username: options.username ?? '', next: options.next ?? '/' },
    options.status ?? 200,
  );
}

function minutesLeft(lock: SignInLock, now: Date): number {
  return Math.max(1, Math.ceil((lock.lockedUntil.getTime() - now.getTime()) / 60_000));
}

function refuseLocked(res: Response, lock: SignInLock, now: Date, username: string, next: string): void {
  const seconds = Math.max(1, Math.ceil((lock.lockedUntil.getTime() - now.getTime()) / 1000));
  res.set('Retry-After', String(seconds));
  const messageKey = lock.key.startsWith('address:') ? 'signIn.addressLocked' : 'signIn.locked';
  showSignIn(res, { status: 429, messageKey, vars: { minutes: minutesLeft(lock, now) }, username, next });
}

function showSignInPage(req: Request, res: Response): void {
  if (principalOf(res)?.kind === 'session') return res.redirect(303, safeNext(req.query.next));
  showSignIn(res, { next: safeNext(req.query.next) });
}

/**
 * POST /sign-in: checkLock → verifyAdminPassword → recordFailure (and maybe lock) or startSession.
 * Failures count per username (known or not, so a lockout tells nothing about which names exist) and
 * per client address, in PostgreSQL; while locked even the right password is refused.
 */
async function signIn(req: Request, res: Response): Promise<void> {
  const { deps, metrics } = kitOf(req);
  const now = deps.clock();
  const rawName = typeof req.body?.username === 'string' ? req.body.username.slice(0, MAX_FIELD) : '';
  const password = typeof req.body?.password === 'string' ? req.body.password.slice(0, MAX_FIELD) : '';
  const username = normalizeUsername(rawName);
  const next = safeNext(req.body?.next);
  const log = deps.logger.child({ module: 'sign-in' });
  if (username === '' || password === '') return showSignIn(res, { status: 400, messageKey: 'signIn.missing', username, next });

  const keys = [userKey(username), addressKey(req)];
  const lock = await findSignInLock(deps.db, keys, now);
  if (lock) {
    metrics.signIns.inc({ result: 'locked' });
    log.warn({ event: 'sign-in-refused-locked', username, address: req.ip, lockedUntil: lock.lockedUntil }, 'sign-in refused: locked');
    return refuseLocked(res, lock, now, username, next);
  }

  const admin = await findAdminForSignIn(deps.db, username);
  dummyHash ??= hashPassword(newCsrfSeed());
  const passwordOk = await verifyPassword(password, admin?.passwordHash ?? (await dummyHash));
  if (!admin || !passwordOk) {
    const locks = await recordSignInFailure(
      deps.db,
      [
        { key: keys[0], limit: USER_FAILURE_LIMIT },
        { key: keys[1], limit: ADDRESS_FAILURE_LIMIT },
      ],
      now,
      { windowSeconds: FAILURE_WINDOW_SECONDS, lockSeconds: LOCK_SECONDS },
    );
    log.warn({ event: 'sign-in-failed', username, address: req.ip, locked: locks.length > 0 }, 'sign-in failed: wrong username or password');
    if (locks.length > 0) {
      metrics.signIns.inc({ result: 'locked' });
      for (const set of locks) {
        await recordAudit(deps.db, { actor: username, action: 'sign-in-locked', target: set.key, details: { until: set.lockedUntil.toISOString() }, at: now });
      }
      return refuseLocked(res, locks[0], now, username, next);
    }
    metrics.signIns.inc({ result: 'wrong' });
    return showSignIn(res, { status: 401, messageKey: 'signIn.wrong', username, next });
  }
  if (admin.disabled) {
    metrics.signIns.inc({ result: 'disabled' });
    return showSignIn(res, { status: 403, messageKey: 'signIn.disabled', username, next });
  }

  const expiresAt = new Date(now.getTime() + deps.config.dashboard.sessionHours * 3600_000);
  const token = await withTransaction(deps.db, async (tx) => {
    const made = await createAdminSession(tx, deps.box, { adminId: admin.id, now, expiresAt, data: { csrf: newCsrfSeed(), address: req.ip } });
    await recordAdminSignIn(tx, admin.id, now);
    await recordAudit(tx, { actor: admin.username, action: 'sign-in', target: admin.username, details: { address: req.ip ?? null }, at: now });
    return made;
  });
  await clearSignInFailures(deps.db, keys[0]);
  metrics.signIns.inc({ result: 'success' });
  log.info({ event: 'signed-in', username: admin.username, address: req.ip }, 'signed in');
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.secure,
    path: '/',
    maxAge: deps.config.dashboard.sessionHours * 3600_000,
  });
  res.redirect(303, next);
}

/** POST /sign-out: ends the session in the database and forgets the cookie. */
async function signOut(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const principal = principalOf(res);
  if (principal?.kind === 'session') {
    await withTransaction(deps.db, async (tx) => {
      await deleteAdminSession(tx, deps.box, principal.sessionToken);
      await recordAudit(tx, { actor: principal.actor, action: 'sign-out', target: principal.name, at: deps.clock() });
    });
  }
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
  delete cookiesOf(req)[SESSION_COOKIE];
  res.redirect(303, '/sign-in');
}

export function signInRoutes(): RouteSpec[] {
  return [
    { method: 'get', path: '/sign-in', access: 'public', handler: showSignInPage },
    { method: 'post', path: '/sign-in', access: 'public', handler: signIn },
    { method: 'post', path: '/sign-out', access: 'signed-in', handler: signOut },
  ];
}
