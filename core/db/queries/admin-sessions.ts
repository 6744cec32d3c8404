import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../../crypto.js';
import type { AdminRole } from '../../domain/admin-roles.js';
import type { Db, Tx } from '../index.js';

/**
 * Signed-in dashboard sessions (table admin_sessions). The browser holds a random token; the table
 * holds only its keyed hash, so a copy of the database opens no session. A session ends at its
 * expiry, at sign-out, or when its account is disabled; roles are read from the account on every
 * request, so a change of roles applies at once.
 */
export interface SessionData {
  /** the seed of this session's CSRF tokens */
  csrf: string;
  /** the client address at sign-in (shown to admins, never used to decide) */
  address?: string;
}

export interface ActiveSession {
  adminId: number;
  username: string;
  roles: AdminRole[];
  expiresAt: Date;
  data: SessionData;
}

/** The stored id of a session: the keyed hash of its cookie token. */
export function sessionIdOf(box: SecretBox, token: string): string {
  return box.keyedHash(`admin-session:${token}`);
}

/** A new session for an account; resolves with the token for the cookie (never stored). */
export async function createAdminSession(
  db: Db | Tx,
  box: SecretBox,
  input: { adminId: number; now: Date; expiresAt: Date; data: SessionData },
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db('admin_sessions').insert({
    id: sessionIdOf(box, token),
    admin_id: input.adminId,
    created_at: input.now,
    expires_at: input.expiresAt,
    data: JSON.stringify(input.data),
  });
  return token;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The live session of a cookie token at `now` (its account enabled), or undefined. */
export async function findAdminSession(db: Db, box: SecretBox, token: string, now: Date): Promise<ActiveSession | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const row = await db('admin_sessions as s')
    .join('admin_users as a', 'a.id', 's.admin_id')
    .where('s.id', sessionIdOf(box, token))
    .andWhere('s.expires_at', '>', now)
    .andWhere('a.disabled', false)
    .first('a.id', 'a.username', 'a.roles', 's.expires_at', 's.data');
  if (!row) return undefined;
  const data = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as SessionData;
  return { adminId: row.id, username: row.username, roles: row.roles, expiresAt: new Date(row.expires_at), data };
}

/** Ends the session of a cookie token (sign-out); false when there was none. */
export async function deleteAdminSession(db: Db | Tx, box: SecretBox, token: string): Promise<boolean> {
  if (!TOKEN_SHAPE.test(token)) return false;
  return (await db('admin_sessions').where({ id: sessionIdOf(box, token) }).delete()) > 0;
}

/** Drops sessions that ended before `now` (called now and then). */
export async function purgeExpiredAdminSessions(db: Db, now: Date): Promise<number> {
  return db('admin_sessions').where('expires_at', '<=', now).delete();
}
