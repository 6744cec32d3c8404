import { randomInt, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../../crypto.js';
import { withTransaction, type Db } from '../index.js';

/**
 * One-time codes sent to phone numbers (table otp_codes). A code is kept only as a keyed hash bound
 * to its number, so neither a database dump nor a log line gives it away; the number is kept as its
 * keyed hash too (the same look-up hash as subscribers.phone_hash).
 */

export const OTP_CODE_LENGTH = 6;
export const OTP_TTL_SECONDS = 5 * 60;
export const OTP_MAX_ATTEMPTS = 5;

export type OtpPurpose = 'login' | 'mydata';

export interface OtpLimits {
  resendCooldownSeconds: number;
  dailyPerNumber: number;
  dailyPerDevice: number;
  dailyPerAddress: number;
}

export type OtpRefusal = 'cooldown' | 'daily-number' | 'daily-device' | 'daily-address';

export type CreateOtpOutcome =
  | { ok: true; id: number; code: string; expiresAt: Date }
  | { ok: false; reason: OtpRefusal; retryAfterSeconds: number };

export type VerifyOtpOutcome =
  | { ok: true }
  | { ok: false; reason: 'no-code' | 'expired' | 'too-many-tries' }
  /** triesLeft 0: that was the last try, a new code is needed */
  | { ok: false; reason: 'wrong-code'; triesLeft: number };

/** The look-up hash of a number in E.164 form (also subscribers.phone_hash). */
export function hashPhone(box: SecretBox, e164: string): string {
  return box.keyedHash(e164);
}

/** The look-up hash of a client address, for the per-address daily cap. */
export function hashAddress(box: SecretBox, address: string): string {
  return box.keyedHash(`address:${address}`);
}

/** A code is hashed together with its number: the same digits sent to two numbers hash apart. */
function hashCode(box: SecretBox, phoneHash: string, code: string): string {
  return box.keyedHash(`otp:${phoneHash}:${code}`);
}

/** Six random digits, every value equally likely (leading zeros kept). */
export function generateOtpCode(): string {
  return String(randomInt(0, 10 ** OTP_CODE_LENGTH)).padStart(OTP_CODE_LENGTH, '0');
}

/** The code as typed (spaces, dashes), or undefined when it cannot be one: then no try is spent. */
export function normalizeOtpInput(input: string | undefined | null): string | undefined {
  const digits = (input ?? '').replace(/[\s-]/g, '');
  return new RegExp(`^\\d{${OTP_CODE_LENGTH}}$`).test(digits) ? digits : undefined;
}

function secondsBetween(from: Date, to: Date): number {
  return Math.max(1, Math.ceil((to.getTime() - from.getTime()) / 1000));
}

/**
 * Makes a new code for a number unless a limit stands in the way, and returns it in clear (the only
 * time it exists in clear). The caps count the codes sent since `dayStart` (the local day) to the
 * number, to the device and from the address; the cooldown runs from the number's last code. Requests
 * for the same number, device or address are serialised (advisory locks), so the caps hold across
 * several portal processes. A newer code replaces the older ones: only the latest can be verified.
 */
export async function createOtpCode(
  db: Db,
  box: SecretBox,
  input: {
    phone: string;
    purpose: OtpPurpose;
    mac?: string | null;
    address?: string | null;
    now: Date;
    dayStart: Date;
    nextDayStart: Date;
    limits: OtpLimits;
  },
): Promise<CreateOtpOutcome> {
  const phoneHash = hashPhone(box, input.phone);
  const mac = input.mac ?? null;
  const addressHash = input.address ? hashAddress(box, input.address) : null;
  const lockKeys = [`otp:phone:${phoneHash}`, mac && `otp:mac:${mac}`, addressHash && `otp:address:${addressHash}`]
    .filter((key): key is string => Boolean(key))
    .sort();
  return withTransaction(db, async (tx) => {
    // Sorted, so two requests never wait on each other's locks in opposite orders.
    for (const key of lockKeys) await tx.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [key]);
    const { rows } = await tx.raw(
      `select
         (select max(sent_at) from otp_codes where phone_hash = :phoneHash) as last_sent_at,
         (select count(*) from otp_codes where phone_hash = :phoneHash and sent_at >= :dayStart)::int as by_number,
         (select count(*) from otp_codes where mac = :mac and sent_at >= :dayStart)::int as by_device,
         (select count(*) from otp_codes where address_hash = :addressHash and sent_at >= :dayStart)::int as by_address`,
      { phoneHash, mac, addressHash, dayStart: input.dayStart },
    );
    const counts = rows[0] as { last_sent_at: Date | string | null; by_number: number; by_device: number; by_address: number };
    const untilTomorrow = secondsBetween(input.now, input.nextDayStart);
    if (counts.by_number >= input.limits.dailyPerNumber) return { ok: false, reason: 'daily-number', retryAfterSeconds: untilTomorrow };
    if (mac && counts.by_device >= input.limits.dailyPerDevice) return { ok: false, reason: 'daily-device', retryAfterSeconds: untilTomorrow };
    if (addressHash && counts.by_address >= input.limits.dailyPerAddress) {
      return { ok: false, reason: 'daily-address', retryAfterSeconds: untilTomorrow };
    }
    if (counts.last_sent_at !== null) {
      const allowedAt = new Date(new Date(counts.last_sent_at).getTime() + input.limits.resendCooldownSeconds * 1000);
      if (allowedAt > input.now) return { ok: false, reason: 'cooldown', retryAfterSeconds: secondsBetween(input.now, allowedAt) };
    }
    const code = generateOtpCode();
    const expiresAt = new Date(input.now.getTime() + OTP_TTL_SECONDS * 1000);
    const [{ id }] = await tx('otp_codes')
      .insert({
        phone_hash: phoneHash,
        code_hash: hashCode(box, phoneHash, code),
        mac,
        address_hash: addressHash,
        purpose: input.purpose,
        sent_at: input.now,
        expires_at: expiresAt,
      })
      .returning('id');
    return { ok: true, id: Number(id), code, expiresAt };
  });
}

