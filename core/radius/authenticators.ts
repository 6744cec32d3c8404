import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import {
  ATTRIBUTE,
  AUTHENTICATOR_LENGTH,
  AUTHENTICATOR_OFFSET,
  HEADER_LENGTH,
  MESSAGE_AUTHENTICATOR_LENGTH,
  type AttributeSpan,
} from './packet-layout.js';

export const ZERO_AUTHENTICATOR: Buffer = Buffer.alloc(AUTHENTICATOR_LENGTH);

/** Where the 16-byte Message-Authenticator value starts when the MA is the first attribute. */
export const FIRST_MESSAGE_AUTHENTICATOR_VALUE_OFFSET = HEADER_LENGTH + 2;

/**
 * Feeds the packet to a digest with the authenticator field read as `authenticatorField` and, when
 * given, the Message-Authenticator value read as zeros: the verifier never copies or mutates the packet.
 */
function feedPacket(digest: Hash | Hmac, packet: Buffer, authenticatorField: Buffer | undefined, maValueOffset: number | undefined): void {
  if (authenticatorField) {
    digest.update(packet.subarray(0, AUTHENTICATOR_OFFSET));
    digest.update(authenticatorField);
  } else {
    digest.update(packet.subarray(0, HEADER_LENGTH));
  }
  if (maValueOffset === undefined) {
    digest.update(packet.subarray(HEADER_LENGTH));
    return;
  }
  digest.update(packet.subarray(HEADER_LENGTH, maValueOffset));
  digest.update(ZERO_AUTHENTICATOR);
  digest.update(packet.subarray(maValueOffset + AUTHENTICATOR_LENGTH));
}

/** HMAC-MD5 keyed with the secret over the packet with its MA value zeroed (RFC 3579 §3.2). */
export function computeMessageAuthenticator(packet: Buffer, secret: string, maValueOffset: number, authenticatorField?: Buffer): Buffer {
  const hmac = createHmac('md5', secret);
  feedPacket(hmac, packet, authenticatorField, maValueOffset);
  return hmac.digest();
}

/** MD5(Code ‖ ID ‖ Length ‖ authenticator field ‖ Attributes ‖ Secret) (RFC 2865 §3, RFC 2866 §3). */
export function computePacketAuthenticator(packet: Buffer, secret: string, authenticatorField?: Buffer): Buffer {
  const md5 = createHash('md5');
  feedPacket(md5, packet, authenticatorField, undefined);
  md5.update(secret);
  return md5.digest();
}

export function equalInConstantTime(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The single, well-formed Message-Authenticator of a packet; 'invalid' for a wrong length or a duplicate. */
export function findMessageAuthenticator(spans: AttributeSpan[]): AttributeSpan | undefined | 'invalid' {
  const found = spans.filter((span) => span.type === ATTRIBUTE.MESSAGE_AUTHENTICATOR);
  if (found.length === 0) return undefined;
  if (found.length > 1 || found[0].length !== MESSAGE_AUTHENTICATOR_LENGTH) return 'invalid';
  return found[0];
}

export function verifyMessageAuthenticator(packet: Buffer, span: AttributeSpan, secret: string, authenticatorField?: Buffer): boolean {
  const valueOffset = span.offset + 2;
  const expected = computeMessageAuthenticator(packet, secret, valueOffset, authenticatorField);
  return equalInConstantTime(expected, packet.subarray(valueOffset, valueOffset + AUTHENTICATOR_LENGTH));
}

/** Checks the Request Authenticator of an Accounting, CoA or Disconnect request (16 zero bytes while hashing). */
export function verifySignedRequestAuthenticator(packet: Buffer, secret: string): boolean {
  const expected = computePacketAuthenticator(packet, secret, ZERO_AUTHENTICATOR);
  return equalInConstantTime(expected, packet.subarray(AUTHENTICATOR_OFFSET, HEADER_LENGTH));
}

/**
 * Fills in the zero placeholder MA of a packet that starts with one, hashing `authenticatorField` in
 * place of bytes 4–19 when given.
 */
export function writeFirstMessageAuthenticator(packet: Buffer, secret: string, authenticatorField?: Buffer): void {
  const hmac = createHmac('md5', secret);
  feedPacket(hmac, packet, authenticatorField, undefined);
  hmac.digest().copy(packet, FIRST_MESSAGE_AUTHENTICATOR_VALUE_OFFSET);
}

/** Writes MD5(packet ‖ secret) into bytes 4–19: the Response Authenticator, or a signed request's. */
export function writePacketAuthenticator(packet: Buffer, secret: string): void {
  computePacketAuthenticator(packet, secret).copy(packet, AUTHENTICATOR_OFFSET);
}
