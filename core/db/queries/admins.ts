import type { AdminRole } from '../../domain/admin-roles.js';
import { AppError } from '../../errors.js';
import type { Db, Tx } from '../index.js';
import { isUniqueViolation } from './unique.js';

/** A dashboard account (table admin_users). The password is kept only as an argon2id hash. */
export interface AdminRecord {
  id: number;
  username: string;
  roles: AdminRole[];
  disabled: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
}

export interface AdminForSignIn extends AdminRecord {
  passwordHash: string;
}

interface AdminRow {
  id: number;
  username: string;
  password_hash: string;
  roles: AdminRole[];
  disabled: boolean;
  created_at: Date | string;
  last_login_at: Date | string | null;
}

const COLUMNS = ['id', 'username', 'roles', 'disabled', 'created_at', 'last_login_at'];

function toRecord(row: AdminRow): AdminRecord {
  return {
    id: row.id,
    username: row.username,
    roles: row.roles,
    disabled: row.disabled,
    createdAt: new Date(row.created_at),
    lastLoginAt: row.last_login_at === null ? null : new Date(row.last_login_at),
  };
}

export interface NewAdmin {
  username: string;
  passwordHash: string;
  roles: AdminRole[];
}

/** Adds an account; a username already taken throws AppError('BAD_ARGUMENT'). */
export async function addAdmin(db: Db | Tx, input: NewAdmin): Promise<AdminRecord> {
  try {
    const [row] = await db('admin_users')
      .insert({ username: input.username, password_hash: input.passwordHash, roles: input.roles })
      .returning(COLUMNS);
    return toRecord(row);
  } catch (error) {
    if (isUniqueViolation(error, 'admin_users_username_key')) {
      throw new AppError('BAD_ARGUMENT', `an admin account named "${input.username}" already exists`, { cause: error });
    }
    throw error;
  }
}

/** The account with its password hash, for checking a sign-in (username already normalised). */
export async function findAdminForSignIn(db: Db, username: string): Promise<AdminForSignIn | undefined> {
  const row: AdminRow | undefined = await db('admin_users').where({ username }).first([...COLUMNS, 'password_hash']);
  return row && { ...toRecord(row), passwordHash: row.password_hash };
}

export async function findAdminById(db: Db | Tx, id: number): Promise<AdminRecord | undefined> {
  const row: AdminRow | undefined = await db('admin_users').where({ id }).first(COLUMNS);
  return row && toRecord(row);
}

export async function listAdmins(db: Db): Promise<AdminRecord[]> {
  const rows: AdminRow[] = await db('admin_users').orderBy('username').select(COLUMNS);
  return rows.map(toRecord);
}

export async function countAdmins(db: Db): Promise<number> {
  const row = await db('admin_users').count('* as n').first();
  return Number(row?.n ?? 0);
}

export async function recordAdminSignIn(db: Db | Tx, id: number, at: Date): Promise<void> {
  await db('admin_users').where({ id }).update({ last_login_at: at });
}

/**
 * Disables or enables an account; disabling also ends its sessions at once. False when there is no
 * such account or it already was in that state.
 */
export async function setAdminDisabled(tx: Tx, id: number, disabled: boolean): Promise<boolean> {
  const changed = await tx('admin_users').where({ id }).andWhere('disabled', !disabled).update({ disabled });
  if (changed > 0 && disabled) await tx('admin_sessions').where({ admin_id: id }).delete();
  return changed > 0;
}
