/**
 * The Class attribute ties accounting back to who logged in: the router echoes the Access-Accept's
 * Class in every Accounting-Request of the session, so quotas count by citizen, device, voucher or
 * account rather than by the throw-away RADIUS user name.
 */
export interface SessionPrincipal {
  loginKind: string;
  subscriberId: number | null;
  deviceId: number | null;
  voucherId: number | null;
  accountId: number | null;
  planId: number | null;
}

const PREFIX = 'cw1';
const FIELDS = ['subscriberId', 'deviceId', 'voucherId', 'accountId', 'planId'] as const;

export function encodeClass(p: SessionPrincipal): string {
  return [PREFIX, p.loginKind, ...FIELDS.map((f) => (p[f] ?? '').toString())].join(':');
}

export function decodeClass(value: unknown): SessionPrincipal | undefined {
  const text = Buffer.isBuffer(value) ? value.toString('latin1') : typeof value === 'string' ? value : undefined;
  if (!text) return undefined;
  const parts = text.split(':');
  if (parts[0] !== PREFIX || parts.length !== 2 + FIELDS.length || !/^[a-z-]{1,20}$/.test(parts[1])) return undefined;
  const ids = parts.slice(2).map((s) => (s === '' ? null : /^\d{1,15}$/.test(s) ? Number(s) : NaN));
  if (ids.some((n) => Number.isNaN(n))) return undefined;
  const [subscriberId, deviceId, voucherId, accountId, planId] = ids as Array<number | null>;
  return { loginKind: parts[1], subscriberId, deviceId, voucherId, accountId, planId };
}
