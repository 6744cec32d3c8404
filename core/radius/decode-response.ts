import {
  computePacketAuthenticator,
  equalInConstantTime,
  findMessageAuthenticator,
  verifyMessageAuthenticator,
  ZERO_AUTHENTICATOR,
} from './authenticators.js';
import { CODE, RESPONSE_CODES, type DropReason } from './codes.js';
import { decodeAttributes, type RadiusAttributes } from './dictionary.js';
import { ATTRIBUTE, AUTHENTICATOR_OFFSET, HEADER_LENGTH, isOversized, listAttributes, peekHeader, type AttributeSpan } from './packet-layout.js';

export type DecodeResponseResult =
  | {
      ok: true;
      code: number;
      identifier: number;
      attributes: RadiusAttributes;
      hasMessageAuthenticator: boolean;
      messageAuthenticatorFirst: boolean;
    }
  | { ok: false; reason: DropReason };

const ACCESS_RESPONSE_CODES: ReadonlySet<number> = new Set([CODE.ACCESS_ACCEPT, CODE.ACCESS_REJECT, CODE.ACCESS_CHALLENGE]);

/**
 * Access responses hash the Request Authenticator into their MA (RFC 3579). For Accounting-Response
 * and CoA/Disconnect ACK/NAK, implementations differ (RFC 5176 and RFC 5997 say the Request
 * Authenticator; FreeRADIUS signs an Accounting-Response with zeros), so either is accepted.
 */
function verifyResponseMessageAuthenticator(packet: Buffer, span: AttributeSpan, code: number, requestAuthenticator: Buffer, secret: string): boolean {
  if (verifyMessageAuthenticator(packet, span, secret, requestAuthenticator)) return true;
  return !ACCESS_RESPONSE_CODES.has(code) && verifyMessageAuthenticator(packet, span, secret, ZERO_AUTHENTICATOR);
}

/** Verifies a response to a request we sent (Response Authenticator over our Request Authenticator, then the MA if any) and decodes it. */
export function decodeResponse(raw: Buffer, requestAuthenticator: Buffer, secret: string): DecodeResponseResult {
  if (isOversized(raw)) return { ok: false, reason: 'oversized' };
  const header = peekHeader(raw);
  if (!header) return { ok: false, reason: 'malformed' };
  if (!RESPONSE_CODES.has(header.code)) return { ok: false, reason: 'unexpected-code' };
  const packet = raw.subarray(0, header.length);
  const expected = computePacketAuthenticator(packet, secret, requestAuthenticator);
  if (!equalInConstantTime(expected, packet.subarray(AUTHENTICATOR_OFFSET, HEADER_LENGTH))) return { ok: false, reason: 'bad-authenticator' };
  const spans = listAttributes(packet);
  const messageAuthenticator = findMessageAuthenticator(spans);
  if (messageAuthenticator === 'invalid') return { ok: false, reason: 'malformed' };
  if (messageAuthenticator && !verifyResponseMessageAuthenticator(packet, messageAuthenticator, header.code, requestAuthenticator, secret)) {
    return { ok: false, reason: 'bad-message-authenticator' };
  }
  const attributes = decodeAttributes(packet);
  if (!attributes) return { ok: false, reason: 'undecodable-attributes' };
  return {
    ok: true,
    code: header.code,
    identifier: header.identifier,
    attributes,
    hasMessageAuthenticator: messageAuthenticator !== undefined,
    messageAuthenticatorFirst: spans[0]?.type === ATTRIBUTE.MESSAGE_AUTHENTICATOR,
  };
}
