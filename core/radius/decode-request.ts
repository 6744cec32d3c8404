import {
  findMessageAuthenticator,
  verifyMessageAuthenticator,
  verifySignedRequestAuthenticator,
  ZERO_AUTHENTICATOR,
} from './authenticators.js';
import { CODE, type DropReason } from './codes.js';
import { decodeAttributesFast } from './attribute-decoder.js';
import { decodeAttributes, type RadiusAttributes } from './dictionary.js';
import { ATTRIBUTE, isOversized, listAttributes, peekHeader, valueOf, type AttributeSpan } from './packet-layout.js';

export interface RadiusRequest {
  code: number;
  identifier: number;
  authenticator: Buffer;
  /** The packet, trimmed to its header length. */
  raw: Buffer;
  hasMessageAuthenticator: boolean;
  /** As the radius package decodes them; User-Password stays hidden (null): use decryptUserPassword. */
  attributes: RadiusAttributes;
  proxyStates: Buffer[];
}

export type DecodeRequestResult = { ok: true; request: RadiusRequest } | { ok: false; reason: DropReason };

export interface DecodeRequestOptions {
  /** Drop Access-Requests without a Message-Authenticator (BlastRADIUS; RouterOS ≥ 7.15 sends one). */
  requireMessageAuthenticator: boolean;
}

const ACCEPTED_CODES: ReadonlySet<number> = new Set([
  CODE.ACCESS_REQUEST,
  CODE.ACCOUNTING_REQUEST,
  CODE.STATUS_SERVER,
  CODE.DISCONNECT_REQUEST,
  CODE.COA_REQUEST,
]);

function drop(reason: DropReason): { ok: false; reason: DropReason } {
  return { ok: false, reason };
}

interface Evidence {
  packet: Buffer;
  code: number;
  messageAuthenticator: AttributeSpan | undefined;
  hasProxyState: boolean;
}

function checkAccessRequest(evidence: Evidence, secret: string, options: DecodeRequestOptions): DropReason | undefined {
  const { packet, messageAuthenticator } = evidence;
  if (messageAuthenticator) {
    return verifyMessageAuthenticator(packet, messageAuthenticator, secret) ? undefined : 'bad-message-authenticator';
  }
  if (options.requireMessageAuthenticator) return 'missing-message-authenticator';
  if (evidence.hasProxyState) return 'proxy-state-without-message-authenticator';
  return undefined;
}

/** RFC 5997: a Status-Server without a valid Message-Authenticator is discarded. */
function checkStatusServer(evidence: Evidence, secret: string): DropReason | undefined {
  const { packet, messageAuthenticator } = evidence;
  if (!messageAuthenticator) return 'missing-message-authenticator';
  return verifyMessageAuthenticator(packet, messageAuthenticator, secret) ? undefined : 'bad-message-authenticator';
}

/** Accounting, CoA and Disconnect: the MA is computed with a zero authenticator, then the authenticator over it (RFC 5176 §3.5). */
function checkSignedRequest(evidence: Evidence, secret: string): DropReason | undefined {
  const { packet, messageAuthenticator } = evidence;
  if (!verifySignedRequestAuthenticator(packet, secret)) return 'bad-authenticator';
  if (messageAuthenticator && !verifyMessageAuthenticator(packet, messageAuthenticator, secret, ZERO_AUTHENTICATOR)) {
    return 'bad-message-authenticator';
  }
  return undefined;
}

function checkAuthenticity(evidence: Evidence, secret: string, options: DecodeRequestOptions): DropReason | undefined {
  if (evidence.code === CODE.ACCESS_REQUEST) return checkAccessRequest(evidence, secret, options);
  if (evidence.code === CODE.STATUS_SERVER) return checkStatusServer(evidence, secret);
  return checkSignedRequest(evidence, secret);
}

/**
 * Verifies and decodes a request from a known client. Never throws: a datagram that is not a valid,
 * authentic request comes back as a DropReason, to be discarded without a reply (RFC 2865 §3).
 */
export function decodeRequest(raw: Buffer, secret: string, options: DecodeRequestOptions): DecodeRequestResult {
  if (isOversized(raw)) return drop('oversized');
  const header = peekHeader(raw);
  if (!header) return drop('malformed');
  if (!ACCEPTED_CODES.has(header.code)) return drop('unexpected-code');
  const packet = raw.subarray(0, header.length);
  const spans = listAttributes(packet);
  const messageAuthenticator = findMessageAuthenticator(spans);
  if (messageAuthenticator === 'invalid') return drop('malformed');
  const proxyStates = spans.filter((span) => span.type === ATTRIBUTE.PROXY_STATE).map((span) => valueOf(packet, span));
  const evidence = { packet, code: header.code, messageAuthenticator, hasProxyState: proxyStates.length > 0 };
  const reason = checkAuthenticity(evidence, secret, options);
  if (reason) return drop(reason);
  const attributes = decodeAttributesFast(packet, decodeAttributes);
  if (!attributes) return drop('undecodable-attributes');
  return {
    ok: true,
    request: {
      code: header.code,
      identifier: header.identifier,
      authenticator: header.authenticator,
      raw: packet,
      hasMessageAuthenticator: messageAuthenticator !== undefined,
      attributes,
      proxyStates,
    },
  };
}
