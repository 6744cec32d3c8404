import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../../crypto.js';
import type { AdminRole } from '../../domain/admin-roles.js';
import { AppError } from '../../errors.js';
import type { Db, Tx } from '../index.js';
import { isUniqueViolation } from './unique.js';

/**
 * API tokens for machines (table api_tokens): `Authorization: Bearer cwt_…` on the dashboard's /api,
 * with the roles of the token. Only a keyed hash of a token is kept; the token is shown once, when it
 * is made. A revoked token is refused at once.
 */
export interface ApiTokenRecord {
  id: number;
  name: string;
  roles: AdminRole[];
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const PREFIX = 'cwt_';
const TOKEN_SHAPE = /^cwt_[A-Za-z0-9_-]{43}$/;
/** last_used_at is written at most once a minute per token, not on every call. */
const TOUCH_EVERY_MS = 60_000;
const COLUMNS = ['id', 'name', 'roles', 'created_by', 'created_at', 'last_used_at', 'revoked_at'];

function hashOf(box: SecretBox, token: string): string {
  return box.keyedHash(`api-token:${token}`);
}

function toRecord(row: Record<string, unknown>): ApiTokenRecord {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return {
    id: row.id as number,
    name: row.name as string,
    roles: row.roles as AdminRole[],
    createdBy: row.created_by as string,
    createdAt: new Date(row.created_at as string),
    lastUsedAt: date(row.last_used_at),
    revokedAt: date(row.revoked_at),
  };
}

/** Makes a token; resolves with its record and the token itself (to show once). A name taken throws BAD_ARGUMENT. */
export async function issueApiToken(
  db: Db | Tx,
  box: SecretBox,
  input: { name: string; roles: AdminRole[]; createdBy: string; now: Date },
): Promise<{ record: ApiTokenRecord; token: string }> {
  const token = PREFIX + randomBytes(32).toString('base64url');
  try {
    const [row] = await db('api_tokens')
      .insert({ name: input.name, token_hash: hashOf(box, token), roles: input.roles, created_by: input.createdBy, created_at: input.now })
      .returning(COLUMNS);
    return { record: toRecord(row), token };
  } catch (error) {
    if (isUniqueViolation(error, 'api_tokens_name_key')) {
      throw new AppError('BAD_ARGUMENT', `an API token named "${input.name}" already exists`, { cause: error });
    }
    throw error;
  }
}

/** The live (not revoked) token of a bearer value, or undefined; notes when it was last used. */
export async function findLiveApiToken(db: Db, box: SecretBox, token: string, now: Date): Promise<ApiTokenRecord | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const row = await db('api_tokens').where({ token_hash: hashOf(box, token) }).whereNull('revoked_at').first(COLUMNS);
  if (!row) return undefined;
  const record = toRecord(row);
  if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
    await db('api_tokens').where({ id: record.id }).update({ last_used_at: now });
  }
  return record;
}

export async function listApiTokens(db: Db): Promise<ApiTokenRecord[]> {
  const rows = await db('api_tokens').orderBy('name').select(COLUMNS);
  return rows.map(toRecord);
}

/** Revokes a live token by id; the revoked record, or undefined when there is no live token with that id. */
export async function revokeApiToken(db: Db | Tx, id: number, now: Date): Promise<ApiTokenRecord | undefined> {
  const [row] = await db('api_tokens').where({ id }).whereNull('revoked_at').update({ revoked_at: now }).returning(COLUMNS);
  return row && toRecord(row);
}
