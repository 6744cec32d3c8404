import { AppError } from '../errors.js';
import { lookupAttribute, type AttributeSpec } from './dictionary.js';
import {
  ATTRIBUTE,
  AUTHENTICATOR_LENGTH,
  AUTHENTICATOR_OFFSET,
  HEADER_LENGTH,
  MAX_ATTRIBUTE_VALUE_LENGTH,
  MAX_PACKET_LENGTH,
  MESSAGE_AUTHENTICATOR_LENGTH,
} from './packet-layout.js';

export type AttributeValue = string | number | Buffer;

/** Attributes to encode, radius-package style; a vendor one is ['Vendor-Specific', vendorId, [[name, value], ...]]. */
export type ReplyAttribute = [string, AttributeValue] | ['Vendor-Specific', number, Array<[string, AttributeValue]>];

const VSA_HEADER_LENGTH = 6;
const MAX_VSA_VALUE_LENGTH = 255 - VSA_HEADER_LENGTH - 2;
const UINT32_MAX = 0xffffffff;
/** Room for one attribute past the packet limit: a 253-character string is at most 759 bytes of UTF-8. */
const SCRATCH_SLACK = 1024;

function fail(message: string): never {
  throw new AppError('RADIUS_ENCODE', message);
}

/**
 * Writes one packet at a time into a reused scratch buffer, then copies it out: one allocation per
 * packet keeps encoding fast. Encoding is synchronous, so a single module-level writer is safe.
 */
class PacketWriter {
  private readonly scratch = Buffer.allocUnsafe(MAX_PACKET_LENGTH + SCRATCH_SLACK);
  private length = 0;

  startPacket(code: number, identifier: number, authenticator: Buffer): void {
    if (!Number.isInteger(identifier) || identifier < 0 || identifier > 255) fail(`identifier ${identifier} is not a byte`);
    this.scratch[0] = code;
    this.scratch[1] = identifier;
    authenticator.copy(this.scratch, AUTHENTICATOR_OFFSET, 0, AUTHENTICATOR_LENGTH);
    this.length = HEADER_LENGTH;
  }

  writeMessageAuthenticatorPlaceholder(): void {
    this.scratch[this.length] = ATTRIBUTE.MESSAGE_AUTHENTICATOR;
    this.scratch[this.length + 1] = MESSAGE_AUTHENTICATOR_LENGTH;
    this.scratch.fill(0, this.length + 2, this.length + MESSAGE_AUTHENTICATOR_LENGTH);
    this.length += MESSAGE_AUTHENTICATOR_LENGTH;
  }

  writeRawAttribute(type: number, value: Buffer): void {
    this.ensureRoom();
    if (value.length > MAX_ATTRIBUTE_VALUE_LENGTH) fail(`attribute ${type} is longer than ${MAX_ATTRIBUTE_VALUE_LENGTH} bytes`);
    this.scratch[this.length] = type;
    this.scratch[this.length + 1] = value.length + 2;
    value.copy(this.scratch, this.length + 2);
    this.length += value.length + 2;
  }

  writeAttributes(attributes: ReplyAttribute[]): void {
    for (const attribute of attributes) {
      if (attribute.length === 3) this.writeVendorAttributes(attribute[1], attribute[2]);
      else this.writeAttribute(attribute[0], attribute[1]);
    }
  }

  /** Copies the finished packet out of the scratch buffer with its length field set. */
  finishPacket(): Buffer {
    if (this.length > MAX_PACKET_LENGTH) fail(`the packet would be ${this.length} bytes, more than ${MAX_PACKET_LENGTH}`);
    this.scratch.writeUInt16BE(this.length, 2);
    const packet = Buffer.allocUnsafe(this.length);
    this.scratch.copy(packet, 0, 0, this.length);
    return packet;
  }

  private ensureRoom(): void {
    if (this.length > MAX_PACKET_LENGTH) fail(`the packet would be more than ${MAX_PACKET_LENGTH} bytes`);
  }

  private writeAttribute(name: string, value: AttributeValue): void {
    const spec = lookupAttribute(name);
    if (!spec) fail(`unknown attribute ${name}`);
    this.ensureRoom();
    const valueLength = this.writeValue(spec, name, value, this.length + 2, MAX_ATTRIBUTE_VALUE_LENGTH);
    if (valueLength === 0) return;
    this.scratch[this.length] = spec.id;
    this.scratch[this.length + 1] = valueLength + 2;
    this.length += valueLength + 2;
  }

