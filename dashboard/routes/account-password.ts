import type { Request, Response } from 'express';
import { hashPassword, verifyPassword } from '../../core/crypto.js';
import { replaceAdminPassword } from '../../core/db/queries/admin-passwords.js';
import { findAdminForSignIn } from '../../core/db/queries/admins.js';
import { clearSignInFailures, findSignInLock, recordSignInFailure } from '../../core/db/queries/sign-in-failures.js';
import { findPasswordProblem, MAX_PASSWORD_LENGTH } from '../../core/domain/admin-password.js';
import { auditedChange } from '../audit.js';
import { kitOf } from '../kit.js';
import { principalOf } from '../principal.js';
import { renderPage } from '../render.js';
import { doneMessage, field, tOf } from './admin-forms.js';
import type { RouteSpec } from './route-spec.js';
import { FAILURE_WINDOW_SECONDS, LOCK_SECONDS, USER_FAILURE_LIMIT } from './sign-in.js';

function showForm(req: Request, res: Response, extra: { error?: string; status?: number } = {}): void {
  renderPage(res, 'account-password', { message: doneMessage(req, res, 'account', ['changed']), error: extra.error }, extra.status ?? 200);
}

/**
 * POST /account/password: a signed-in person changes their own password. The current password is
 * required, and a wrong one counts as a failed sign-in of that username (the same lockout), so a
 * session left open cannot be used to guess it. The new password follows the rules of
 * `citywifi admin add`. The change, the end of the account's other sessions and the audit entry are
 * one transaction; this session stays signed in.
 */
async function changePassword(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const t = tOf(res);
  const principal = principalOf(res);
  if (principal?.kind !== 'session') return showForm(req, res, { status: 401 });
  const current = field(req, 'current_password').slice(0, MAX_PASSWORD_LENGTH + 1);
  const next = field(req, 'new_password');
  const again = field(req, 'confirm_password');
  const refuse = (key: string, status = 400, vars?: Record<string, number>) => showForm(req, res, { error: t(key, vars), status });
  if (current === '' || next === '' || again === '') return refuse('account.missing');

  const now = deps.clock();
  const userKey = `user:${principal.name}`;
  const minutesLeft = (until: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  const lock = await findSignInLock(deps.db, [userKey], now);
  if (lock) return refuse('account.locked', 429, { minutes: minutesLeft(lock.lockedUntil) });
  const admin = await findAdminForSignIn(deps.db, principal.name);
  if (!admin || !(await verifyPassword(current, admin.passwordHash))) {
    const locks = await recordSignInFailure(deps.db, [{ key: userKey, limit: USER_FAILURE_LIMIT }], now, { windowSeconds: FAILURE_WINDOW_SECONDS, lockSeconds: LOCK_SECONDS });
    deps.logger.warn({ module: 'account', event: 'password-change-refused', username: principal.name, locked: locks.length > 0 }, 'password change refused: wrong current password');
    if (locks.length > 0) return refuse('account.locked', 429, { minutes: minutesLeft(locks[0].lockedUntil) });
    return refuse('account.wrongCurrent');
  }
  await clearSignInFailures(deps.db, userKey);
  if (next !== again) return refuse('account.mismatch');
  const problem = findPasswordProblem(next, admin.username);
  if (problem) return refuse(`accounts.passwordProblem.${problem}`);
  if (next === current) return refuse('account.same');

  const passwordHash = await hashPassword(next);
  const ended = await auditedChange(req, res, async (tx) => {
    const count = await replaceAdminPassword(tx, deps.box, { adminId: admin.id, passwordHash, keepSessionToken: principal.sessionToken });
    return { result: count ?? 0, audit: { action: 'admin-password-change', target: admin.username, details: { sessionsEnded: count ?? 0 } } };
  });
  deps.logger.info({ module: 'account', event: 'password-changed', username: admin.username, sessionsEnded: ended }, 'password changed');
  res.redirect(303, '/account/password?done=changed');
}

export function accountPasswordRoutes(): RouteSpec[] {
  return [
    { method: 'get', path: '/account/password', access: 'signed-in', handler: (req, res) => showForm(req, res) },
    { method: 'post', path: '/account/password', access: 'signed-in', handler: changePassword },
  ];
}
