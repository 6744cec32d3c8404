import type { SecretBox } from '../../crypto.js';
import type { Db, Tx } from '../index.js';
import { findPlanByName, planColumns, rethrowPlanNameTaken, type PlanRecord } from './plans.js';
import type { PlanInput } from '../../domain/plan-form.js';
import { createVoucherBatch, type NewVoucherBatch } from './vouchers.js';

/**
 * What the dashboard's admin pages read and change beyond the CLI's own queries (plans.ts,
 * vouchers.ts, nas.ts): editing a plan, voucher batches with their use, a batch's codes for
 * printing, revoking a batch, removing a NAS by id, and consent counts per terms version.
 */

export async function findPlanById(db: Db | Tx, id: number): Promise<PlanRecord | undefined> {
  const row = await db('plans').where({ id }).first('name');
  return row ? findPlanByName(db, row.name) : undefined;
}

/**
 * Rewrites a plan's name and limits (an unset limit becomes null: no limit). A name already taken
 * throws AppError('BAD_ARGUMENT'); undefined when there is no such plan. RADIUS reads plans per
 * request, so the next login gets the new limits.
 */
export async function updatePlan(db: Db | Tx, id: number, input: PlanInput): Promise<PlanRecord | undefined> {
  try {
    const changed = await db('plans')
      .where({ id })
      .update({ ...planColumns(input), updated_at: db.fn.now() });
    return changed ? findPlanById(db, id) : undefined;
  } catch (error) {
    rethrowPlanNameTaken(error, input.name);
  }
}

export interface VoucherBatchSummary {
  id: number;
  planName: string;
  count: number;
  validForSeconds: number;
  /** the last moment every voucher of the batch works, when the batch was made with one */
  validUntil: Date | null;
  lockToFirstMac: boolean;
  note: string | null;
  createdBy: string | null;
  createdAt: Date;
  used: number;
  unused: number;
  revoked: number;
}

interface BatchRow {
  id: number;
  plan_name: string;
  count: number;
  valid_for_seconds: number;
  lock_to_first_mac: boolean;
  note: string | null;
  created_by: string | null;
  created_at: Date | string;
  used: number;
  unused: number;
  revoked: number;
  valid_until: Date | string | null;
}

function selectBatches(db: Db | Tx) {
  return db('voucher_batches as b')
    .join('plans as p', 'p.id', 'b.plan_id')
    .leftJoin('vouchers as v', 'v.batch_id', 'b.id')
    .groupBy('b.id', 'p.name')
    .select(
      'b.id', 'p.name as plan_name', 'b.count', 'b.valid_for_seconds', 'b.lock_to_first_mac', 'b.note', 'b.created_by', 'b.created_at',
      db.raw('count(v.id) filter (where v.first_used_at is not null)::int as used'),
      db.raw('count(v.id) filter (where v.first_used_at is null and not v.revoked)::int as unused'),
      db.raw('count(v.id) filter (where v.revoked)::int as revoked'),
      // A batch made with a last day has every voucher's expiry set at creation; first use keeps it.
      db.raw('max(v.expires_at) filter (where v.first_used_at is null) as valid_until'),
    );
}

function toBatch(row: BatchRow): VoucherBatchSummary {
  return {
    id: row.id,
    planName: row.plan_name,
    count: row.count,
    validForSeconds: row.valid_for_seconds,
    validUntil: row.valid_until === null ? null : new Date(row.valid_until),
    lockToFirstMac: row.lock_to_first_mac,
    note: row.note,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    used: row.used,
    unused: row.unused,
    revoked: row.revoked,
  };
}

/** Newest first, with how many vouchers are used, unused and revoked. */
export async function listVoucherBatches(db: Db | Tx, limit = 200): Promise<VoucherBatchSummary[]> {
  const rows: BatchRow[] = await selectBatches(db).orderBy('b.id', 'desc').limit(limit);
  return rows.map(toBatch);
}

export async function findVoucherBatch(db: Db | Tx, id: number): Promise<VoucherBatchSummary | undefined> {
  const row: BatchRow | undefined = await selectBatches(db).where('b.id', id).first();
  return row && toBatch(row);
}

/**
 * A batch as the CLI makes it (vouchers.ts createVoucherBatch), inside the caller's transaction, and
 * with `validUntil` every voucher stops working at that moment whatever its first use.
 */
export async function createVoucherBatchUntil(tx: Tx, box: SecretBox, input: NewVoucherBatch & { validUntil?: Date }): Promise<{ batchId: number; codes: string[] }> {
  const created = await createVoucherBatch(tx, box, input);
  if (input.validUntil) await tx('vouchers').where({ batch_id: created.batchId }).update({ expires_at: input.validUntil });
  return created;
}

/** The codes of a batch in clear, in the order they were made, with whether each is still usable. */
export async function listBatchCodes(db: Db | Tx, box: SecretBox, batchId: number): Promise<Array<{ code: string; used: boolean; revoked: boolean }>> {
  const rows: Array<{ code_enc: string; first_used_at: Date | null; revoked: boolean }> = await db('vouchers')
    .where({ batch_id: batchId })
    .orderBy('id')
    .select('code_enc', 'first_used_at', 'revoked');
  return rows.map((r) => ({ code: box.decrypt(r.code_enc), used: r.first_used_at !== null, revoked: r.revoked }));
}

/** Revokes every voucher of a batch not yet revoked (used ones too: they stop working); how many changed. */
export async function revokeVoucherBatch(db: Db | Tx, batchId: number): Promise<number> {
  return db('vouchers').where({ batch_id: batchId, revoked: false }).update({ revoked: true });
}

/** Removes a RADIUS client by id; its name, or undefined when there was none. */
export async function removeNasById(db: Db | Tx, id: number): Promise<{ name: string; address: string } | undefined> {
  const [row] = await db('nas').where({ id }).delete().returning(['name', 'address']);
  return row;
}

export interface ConsentCount {
  termsVersion: string;
  devices: number;
  subscribers: number;
}

/** How many devices (click-through) and subscribers (phone numbers) consented under each terms version, newest version first. */
export async function countConsentsByVersion(db: Db | Tx): Promise<ConsentCount[]> {
  const { rows } = await db.raw(`
    select terms_version, sum(devices)::int as devices, sum(subscribers)::int as subscribers from (
      select terms_version, count(*) as devices, 0 as subscribers from devices where terms_version is not null group by terms_version
      union all
      select terms_version, 0, count(*) from subscribers where terms_version is not null group by terms_version
    ) c group by terms_version order by terms_version desc`);
  return (rows as Array<{ terms_version: string; devices: number; subscribers: number }>).map((r) => ({
    termsVersion: r.terms_version,
    devices: Number(r.devices),
    subscribers: Number(r.subscribers),
  }));
}
