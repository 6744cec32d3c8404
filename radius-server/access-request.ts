import type { SecretBox } from '../core/crypto.js';
import type { Db } from '../core/db/index.js';
import { startVoucher, type AuthorizeFacts, type AuthorizeInput, type PostAuthEntry } from '../core/db/queries/radius-auth.js';
import type { Clock } from '../core/domain/clock.js';
import { hashVoucherCode, normalizeVoucherCode } from '../core/db/queries/vouchers.js';
import { normalizeMac } from '../core/domain/mac.js';
import { CODE, decryptUserPassword, hasChap, verifyChap, type RadiusRequest, type ReplyAttribute } from '../core/radius/index.js';
import { encodeClass } from './class-attribute.js';
import type { RadiusClient } from './client-table.js';
import { runPolicies, type Policy } from './policies/index.js';
import { rejectMessage, type RejectReason } from './reply-messages.js';

export interface AccessDeps {
  db: Db;
  box: SecretBox;
  clock: Clock;
  timezone: string;
  defaultInterimInterval: number;
  /** a session with no update for this long no longer counts as live */
  liveWindowSeconds: number;
  policies: Policy[];
  /** one round trip for the facts of a login (batched with others under load) */
  authorize: (input: AuthorizeInput) => Promise<AuthorizeFacts>;
  /** where the local day began, for daily quotas */
  dayStart: (now: Date) => Date;
}

export interface AccessResult {
  code: typeof CODE.ACCESS_ACCEPT | typeof CODE.ACCESS_REJECT;
  attributes: ReplyAttribute[];
  reason?: RejectReason;
  log: PostAuthEntry;
}

/** What a typed voucher code can look like; anything else is not looked up as one. */
const VOUCHER_SHAPE = /^[a-z0-9]{6,20}$/;

function attributeText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}

/** The clear secret the login must prove, for each kind of login. */
function expectedSecrets(facts: AuthorizeFacts, box: SecretBox): string[] {
  switch (facts.kind) {
    case 'credential':
      return facts.credential ? [box.decrypt(facts.credential.secretEnc)] : [];
    case 'voucher': {
      if (!facts.voucher) return [];
      const code = box.decrypt(facts.voucher.codeEnc);
      return [code, code.toUpperCase()];
    }
    case 'account':
      return facts.account ? [box.decrypt(facts.account.passwordEnc)] : [];
    default:
      return [];
  }
}

/** PAP or CHAP against the expected secret; a MAC login (the router vouches for the device) has none to check. */
function checkPassword(request: RadiusRequest, facts: AuthorizeFacts, secret: string, box: SecretBox): boolean {
  if (facts.kind === 'mac') return true;
  const expected = expectedSecrets(facts, box);
  if (expected.length === 0) return false;
  if (hasChap(request)) return expected.some((e) => verifyChap(request, e));
  const given = decryptUserPassword(request, secret);
  if (given === undefined) return false;
  return expected.some((e) => e === given || (facts.kind === 'voucher' && e === given.toLowerCase()));
}

function principalOf(facts: AuthorizeFacts) {
  return {
    loginKind: facts.kind === 'credential' ? facts.credential?.method ?? 'credential' : facts.kind ?? 'unknown',
    subscriberId: facts.credential?.subscriberId ?? facts.device?.subscriberId ?? null,
    deviceId: facts.credential?.deviceId ?? (facts.kind === 'mac' ? facts.device?.id ?? null : null),
    voucherId: facts.voucher?.id ?? facts.credential?.voucherId ?? null,
    accountId: facts.account?.id ?? null,
    planId: facts.plan?.id ?? null,
  };
}

/** What the log keeps of the user name: never a voucher code. */
function loggedUsername(facts: AuthorizeFacts, username: string): string {
  if (facts.kind === 'voucher' && facts.voucher) return `voucher#${facts.voucher.id}`;
  return username.slice(0, 64);
}

/**
 * authorize (one database round trip: find the login, spend a one-time credential, sum today's use)
 * → authenticate (PAP or CHAP) → policies → Access-Accept with the router's limits, or Access-Reject
 * with a Reply-Message the citizen understands.
 */
export async function handleAccessRequest(deps: AccessDeps, request: RadiusRequest, client: RadiusClient): Promise<AccessResult> {
  const now = deps.clock();
  const username = attributeText(request.attributes['User-Name'])?.trim() ?? '';
  const mac = normalizeMac(attributeText(request.attributes['Calling-Station-Id']));
  const logEntry = (loggedName: string, loginKind: string | null, result: 'accept' | 'reject', reason: string | null): PostAuthEntry => ({
    at: now,
    nasId: client.nasId,
    siteId: client.site?.id ?? null,
    mac,
    username: loggedName,
    loginKind,
    result,
    reason,
  });
  const refuse = (reason: RejectReason, facts?: AuthorizeFacts, detail?: string): AccessResult => ({
    code: CODE.ACCESS_REJECT,
    attributes: [['Reply-Message', rejectMessage(reason, detail)]],
    reason,
    log: logEntry(facts ? loggedUsername(facts, username) : username.slice(0, 64), facts?.kind ?? null, 'reject', reason),
  });
  if (!username) return refuse('missing-username');

  const macLogin = mac !== undefined && normalizeMac(username) === mac;
  const facts = await deps.authorize({
    username,
    mac,
    macLogin,
    codeHash: macLogin || !VOUCHER_SHAPE.test(normalizeVoucherCode(username)) ? undefined : hashVoucherCode(deps.box, username),
    sitePlanId: client.site?.planId ?? null,
    now,
    dayStart: deps.dayStart(now),
    liveAfter: new Date(now.getTime() - deps.liveWindowSeconds * 1000),
  });
  if (!facts.kind) return refuse(macLogin ? 'device-not-remembered' : 'unknown-user');
  if (!checkPassword(request, facts, client.secret, deps.box)) return refuse('wrong-password', facts);
  if (!facts.plan) return refuse('no-plan', facts);

  const decision = runPolicies(deps.policies, {
    now,
    timezone: deps.timezone,
    mac,
    facts,
    site: client.site,
    defaultInterimInterval: deps.defaultInterimInterval,
  });
  if (decision.outcome === 'reject') return refuse(decision.reason, facts, decision.detail);

  if (facts.kind === 'voucher' && facts.voucher && (!facts.voucher.firstUsedAt || (facts.voucher.lockToFirstMac && !facts.voucher.lockedMac))) {
    await startVoucher(deps.db, facts.voucher.id, mac, now);
  }
  return {
    code: CODE.ACCESS_ACCEPT,
    attributes: [...decision.reply, ['Class', encodeClass(principalOf(facts))]],
    log: logEntry(loggedUsername(facts, username), facts.kind, 'accept', null),
  };
}
