import type { SecretBox } from '../../crypto.js';
import type { Tx } from '../index.js';
import { sessionIdOf } from './admin-sessions.js';

/**
 * A new password for a dashboard account (its argon2id hash) and the end of its sessions: all of them
 * (an operator resetting it with `citywifi admin password`), or all but the one making the change
 * (a signed-in user changing their own). Resolves with how many sessions ended, or null when there
 * is no such account.
 */
export async function replaceAdminPassword(
  tx: Tx,
  box: SecretBox,
  input: { adminId: number; passwordHash: string; keepSessionToken?: string },
): Promise<number | null> {
  const changed = await tx('admin_users').where({ id: input.adminId }).update({ password_hash: input.passwordHash });
  if (changed === 0) return null;
  const sessions = tx('admin_sessions').where({ admin_id: input.adminId });
  if (input.keepSessionToken !== undefined) sessions.whereNot('id', sessionIdOf(box, input.keepSessionToken));
  return sessions.delete();
}
