import type { SecretBox } from '../../crypto.js';
import { randomToken } from '../../crypto.js';
import type { Db } from '../index.js';

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
