import type { Response } from 'express';
import type { AdminRole } from '../core/domain/admin-roles.js';

/**
 * Who is making a request: a signed-in person (a session cookie) or a machine (an API token). The
 * actor is what the audit log records: the username, or `token:<name>`.
 */
export type Principal =
  | { kind: 'session'; adminId: number; name: string; roles: AdminRole[]; actor: string; csrfSeed: string; sessionToken: string }
  | { kind: 'token'; tokenId: number; name: string; roles: AdminRole[]; actor: string };

export function principalOf(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}

export function setPrincipal(res: Response, principal: Principal): void {
  res.locals.principal = principal;
}