/** Forgets a code that never left (the gateway failed): it neither counts toward a cap nor starts a cooldown. */
export async function discardOtpCode(db: Db, id: number): Promise<void> {
  await db('otp_codes').where({ id }).del();
}

/**
 * Checks a code against the latest one sent to the number for this purpose (and, for a login, to
 * this device). Every check spends one of OTP_MAX_ATTEMPTS tries first, in one atomic update, so
 * parallel guesses cannot get more tries; a right code is spent by its first use.
 */
export async function verifyOtpCode(
  db: Db,
  box: SecretBox,
  input: { phone: string; purpose: OtpPurpose; mac?: string | null; code: string; now: Date },
): Promise<VerifyOtpOutcome> {
  const phoneHash = hashPhone(box, input.phone);
  const latest = db('otp_codes')
    .select('id')
    .where({ phone_hash: phoneHash, purpose: input.purpose })
    .andWhereRaw('mac is not distinct from ?', [input.mac ?? null])
    .orderBy([
      { column: 'sent_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(1);
  const spent: Array<{ id: number; code_hash: string; attempts: number }> = await db('otp_codes')
    .where('id', latest)
    .whereNull('used_at')
    .where('expires_at', '>', input.now)
    .where('attempts', '<', OTP_MAX_ATTEMPTS)
    .increment('attempts', 1)
    .returning(['id', 'code_hash', 'attempts']);
  if (spent.length === 0) {
    const row = await db('otp_codes').where('id', latest).first('used_at', 'expires_at', 'attempts');
    if (!row || row.used_at !== null) return { ok: false, reason: 'no-code' };
    if (new Date(row.expires_at) <= input.now) return { ok: false, reason: 'expired' };
    return { ok: false, reason: 'too-many-tries' };
  }
  const { id, code_hash: stored, attempts } = spent[0];
  const given = Buffer.from(hashCode(box, phoneHash, input.code));
  if (given.length !== stored.length || !timingSafeEqual(given, Buffer.from(stored))) {
    return { ok: false, reason: 'wrong-code', triesLeft: OTP_MAX_ATTEMPTS - attempts };
  }
  const used = await db('otp_codes').where({ id }).whereNull('used_at').update({ used_at: input.now });
  return used === 1 ? { ok: true } : { ok: false, reason: 'no-code' };
}

/** Deletes codes sent before `before` (retention: otp_codes is kept one day); returns how many went. */
export async function purgeOtpCodes(db: Db, before: Date): Promise<number> {
  return db('otp_codes').where('sent_at', '<', before).del();
}
