import type { Request, Response } from 'express';
import { issueApiToken, listApiTokens, revokeApiToken } from '../../core/db/queries/api-tokens.js';
import { ADMIN_ROLES } from '../../core/domain/admin-roles.js';
import { AppError } from '../../core/errors.js';
import { auditedChange } from '../audit.js';
import { kitOf } from '../kit.js';
import { principalOf } from '../principal.js';
import { renderPage, renderProblem } from '../render.js';
import { rolesFromForm } from './accounts.js';
import type { RouteSpec } from './route-spec.js';

const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

async function showTokens(req: Request, res: Response, extra: { issued?: { name: string; token: string }; error?: string; status?: number; messageKey?: string } = {}): Promise<void> {
  const { deps } = kitOf(req);
  const t = res.locals.t as (key: string) => string;
  const tokens = await listApiTokens(deps.db);
  renderPage(res, 'tokens', { tokens, roles: ADMIN_ROLES, issued: extra.issued, error: extra.error, message: extra.messageKey ? t(extra.messageKey) : undefined }, extra.status ?? 200);
}

/** POST /admin/tokens: a new API token, shown on this page once and never again. */
async function addToken(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const t = res.locals.t as (key: string, vars?: Record<string, string>) => string;
  const name = typeof req.body?.name === 'string' ? req.body.name.trim() : '';
  const roles = rolesFromForm(req.body?.roles);
  if (!TOKEN_NAME.test(name)) return showTokens(req, res, { error: t('tokens.badName'), status: 400 });
  if (roles.length === 0) return showTokens(req, res, { error: t('accounts.noRole'), status: 400 });
  const principal = principalOf(res)!;
  try {
    const issued = await auditedChange(req, res, async (tx) => {
      const made = await issueApiToken(tx, deps.box, { name, roles, createdBy: principal.actor, now: deps.clock() });
      return { result: made, audit: { action: 'api-token-add', target: made.record.name, details: { roles: made.record.roles } } };
    });
    res.set('Cache-Control', 'no-store');
    return showTokens(req, res, { issued: { name: issued.record.name, token: issued.token } });
  } catch (error) {
    if (error instanceof AppError && error.code === 'BAD_ARGUMENT') return showTokens(req, res, { error: t('tokens.taken', { name }), status: 400 });
    throw error;
  }
}

/** POST /admin/tokens/:id/revoke: the token stops working at once. */
async function revokeToken(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const id = Number(req.params.id);
  if (!Number.isSafeInteger(id) || id <= 0) return renderProblem(res, 404, 'problem.notFound');
  const revoked = await auditedChange(req, res, async (tx) => {
    const record = await revokeApiToken(tx, id, deps.clock());
    return { result: record, audit: record ? { action: 'api-token-revoke', target: record.name } : null };
  });
  if (!revoked) return renderProblem(res, 404, 'problem.notFound');
  res.redirect(303, '/admin/tokens?done=revoked');
}

export function apiTokenRoutes(): RouteSpec[] {
  return [
    { method: 'get', path: '/admin/tokens', access: 'administer', handler: (req, res) => showTokens(req, res, { messageKey: req.query.done === 'revoked' ? 'tokens.revoked' : undefined }) },
    { method: 'post', path: '/admin/tokens', access: 'administer', handler: addToken },
    { method: 'post', path: '/admin/tokens/:id/revoke', access: 'administer', handler: revokeToken },
  ];
}
