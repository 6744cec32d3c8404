import type { Request, Response } from 'express';
import { findLiveApiToken } from '../../core/db/queries/api-tokens.js';
import { kitOf } from '../kit.js';
import { principalOf, setPrincipal } from '../principal.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export type ApiAuthOutcome = 'session' | 'token' | 'none' | 'bad-token';

/**
 * Who calls an /api route: `Authorization: Bearer <token>` when the header is there (a session cookie
 * is then ignored, so a machine never acts as whoever is signed in in the same browser), else the
 * signed-in session.
 */
export async function authenticateApi(req: Request, res: Response): Promise<ApiAuthOutcome> {
  const header = req.headers.authorization;
  if (header === undefined) return principalOf(res) ? 'session' : 'none';
  res.locals.principal = undefined;
  const match = BEARER.exec(header);
  if (!match) return 'bad-token';
  const { deps } = kitOf(req);
  const token = await findLiveApiToken(deps.db, deps.box, match[1], deps.clock());
  if (!token) return 'bad-token';
  setPrincipal(res, { kind: 'token', tokenId: token.id, name: token.name, roles: token.roles, actor: `token:${token.name}` });
  return 'token';
}
