import type { SecretBox } from '../../crypto.js';
import { maskMac } from '../../domain/mac.js';
import { withTransaction, type Db } from '../index.js';
import { hashPhone } from './otp.js';

export { hashPhone };

/**
 * Citizens known by a phone number (table subscribers): the number encrypted (phone_enc) and found
 * through its keyed hash (phone_hash), with the consent they gave (terms version and time). Together
 * with the devices bound to them and their one-time codes this is everything "My data" shows and
 * deletes; sessions carry only the subscriber's id, never the number.
 */

export interface SubscriberRecord {
  id: number;
  blocked: boolean;
  planId: number | null;
}

/**
 * Records a citizen who has just proved their number, with the consent they gave now: a new row, or
 * the existing one with its consent and last-seen time refreshed. Returns the subscriber.
 */
export async function recordSubscriberConsent(
  db: Db,
  box: SecretBox,
  input: { phone: string; termsVersion: string; now: Date },
): Promise<SubscriberRecord> {
  const [row] = await db('subscribers')
    .insert({
      phone_enc: box.encrypt(input.phone),
      phone_hash: hashPhone(box, input.phone),
      consent_at: input.now,
      terms_version: input.termsVersion,
      created_at: input.now,
      last_seen_at: input.now,
    })
    .onConflict('phone_hash')
    .merge(['consent_at', 'terms_version', 'last_seen_at'])
    .returning(['id', 'blocked', 'plan_id']);
  return { id: Number(row.id), blocked: row.blocked, planId: row.plan_id };
}

export interface CitizenDevice {
  /** vendor half only (core/domain/mac.ts maskMac) */
  maskedMac: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  rememberedUntil: Date | null;
}

/** Everything kept about one number, as "My data" shows it. */
export interface CitizenData {
  subscriber: {
    /** the number as stored, decrypted (proves the stored copy is the citizen's) */
    phone: string;
    createdAt: Date;
    consentAt: Date | null;
    termsVersion: string | null;
    lastSeenAt: Date | null;
    blocked: boolean;
  };
  devices: CitizenDevice[];
  sessions: { count: number; lastStartedAt: Date | null };
  /** one-time codes still kept for the number (hashed; kept a day) */
  otpCodes: number;
}

const date = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

/** What is kept about a number, or undefined when nothing but one-time codes is (no subscriber row). */
export async function findCitizenData(db: Db, box: SecretBox, phone: string): Promise<CitizenData | undefined> {
  const phoneHash = hashPhone(box, phone);
  const row = await db('subscribers').where({ phone_hash: phoneHash }).first();
  if (!row) return undefined;
  const [devices, sessions, codes] = await Promise.all([
    db('devices')
      .where({ subscriber_id: row.id })
      .orderBy('last_seen_at', 'desc')
      .select('mac', 'first_seen_at', 'last_seen_at', 'remembered_until'),
    db('sessions').where({ subscriber_id: row.id }).first(db.raw('count(*)::int as count'), db.raw('max(started_at) as last_started_at')),
    db('otp_codes').where({ phone_hash: phoneHash }).first(db.raw('count(*)::int as count')),
  ]);
  return {
    subscriber: {
      phone: box.decrypt(row.phone_enc),
      createdAt: new Date(row.created_at),
      consentAt: date(row.consent_at),
      termsVersion: row.terms_version,
      lastSeenAt: date(row.last_seen_at),
      blocked: row.blocked,
    },
    devices: devices.map((d: { mac: string; first_seen_at: Date; last_seen_at: Date; remembered_until: Date | null }) => ({
      maskedMac: maskMac(d.mac),
      firstSeenAt: new Date(d.first_seen_at),
      lastSeenAt: new Date(d.last_seen_at),
      rememberedUntil: date(d.remembered_until),
    })),
    sessions: { count: sessions?.count ?? 0, lastStartedAt: date(sessions?.last_started_at ?? null) },
    otpCodes: codes?.count ?? 0,
  };
}

export interface DeletedCitizenData {
  subscriberDeleted: boolean;
  devicesUnbound: number;
  otpCodesDeleted: number;
}

/**
 * Deletes what is kept about a number, in one transaction: the subscriber row (its unused one-time
 * RADIUS credentials go with it), the binding of its devices (which are no longer remembered either:
 * they were remembered on the strength of this number) and every one-time code sent to it. Sessions
 * keep only the id of the deleted row, which no longer leads to a number.
 */
export async function deleteCitizenData(db: Db, box: SecretBox, phone: string): Promise<DeletedCitizenData> {
  const phoneHash = hashPhone(box, phone);
  return withTransaction(db, async (tx) => {
    const row = await tx('subscribers').where({ phone_hash: phoneHash }).forUpdate().first('id');
    let devicesUnbound = 0;
    if (row) {
      devicesUnbound = await tx('devices').where({ subscriber_id: row.id }).update({ subscriber_id: null, remembered_until: null });
      await tx('subscribers').where({ id: row.id }).del();
    }
    const otpCodesDeleted = await tx('otp_codes').where({ phone_hash: phoneHash }).del();
    return { subscriberDeleted: Boolean(row), devicesUnbound, otpCodesDeleted };
  });
}
