import { randomBytes, randomInt } from 'node:crypto';
import { AppError } from '../errors.js';
import { writeFirstMessageAuthenticator, writePacketAuthenticator, ZERO_AUTHENTICATOR } from './authenticators.js';
import { computeChapResponse } from './chap.js';
import { RANDOM_AUTHENTICATOR_CODES, SIGNED_REQUEST_CODES } from './codes.js';
import { ATTRIBUTE, AUTHENTICATOR_LENGTH, AUTHENTICATOR_OFFSET, HEADER_LENGTH } from './packet-layout.js';
import { packetWriter, type ReplyAttribute } from './packet-writer.js';
import { hideUserPassword } from './user-password.js';

export interface EncodeRequestOptions {
  /** Default: true for Access-Request and Status-Server, false for the others. */
  messageAuthenticator?: boolean;
  /** Cleartext password, sent hidden as User-Password (Access-Request only). */
  userPassword?: string;
  /** CHAP login (Access-Request only): id and challenge are random unless given. */
  chap?: { password: string; id?: number; challenge?: Buffer };
}

export interface EncodedRequest {
  raw: Buffer;
  /** The Request Authenticator sent, needed to verify the response. */
  authenticator: Buffer;
}

function writeCredentials(options: EncodeRequestOptions, secret: string, authenticator: Buffer): void {
  if (options.userPassword !== undefined) {
    packetWriter.writeRawAttribute(ATTRIBUTE.USER_PASSWORD, hideUserPassword(options.userPassword, secret, authenticator));
  }
  if (options.chap) {
    const chapId = options.chap.id ?? randomInt(256);
    if (!Number.isInteger(chapId) || chapId < 0 || chapId > 255) throw new AppError('RADIUS_ENCODE', `CHAP id ${chapId} is not a byte`);
    const challenge = options.chap.challenge ?? randomBytes(AUTHENTICATOR_LENGTH);
    const response = computeChapResponse(chapId, options.chap.password, challenge);
    packetWriter.writeRawAttribute(ATTRIBUTE.CHAP_PASSWORD, Buffer.concat([Buffer.of(chapId), response]));
    packetWriter.writeRawAttribute(ATTRIBUTE.CHAP_CHALLENGE, challenge);
  }
}

/**
 * Encodes a request we originate. Access-Request and Status-Server get a random authenticator (and
 * an MA by default); Accounting, CoA and Disconnect requests are signed with MD5 over the packet with
 * a zero authenticator, their optional MA computed first, in the RFC 5176 §3.5 order.
 */
export function encodeRequest(
  code: number,
  identifier: number,
  attributes: ReplyAttribute[],
  secret: string,
  options: EncodeRequestOptions = {},
): EncodedRequest {
  const randomAuthenticator = RANDOM_AUTHENTICATOR_CODES.has(code);
  if (!randomAuthenticator && !SIGNED_REQUEST_CODES.has(code)) throw new AppError('RADIUS_ENCODE', `code ${code} is not a request`);
  if (!randomAuthenticator && (options.userPassword !== undefined || options.chap)) {
    throw new AppError('RADIUS_ENCODE', 'User-Password and CHAP belong in an Access-Request only');
  }
  const withMessageAuthenticator = options.messageAuthenticator ?? randomAuthenticator;
  const authenticator = randomAuthenticator ? randomBytes(AUTHENTICATOR_LENGTH) : ZERO_AUTHENTICATOR;
  packetWriter.startPacket(code, identifier, authenticator);
  if (withMessageAuthenticator) packetWriter.writeMessageAuthenticatorPlaceholder();
  packetWriter.writeAttributes(attributes);
  writeCredentials(options, secret, authenticator);
  const packet = packetWriter.finishPacket();
  // A signed request's authenticator field is still zero here, so its MA comes out in the RFC 5176 order.
  if (withMessageAuthenticator) writeFirstMessageAuthenticator(packet, secret);
  if (!randomAuthenticator) writePacketAuthenticator(packet, secret);
  return { raw: packet, authenticator: Buffer.from(packet.subarray(AUTHENTICATOR_OFFSET, HEADER_LENGTH)) };
}
