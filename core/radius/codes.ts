/** RADIUS packet codes (RFC 2865, 2866, 5176, 5997). */
export const CODE = {
  ACCESS_REQUEST: 1,
  ACCESS_ACCEPT: 2,
  ACCESS_REJECT: 3,
  ACCOUNTING_REQUEST: 4,
  ACCOUNTING_RESPONSE: 5,
  ACCESS_CHALLENGE: 11,
  STATUS_SERVER: 12,
  DISCONNECT_REQUEST: 40,
  DISCONNECT_ACK: 41,
  DISCONNECT_NAK: 42,
  COA_REQUEST: 43,
  COA_ACK: 44,
  COA_NAK: 45,
} as const;

/** Why a datagram was silently discarded; the edge counts and logs it. */
export type DropReason =
  | 'malformed'
  | 'oversized'
  | 'unexpected-code'
  | 'bad-authenticator'
  | 'bad-message-authenticator'
  | 'missing-message-authenticator'
  | 'proxy-state-without-message-authenticator'
  | 'undecodable-attributes';

/** Requests whose authenticator is 16 random bytes. */
export const RANDOM_AUTHENTICATOR_CODES: ReadonlySet<number> = new Set([CODE.ACCESS_REQUEST, CODE.STATUS_SERVER]);

/** Requests whose authenticator is MD5 over the packet with a zero authenticator (RFC 2866, RFC 5176). */
export const SIGNED_REQUEST_CODES: ReadonlySet<number> = new Set([CODE.ACCOUNTING_REQUEST, CODE.DISCONNECT_REQUEST, CODE.COA_REQUEST]);

export const RESPONSE_CODES: ReadonlySet<number> = new Set([
  CODE.ACCESS_ACCEPT,
  CODE.ACCESS_REJECT,
  CODE.ACCESS_CHALLENGE,
  CODE.ACCOUNTING_RESPONSE,
  CODE.DISCONNECT_ACK,
  CODE.DISCONNECT_NAK,
  CODE.COA_ACK,
  CODE.COA_NAK,
]);
