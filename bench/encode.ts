// Encodes the benchmark's requests with citywifi's own codec. The same bytes drive both servers, so
// a codec fault would show up as FreeRADIUS rejecting or dropping them as well.
import { CODE, encodeRequest as encodeWithCodec, type AttributeValue } from '../core/radius/index.js';

export { CODE };
export type { AttributeValue };
export type RequestAttribute = [string, AttributeValue];

export interface EncodeOptions {
  messageAuthenticator?: boolean;
  chap?: { password: string; id: number; challenge: Buffer };
}

/**
 * One request packet, signed: a random Request Authenticator for Access-Request (with
 * Message-Authenticator when asked), the MD5 one for Accounting-Request.
 */
export function encodeRequest(code: number, identifier: number, attributes: RequestAttribute[], secret: string, options: EncodeOptions = {}): Buffer {
  return encodeWithCodec(code, identifier, attributes, secret, {
    messageAuthenticator: options.messageAuthenticator ?? false,
    chap: options.chap,
  }).raw;
}
