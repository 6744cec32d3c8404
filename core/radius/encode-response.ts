import { writeFirstMessageAuthenticator, writePacketAuthenticator, ZERO_AUTHENTICATOR } from './authenticators.js';
import { CODE } from './codes.js';
import type { RadiusRequest } from './decode-request.js';
import { ATTRIBUTE } from './packet-layout.js';
import { packetWriter, type ReplyAttribute } from './packet-writer.js';

export type RespondedRequest = Pick<RadiusRequest, 'identifier' | 'authenticator' | 'proxyStates'> & { code?: number };

/**
 * The authenticator field hashed into the MA. RFC 3579 and RFC 5176 give the Request Authenticator;
 * for an Accounting-Response no RFC says, and FreeRADIUS (radclient included) hashes 16 zero bytes,
 * as for the Accounting-Request, except when it answers a Status-Server (RFC 5997).
 */
function messageAuthenticatorVector(request: RespondedRequest, code: number): Buffer | undefined {
  return code === CODE.ACCOUNTING_RESPONSE && request.code !== CODE.STATUS_SERVER ? ZERO_AUTHENTICATOR : undefined;
}

/**
 * Encodes a response with the Message-Authenticator as its first attribute (BlastRADIUS), then the
 * given attributes, then the request's Proxy-States in order. The MA is computed with the Request
 * Authenticator in place, then the Response Authenticator over the final packet (RFC 3579 §3.2).
 * Pass the request's code (a decoded RadiusRequest has it) so an Accounting-Response to a
 * Status-Server is signed as RFC 5997 says. Empty string values are left out, as the radius package does.
 * Throws AppError('RADIUS_ENCODE') for an attribute that cannot be encoded or a packet over 4096 bytes.
 */
export function encodeResponse(request: RespondedRequest, code: number, attributes: ReplyAttribute[], secret: string): Buffer {
  packetWriter.startPacket(code, request.identifier, request.authenticator);
  packetWriter.writeMessageAuthenticatorPlaceholder();
  packetWriter.writeAttributes(attributes);
  for (const proxyState of request.proxyStates) packetWriter.writeRawAttribute(ATTRIBUTE.PROXY_STATE, proxyState);
  const packet = packetWriter.finishPacket();
  writeFirstMessageAuthenticator(packet, secret, messageAuthenticatorVector(request, code));
  writePacketAuthenticator(packet, secret);
  return packet;
}
