import type { SecretBox } from '../../crypto.js';
import { randomToken } from '../../crypto.js';
import type { Db } from '../index.js';
import { rateWindowsJson, type RateWindow } from './rate-limits.js';

export interface IssueCredentialInput {
  mac: string;
  method: 'click' | 'otp' | 'voucher' | 'continue';
  siteId?: number | null;
  deviceId?: number | null;
  subscriberId?: number | null;
  voucherId?: number | null;
  planId?: number | null;
  ttlSeconds: number;
  now: Date;
}

/**
 * A one-time RADIUS credential: random ASCII (CHAP hashes bytes, so nothing outside ASCII), bound to
 * one MAC, valid for minutes, spent by its first use; the password is kept encrypted because CHAP
 * needs it in clear on the RADIUS side.
 */
export async function issueCredential(db: Db, box: SecretBox, input: IssueCredentialInput): Promise<{ username: string; password: string }> {
  const username = `cw-${randomToken(16)}`;
  const password = randomToken(20);
  await db('credentials').insert({
    username,
    secret_enc: box.encrypt(password),
    mac: input.mac,
    method: input.method,
    site_id: input.siteId ?? null,
    device_id: input.deviceId ?? null,
    subscriber_id: input.subscriberId ?? null,
    voucher_id: input.voucherId ?? null,
    plan_id: input.planId ?? null,
    expires_at: new Date(input.now.getTime() + input.ttlSeconds * 1000),
    created_at: input.now,
  });
  return { username, password };
}

export interface PortalLoginInput extends IssueCredentialInput {
  /** the login rate windows to spend a point in first; nothing is written when one is exceeded */
  windows: RateWindow[];
  /** the device row as recordPortalDevice keeps it */
  rememberUntil: Date | null;
  consent?: { termsVersion: string; at: Date };
}

export type PortalLoginOutcome =
  | { allowed: false; retryAfterSeconds: number }
  | { allowed: true; deviceId: number; credential: { username: string; password: string } };

/**
 * A whole login's writes in one statement (portal_record_login): the rate-limit points, then, when the
 * limits allow it, the device (as recordPortalDevice) and a one-time credential (as issueCredential).
 * One transaction, one commit, where there were three.
 */
export async function recordPortalLogin(db: Db, box: SecretBox, input: PortalLoginInput): Promise<PortalLoginOutcome> {
  const username = `cw-${randomToken(16)}`;
  const password = randomToken(20);
  const result = await db.raw(
    `select retry_after, recorded_device_id from portal_record_login(
       ?::jsonb, ?::timestamptz,
       ?::text, ?::integer, ?::bigint, ?::timestamptz, ?::timestamptz, ?::text,
       ?::text, ?::text, ?::text, ?::bigint, ?::integer, ?::timestamptz)`,
    [
      rateWindowsJson(input.windows, input.now),
      input.now.toISOString(),
      input.mac,
      input.siteId ?? null,
      input.subscriberId ?? null,
      input.rememberUntil ? input.rememberUntil.toISOString() : null,
      input.consent ? input.consent.at.toISOString() : null,
      input.consent?.termsVersion ?? null,
      username,
      box.encrypt(password),
      input.method,
      input.voucherId ?? null,
      input.planId ?? null,
      new Date(input.now.getTime() + input.ttlSeconds * 1000).toISOString(),
    ],
  );
  const row = (result.rows as Array<{ retry_after: number; recorded_device_id: string | number | null }>)[0];
  const retryAfterSeconds = Number(row.retry_after);
  if (retryAfterSeconds > 0) return { allowed: false, retryAfterSeconds };
  return { allowed: true, deviceId: Number(row.recorded_device_id), credential: { username, password } };
}
