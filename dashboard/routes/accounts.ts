import type { Request, Response } from 'express';
import { hashPassword } from '../../core/crypto.js';
import { addAdmin, findAdminById, listAdmins, setAdminDisabled } from '../../core/db/queries/admins.js';
import { findPasswordProblem } from '../../core/domain/admin-password.js';
import { ADMIN_ROLES, isAdminRole, type AdminRole } from '../../core/domain/admin-roles.js';
import { findUsernameProblem, normalizeUsername } from '../../core/domain/admin-username.js';
import { AppError } from '../../core/errors.js';
import { auditedChange } from '../audit.js';
import { kitOf } from '../kit.js';
import { principalOf } from '../principal.js';
import { renderPage, renderProblem } from '../render.js';
import type { RouteSpec } from './route-spec.js';

/** Roles ticked in a form (one field `roles`, repeated). */
export function rolesFromForm(value: unknown): AdminRole[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return ADMIN_ROLES.filter((r) => list.includes(r) && isAdminRole(r));
}

async function showAccounts(req: Request, res: Response, extra: { messageKey?: string; error?: string; status?: number; form?: Record<string, unknown> } = {}): Promise<void> {
  const { deps } = kitOf(req);
  const t = res.locals.t as (key: string) => string;
  const accounts = await listAdmins(deps.db);
  renderPage(
    res,
    'accounts',
    { accounts, roles: ADMIN_ROLES, message: extra.messageKey ? t(extra.messageKey) : undefined, error: extra.error, form: extra.form ?? { username: '', roles: [] } },
    extra.status ?? 200,
  );
}

/** POST /admin/accounts: a new account, with the same rules as `citywifi admin add`. */
async function addAccount(req: Request, res: Response): Promise<void> {
  const t = res.locals.t as (key: string, vars?: Record<string, string>) => string;
  const username = normalizeUsername(typeof req.body?.username === 'string' ? req.body.username : '');
  const password = typeof req.body?.password === 'string' ? req.body.password : '';
  const roles = rolesFromForm(req.body?.roles);
  const form = { username, roles };
  const refuse = (error: string) => showAccounts(req, res, { error, status: 400, form });
  if (findUsernameProblem(username)) return refuse(t('accounts.badUsername'));
  if (roles.length === 0) return refuse(t('accounts.noRole'));
  const problem = findPasswordProblem(password, username);
  if (problem) return refuse(t(`accounts.passwordProblem.${problem}`));
  const passwordHash = await hashPassword(password);
  try {
    await auditedChange(req, res, async (tx) => {
      const added = await addAdmin(tx, { username, passwordHash, roles });
      return { result: added, audit: { action: 'admin-add', target: added.username, details: { roles: added.roles } } };
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'BAD_ARGUMENT') return refuse(t('accounts.taken', { username }));
    throw error;
  }
  res.redirect(303, '/admin/accounts?done=added');
}

/**
 * POST /admin/accounts/:id/disable and /enable. An admin cannot disable their own account (so there is
 * always an enabled admin: the one acting). Disabling ends the account's sessions at once.
 */
function setDisabled(disabled: boolean) {
  return async (req: Request, res: Response): Promise<void> => {
    const { deps } = kitOf(req);
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) return renderProblem(res, 404, 'problem.notFound');
    const target = await findAdminById(deps.db, id);
    if (!target) return renderProblem(res, 404, 'problem.notFound');
    const principal = principalOf(res)!;
    if (disabled && principal.kind === 'session' && principal.adminId === id) return showAccounts(req, res, { error: (res.locals.t as (k: string) => string)('accounts.notSelf'), status: 400 });
    await auditedChange(req, res, async (tx) => {
      const changed = await setAdminDisabled(tx, id, disabled);
      return { result: changed, audit: changed ? { action: disabled ? 'admin-disable' : 'admin-enable', target: target.username } : null };
    });
    res.redirect(303, `/admin/accounts?done=${disabled ? 'disabled' : 'enabled'}`);
  };
}

const DONE = new Set(['added', 'disabled', 'enabled']);

export function accountRoutes(): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/admin/accounts',
      access: 'administer',
      handler: (req, res) => showAccounts(req, res, { messageKey: typeof req.query.done === 'string' && DONE.has(req.query.done) ? `accounts.done.${req.query.done}` : undefined }),
    },
    { method: 'post', path: '/admin/accounts', access: 'administer', handler: addAccount },
    { method: 'post', path: '/admin/accounts/:id/disable', access: 'administer', handler: setDisabled(true) },
    { method: 'post', path: '/admin/accounts/:id/enable', access: 'administer', handler: setDisabled(false) },
  ];
}
