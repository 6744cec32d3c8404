/** Byte layout of a RADIUS packet (RFC 2865 §3): code, identifier, length, authenticator, attributes. */
export const HEADER_LENGTH = 20;
export const MAX_PACKET_LENGTH = 4096;
export const AUTHENTICATOR_OFFSET = 4;
export const AUTHENTICATOR_LENGTH = 16;
export const MAX_ATTRIBUTE_VALUE_LENGTH = 253;

export const ATTRIBUTE = {
  USER_PASSWORD: 2,
  CHAP_PASSWORD: 3,
  VENDOR_SPECIFIC: 26,
  PROXY_STATE: 33,
  CHAP_CHALLENGE: 60,
  MESSAGE_AUTHENTICATOR: 80,
  ERROR_CAUSE: 101,
} as const;

export const MESSAGE_AUTHENTICATOR_LENGTH = 18;

export interface PacketHeader {
  code: number;
  identifier: number;
  length: number;
  authenticator: Buffer;
}

/** One attribute's position in a packet: `offset` points at its type byte. */
export interface AttributeSpan {
  type: number;
  offset: number;
  length: number;
}

/**
 * Cheap structural look at a datagram (no secret): undefined when it is not a well-formed RADIUS
 * packet. Bytes past the header length are padding and ignored (RFC 2865 §3).
 */
export function peekHeader(raw: Buffer): PacketHeader | undefined {
  if (raw.length < HEADER_LENGTH) return undefined;
  const length = raw.readUInt16BE(2);
  if (length < HEADER_LENGTH || length > MAX_PACKET_LENGTH || length > raw.length) return undefined;
  if (!attributesFitIn(raw, length)) return undefined;
  return {
    code: raw[0],
    identifier: raw[1],
    length,
    authenticator: raw.subarray(AUTHENTICATOR_OFFSET, HEADER_LENGTH),
  };
}

function attributesFitIn(raw: Buffer, length: number): boolean {
  let offset = HEADER_LENGTH;
  while (offset < length) {
    if (offset + 2 > length) return false;
    const attributeLength = raw[offset + 1];
    if (attributeLength < 2 || offset + attributeLength > length) return false;
    offset += attributeLength;
  }
  return true;
}

/** True when the datagram or its length field is over the RADIUS maximum of 4096 bytes. */
export function isOversized(raw: Buffer): boolean {
  return raw.length > MAX_PACKET_LENGTH || (raw.length >= 4 && raw.readUInt16BE(2) > MAX_PACKET_LENGTH);
}

/** Lists the top-level attributes of a packet trimmed to its length; stops at the first one that does not fit. */
export function listAttributes(packet: Buffer): AttributeSpan[] {
  const spans: AttributeSpan[] = [];
  let offset = HEADER_LENGTH;
  while (offset + 2 <= packet.length) {
    const length = packet[offset + 1];
    if (length < 2 || offset + length > packet.length) break;
    spans.push({ type: packet[offset], offset, length });
    offset += length;
  }
  return spans;
}

export function valueOf(packet: Buffer, span: AttributeSpan): Buffer {
  return packet.subarray(span.offset + 2, span.offset + span.length);
}