  /** One Vendor-Specific attribute per sub-attribute: some NAS parsers read only the first of a packed VSA. */
  private writeVendorAttributes(vendorId: number, subAttributes: Array<[string, AttributeValue]>): void {
    if (!Number.isInteger(vendorId) || vendorId <= 0 || vendorId > 0xffffff) fail(`vendor id ${vendorId} is invalid`);
    for (const [name, value] of subAttributes) {
      const spec = lookupAttribute(name, vendorId);
      if (!spec) fail(`unknown attribute ${name} for vendor ${vendorId}`);
      this.ensureRoom();
      const start = this.length;
      const valueLength = this.writeValue(spec, name, value, start + VSA_HEADER_LENGTH + 2, MAX_VSA_VALUE_LENGTH);
      if (valueLength === 0) continue;
      this.scratch[start] = ATTRIBUTE.VENDOR_SPECIFIC;
      this.scratch[start + 1] = VSA_HEADER_LENGTH + 2 + valueLength;
      this.scratch.writeUInt32BE(vendorId, start + 2);
      this.scratch[start + VSA_HEADER_LENGTH] = spec.id;
      this.scratch[start + VSA_HEADER_LENGTH + 1] = valueLength + 2;
      this.length += VSA_HEADER_LENGTH + 2 + valueLength;
    }
  }

  /** Writes the value at `at` and returns its length; 0 means an empty string, which is left out. */
  private writeValue(spec: AttributeSpec, name: string, value: AttributeValue, at: number, maxLength: number): number {
    const length = this.writeValueBytes(spec, name, value, at);
    if (length > maxLength) fail(`${name} is longer than ${maxLength} bytes`);
    return length;
  }

  private writeValueBytes(spec: AttributeSpec, name: string, value: AttributeValue, at: number): number {
    if (Buffer.isBuffer(value)) {
      if (value.length > MAX_ATTRIBUTE_VALUE_LENGTH) fail(`${name} is longer than ${MAX_ATTRIBUTE_VALUE_LENGTH} bytes`);
      return value.copy(this.scratch, at);
    }
    if (spec.encrypted) fail(`${name} must be hidden with the request authenticator; use the userPassword option`);
    switch (spec.type) {
      case 'string':
      case 'text':
      case 'octets':
        return this.writeText(name, value, at);
      case 'integer':
      case 'time':
      case 'date':
        this.scratch.writeUInt32BE(toUint32(spec, name, value), at);
        return 4;
      case 'ipaddr':
        return this.writeIpv4(name, value, at);
      default:
        return fail(`${name} has type ${spec.type}; give its value as a Buffer`);
    }
  }

  private writeText(name: string, value: string | number, at: number): number {
    if (typeof value === 'number' && !Number.isFinite(value)) fail(`${name} is not a finite number`);
    const text = String(value);
    if (text.length > MAX_ATTRIBUTE_VALUE_LENGTH) fail(`${name} is longer than ${MAX_ATTRIBUTE_VALUE_LENGTH} bytes`);
    return this.scratch.write(text, at, 'utf8');
  }

  private writeIpv4(name: string, value: string | number, at: number): number {
    const parts = typeof value === 'string' ? value.split('.') : [];
    const octets = parts.map((part) => (/^\d{1,3}$/.test(part) ? Number(part) : NaN));
    if (octets.length !== 4 || octets.some((octet) => !(octet <= 255))) fail(`${name} is not an IPv4 address: ${value}`);
    for (let i = 0; i < 4; i++) this.scratch[at + i] = octets[i];
    return 4;
  }
}

function toUint32(spec: AttributeSpec, name: string, value: string | number): number {
  let number = value;
  if (typeof value === 'string') {
    const named = spec.valuesByName[value];
    number = named !== undefined ? Number(named) : /^\d+$/.test(value) ? Number(value) : NaN;
  }
  if (!Number.isInteger(number) || (number as number) < 0 || (number as number) > UINT32_MAX) {
    fail(`${name} needs an unsigned 32-bit integer or a value name, not ${String(value)}`);
  }
  return number as number;
}

export const packetWriter = new PacketWriter();
