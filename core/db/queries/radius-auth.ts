import type { Db } from '../index.js';
import type { PlanRecord } from './plans.js';

/** Every fact a login decision needs, gathered in one round trip by radius_authorize(). */
export interface AuthorizeFacts {
  kind: 'credential' | 'mac' | 'voucher' | 'account' | null;
  keyKind: 'subscriber' | 'device' | 'voucher' | 'account' | null;
  keyId: number | null;
  credential?: {
    id: number;
    secretEnc: string;
    mac: string;
    method: string;
    siteId: number | null;
    deviceId: number | null;
    subscriberId: number | null;
    voucherId: number | null;
    expiresAt: Date;
    /** when it was spent before this request; null = this request spent it */
    usedAt: Date | null;
  };
  device?: { id: number; mac: string; subscriberId: number | null; rememberedUntil: Date | null; blocked: boolean };
  subscriber?: { id: number; blocked: boolean };
  voucher?: {
    id: number;
    codeEnc: string;
    firstUsedAt: Date | null;
    expiresAt: Date | null;
    lockedMac: string | null;
    revoked: boolean;
    validForSeconds: number;
    lockToFirstMac: boolean;
  };
  account?: { id: number; passwordEnc: string; blocked: boolean };
  plan?: PlanRecord;
  usage: { live: number; timeToday: number; bytesToday: number };
}

export interface AuthorizeInput {
  username: string;
  mac: string | undefined;
  macLogin: boolean;
  codeHash: string | undefined;
  sitePlanId: number | null;
  now: Date;
  dayStart: Date;
  liveAfter: Date;
}

const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

// Row objects arrive as JSON (snake_case, timestamps as text): turned into typed facts here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toFacts(r: any): AuthorizeFacts {
  const facts: AuthorizeFacts = {
    kind: r.kind ?? null,
    keyKind: r.key_kind ?? null,
    keyId: num(r.key_id),
    usage: {
      live: Number(r.usage?.live ?? 0),
      timeToday: Number(r.usage?.time_today ?? 0),
      bytesToday: Number(r.usage?.bytes_today ?? 0),
    },
  };
  if (r.credential) {
    const c = r.credential;
    facts.credential = {
      id: Number(c.id), secretEnc: c.secret_enc, mac: c.mac, method: c.method, siteId: num(c.site_id),
      deviceId: num(c.device_id), subscriberId: num(c.subscriber_id), voucherId: num(c.voucher_id),
      expiresAt: new Date(c.expires_at), usedAt: date(c.used_at),
    };
  }
  if (r.device) {
    const d = r.device;
    facts.device = { id: Number(d.id), mac: d.mac, subscriberId: num(d.subscriber_id), rememberedUntil: date(d.remembered_until), blocked: d.blocked };
  }
  if (r.subscriber) facts.subscriber = { id: Number(r.subscriber.id), blocked: r.subscriber.blocked };
  if (r.voucher) {
    const v = r.voucher;
    facts.voucher = {
      id: Number(v.id), codeEnc: v.code_enc, firstUsedAt: date(v.first_used_at), expiresAt: date(v.expires_at),
      lockedMac: v.locked_mac, revoked: v.revoked, validForSeconds: Number(v.valid_for_seconds), lockToFirstMac: v.lock_to_first_mac,
    };
  }
  if (r.account) facts.account = { id: Number(r.account.id), passwordEnc: r.account.password_enc, blocked: r.account.blocked };
  if (r.plan) {
    const p = r.plan;
    facts.plan = {
      id: p.id, name: p.name, rateLimit: p.rate_limit, sessionTimeout: num(p.session_timeout), idleTimeout: num(p.idle_timeout),
      dailyTime: num(p.daily_time), dailyBytes: num(p.daily_bytes), simultaneousUse: num(p.simultaneous_use),
      interimInterval: num(p.interim_interval), rememberDeviceDays: Number(p.remember_device_days),
    };
  }
  return facts;
}

/** One round trip: finds who is logging in, spends a one-time credential, and sums today's use. */
export async function authorizeLogin(db: Db, input: AuthorizeInput): Promise<AuthorizeFacts> {
  const { rows } = await db.raw('select radius_authorize(?, ?, ?, ?, ?, ?, ?, ?) as facts', [
    input.username,
    input.mac ?? null,
    input.macLogin,
    input.codeHash ?? null,
    input.sitePlanId,
    input.now.toISOString(),
    input.dayStart.toISOString(),
    input.liveAfter.toISOString(),
  ]);
  const raw = rows[0].facts;
  return toFacts(typeof raw === 'string' ? JSON.parse(raw) : raw);
}

/** Many logins in one round trip, answered in the order asked. */
export async function authorizeLogins(db: Db, inputs: AuthorizeInput[]): Promise<AuthorizeFacts[]> {
  const payload = inputs.map((i) => ({
    username: i.username,
    mac: i.mac ?? null,
    mac_login: i.macLogin,
    code_hash: i.codeHash ?? null,
    site_plan_id: i.sitePlanId,
    now: i.now.toISOString(),
    day_start: i.dayStart.toISOString(),
    live_after: i.liveAfter.toISOString(),
  }));
  const { rows } = await db.raw('select radius_authorize_batch(?::jsonb) as facts', [JSON.stringify(payload)]);
  const raw = rows[0].facts;
  const list: unknown[] = typeof raw === 'string' ? JSON.parse(raw) : raw;
  return list.map(toFacts);
}

/** The first accepted use of a voucher starts its validity and, if the batch says so, locks it to the device. */
export async function startVoucher(db: Db, voucherId: number, mac: string | undefined, now: Date): Promise<void> {
  await db.raw(
    `update vouchers v set first_used_at = coalesce(v.first_used_at, ?),
       expires_at = coalesce(v.expires_at, ?::timestamptz + make_interval(secs => b.valid_for_seconds)),
       locked_mac = case when b.lock_to_first_mac then coalesce(v.locked_mac, ?) else v.locked_mac end
     from voucher_batches b where b.id = v.batch_id and v.id = ?`,
    [now.toISOString(), now.toISOString(), mac ?? null, voucherId],
  );
}

export interface PostAuthEntry {
  at: Date;
  nasId: number;
  siteId: number | null;
  username: string;
  mac: string | undefined;
  loginKind: string | null;
  result: 'accept' | 'reject';
  reason: string | null;
}

/**
 * Many login outcomes in one insert: the log is written beside the hot path, not on it. One JSON
 * parameter rather than thousands of bound values keeps the cost of building the query small.
 */
export async function insertPostAuthEntries(db: Db, entries: PostAuthEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((e) => ({
    at: e.at.toISOString(), nas_id: e.nasId, site_id: e.siteId, username: e.username, mac: e.mac ?? null,
    login_kind: e.loginKind, result: e.result, reason: e.reason,
  }));
  await db.raw(
    `insert into post_auth_log (at, nas_id, site_id, username, mac, login_kind, result, reason)
     select at, nas_id, site_id, username, mac, login_kind, result, reason
       from jsonb_to_recordset(?::jsonb) as r(at timestamptz, nas_id integer, site_id integer, username text, mac text,
            login_kind text, result text, reason text)`,
    [JSON.stringify(rows)],
  );
}
