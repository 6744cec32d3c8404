import { randomToken, type SecretBox } from '../../crypto.js';
import { AppError } from '../../errors.js';
import { withTransaction, type Db, type Tx } from '../index.js';

export const VOUCHER_CODE_LENGTH = 10;
export const MAX_VOUCHER_BATCH = 10_000;

// Small enough for PostgreSQL's 65,535 bind parameters and a quick round trip each.
const CHUNK = 1000;

export interface NewVoucherBatch {
  planName: string;
  count: number;
  /** how long a voucher stays valid from its first use */
  validForSeconds: number;
  /** whether the first device that uses a voucher is the only one that may use it again */
  lockToFirstMac: boolean;
  note?: string;
  createdBy?: string;
}

export interface VoucherRecord {
  id: number;
  batchId: number;
  codeEnc: string;
  firstUsedAt: Date | null;
  expiresAt: Date | null;
  lockedMac: string | null;
  revoked: boolean;
}

/** The form a code is hashed in: citizens type codes in any case, with spaces or dashes. */
export function normalizeVoucherCode(code: string): string {
  return code.replace(/[\s-]+/g, '').toLowerCase();
}

/** The look-up key stored in vouchers.code_hash for a code as printed or as typed. */
export function hashVoucherCode(box: SecretBox, code: string): string {
  return box.keyedHash(normalizeVoucherCode(code));
}

/** Inserts codes, skipping any whose hash is already taken; returns the codes that went in. */
async function insertCodes(tx: Tx, box: SecretBox, batchId: number, codes: string[]): Promise<string[]> {
  const byHash = new Map(codes.map((code) => [hashVoucherCode(box, code), code]));
  const rows = [...byHash].map(([hash, code]) => ({ batch_id: batchId, code_hash: hash, code_enc: box.encrypt(code) }));
  const inserted: Array<{ code_hash: string }> = await tx('vouchers')
    .insert(rows)
    .onConflict('code_hash')
    .ignore()
    .returning('code_hash');
  return inserted.map((row) => byHash.get(row.code_hash)!);
}

/**
 * Creates a batch of vouchers on an existing plan, all in one transaction, and returns the codes in
 * clear (the only time they exist in clear: the database keeps a keyed hash and the encrypted code).
 * An unknown plan throws AppError('NOT_FOUND'); a count outside 1..MAX_VOUCHER_BATCH, 'BAD_ARGUMENT'.
 */
export async function createVoucherBatch(
  db: Db,
  box: SecretBox,
  input: NewVoucherBatch,
): Promise<{ batchId: number; codes: string[] }> {
  if (!Number.isInteger(input.count) || input.count < 1 || input.count > MAX_VOUCHER_BATCH) {
    throw new AppError('BAD_ARGUMENT', `a batch has 1 to ${MAX_VOUCHER_BATCH} vouchers, not ${input.count}`);
  }
  return withTransaction(db, async (tx) => {
    const plan = await tx('plans').where({ name: input.planName }).first('id');
    if (!plan) throw new AppError('NOT_FOUND', `no plan named "${input.planName}"`);
    const [{ id: batchId }] = await tx('voucher_batches')
      .insert({
        plan_id: plan.id,
        count: input.count,
        valid_for_seconds: input.validForSeconds,
        lock_to_first_mac: input.lockToFirstMac,
        note: input.note ?? null,
        created_by: input.createdBy ?? null,
      })
      .returning('id');
    const codes: string[] = [];
    // A clash with an existing code is astronomically rare (31^10 codes); it just draws again.
    while (codes.length < input.count) {
      const want = Math.min(CHUNK, input.count - codes.length);
      const fresh = Array.from({ length: want }, () => randomToken(VOUCHER_CODE_LENGTH));
      codes.push(...(await insertCodes(tx, box, batchId, fresh)));
    }
    return { batchId, codes };
  });
}

/** The voucher behind a code as a citizen typed it, or undefined. */
export async function findVoucherByCode(db: Db, box: SecretBox, code: string): Promise<VoucherRecord | undefined> {
  const row = await db('vouchers').where({ code_hash: hashVoucherCode(box, code) }).first();
  if (!row) return undefined;
  const date = (value: Date | string | null) => (value === null ? null : new Date(value));
  return {
    id: row.id,
    batchId: row.batch_id,
    codeEnc: row.code_enc,
    firstUsedAt: date(row.first_used_at),
    expiresAt: date(row.expires_at),
    lockedMac: row.locked_mac,
    revoked: row.revoked,
  };
}
