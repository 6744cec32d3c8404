// Byte-level helpers for the codec tests: craft packets by hand and check signatures independently.
import { createHash, createHmac } from 'node:crypto';

export function md5(...parts: Array<Buffer | string>): Buffer {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

export function hmacMd5(secret: string, data: Buffer): Buffer {
  return createHmac('md5', secret).update(data).digest();
}

/** A packet with the given attributes (type, value) and a correct length field; nothing is signed. */
export function craftPacket(code: number, identifier: number, authenticator: Buffer, attributes: Array<[number, Buffer]>): Buffer {
  const body = Buffer.concat(attributes.map(([type, value]) => Buffer.concat([Buffer.of(type, value.length + 2), value])));
  const header = Buffer.alloc(20);
  header[0] = code;
  header[1] = identifier;
  header.writeUInt16BE(20 + body.length, 2);
  authenticator.copy(header, 4);
  return Buffer.concat([header, body]);
}

/** Every top-level attribute of a packet, in order. */
export function attributesOf(raw: Buffer): Array<{ type: number; offset: number; value: Buffer }> {
  const found = [];
  for (let offset = 20; offset < raw.readUInt16BE(2); offset += raw[offset + 1]) {
    found.push({ type: raw[offset], offset, value: raw.subarray(offset + 2, offset + raw[offset + 1]) });
  }
  return found;
}

export function findAttribute(raw: Buffer, type: number): { type: number; offset: number; value: Buffer } | undefined {
  return attributesOf(raw).find((attribute) => attribute.type === type);
}

/** A copy of the packet with the authenticator field replaced and, when given, the MA value at `maOffset` zeroed. */
export function withFields(raw: Buffer, authenticator: Buffer, maOffset?: number): Buffer {
  const copy = Buffer.from(raw);
  authenticator.copy(copy, 4);
  if (maOffset !== undefined) copy.fill(0, maOffset + 2, maOffset + 18);
  return copy;
}

/** Signs a hand-made Accounting/CoA/Disconnect request: MA first with a zero authenticator, then the authenticator. */
export function signLikeRfc5176(raw: Buffer, secret: string): Buffer {
  const packet = withFields(raw, Buffer.alloc(16));
  const ma = findAttribute(packet, 80);
  if (ma) hmacMd5(secret, withFields(packet, Buffer.alloc(16), ma.offset)).copy(packet, ma.offset + 2);
  md5(packet, secret).copy(packet, 4);
  return packet;
}
