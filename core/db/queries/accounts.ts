import type { SecretBox } from '../../crypto.js';
import { AppError } from '../../errors.js';
import type { Db } from '../index.js';
import { isUniqueViolation } from './unique.js';

/** A named account (staff, tests). The password is encrypted, not hashed: CHAP needs it in clear. */
export interface AccountRecord {
  id: number;
  username: string;
  passwordEnc: string;
  planId: number;
  blocked: boolean;
  note: string | null;
  createdAt: Date;
}

export interface NewAccount {
  username: string;
  password: string;
  planName: string;
  note?: string;
}

interface AccountRow {
  id: number;
  username: string;
  password_enc: string;
  plan_id: number;
  blocked: boolean;
  note: string | null;
  created_at: Date | string;
}

const COLUMNS = ['id', 'username', 'password_enc', 'plan_id', 'blocked', 'note', 'created_at'];

function toRecord(row: AccountRow): AccountRecord {
  return {
    id: row.id,
    username: row.username,
    passwordEnc: row.password_enc,
    planId: row.plan_id,
    blocked: row.blocked,
    note: row.note,
    createdAt: new Date(row.created_at),
  };
}

/**
 * Adds a named account on an existing plan. An unknown plan throws AppError('NOT_FOUND'); a username
 * already taken throws AppError('BAD_ARGUMENT').
 */
export async function addAccount(db: Db, box: SecretBox, input: NewAccount): Promise<AccountRecord> {
  const plan = await db('plans').where({ name: input.planName }).first('id');
  if (!plan) throw new AppError('NOT_FOUND', `no plan named "${input.planName}"`);
  try {
    const [row] = await db('accounts')
      .insert({
        username: input.username,
        password_enc: box.encrypt(input.password),
        plan_id: plan.id,
        note: input.note ?? null,
      })
      .returning(COLUMNS);
    return toRecord(row);
  } catch (error) {
    if (isUniqueViolation(error, 'accounts_username_key')) {
      throw new AppError('BAD_ARGUMENT', `an account named "${input.username}" already exists`, { cause: error });
    }
    throw error;
  }
}

export async function findAccountByUsername(db: Db, username: string): Promise<AccountRecord | undefined> {
  const row: AccountRow | undefined = await db('accounts').where({ username }).first(COLUMNS);
  return row && toRecord(row);
}
