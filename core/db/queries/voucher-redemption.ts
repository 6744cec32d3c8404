import type { SecretBox } from '../../crypto.js';
import type { Db } from '../index.js';
import { hashVoucherCode, normalizeVoucherCode } from './vouchers.js';

export type VoucherRefusal = 'unknown' | 'revoked' | 'expired' | 'other-device';

export type VoucherRedemption = { ok: true; voucherId: number; planId: number; expiresAt: Date } | { ok: false; reason: VoucherRefusal };

/** What a typed code can look like; anything else is refused without a look-up. */
const CODE_SHAPE = /^[a-z0-9]{6,20}$/;

/**
 * A voucher typed on the portal, for one device: a valid one starts its validity on first use and,
 * when its batch says so, is locked to that device, all in one statement (two phones typing the same
 * code at once cannot both take it). A refusal says why.
 */
export async function redeemVoucher(db: Db, box: SecretBox, input: { code: string; mac: string; now: Date }): Promise<VoucherRedemption> {
  if (!CODE_SHAPE.test(normalizeVoucherCode(input.code))) return { ok: false, reason: 'unknown' };
  const hash = hashVoucherCode(box, input.code);
  const now = input.now.toISOString();
  const updated = await db.raw(
    `update vouchers v set first_used_at = coalesce(v.first_used_at, ?::timestamptz),
       expires_at = coalesce(v.expires_at, ?::timestamptz + make_interval(secs => b.valid_for_seconds)),
       locked_mac = case when b.lock_to_first_mac then coalesce(v.locked_mac, ?) else v.locked_mac end
     from voucher_batches b
     where b.id = v.batch_id and v.code_hash = ? and not v.revoked
       and (v.expires_at is null or v.expires_at > ?::timestamptz)
       and (not b.lock_to_first_mac or v.locked_mac is null or v.locked_mac = ?)
     returning v.id, b.plan_id, v.expires_at`,
    [now, now, input.mac, hash, now, input.mac],
  );
  const row = (updated.rows as Array<{ id: number; plan_id: number; expires_at: Date | string }>)[0];
  if (row) return { ok: true, voucherId: Number(row.id), planId: row.plan_id, expiresAt: new Date(row.expires_at) };

  const found = await db('vouchers').where({ code_hash: hash }).first('revoked', 'expires_at');
  if (!found) return { ok: false, reason: 'unknown' };
  if (found.revoked) return { ok: false, reason: 'revoked' };
  if (found.expires_at && new Date(found.expires_at) <= input.now) return { ok: false, reason: 'expired' };
  return { ok: false, reason: 'other-device' };
}
