import radius from 'radius';
import { ensureDictionaries, type RadiusAttributes } from './dictionary.js';

/**
 * Attribute decoding on the hot path. The radius package's decode_attributes is correct but slices a
 * new Buffer per attribute and re-reads its tables each time; at thousands of packets a second that
 * was a fifth of the server's CPU. This walks the packet by offsets and reads the same dictionaries
 * (the package's, including citywifi's vendor files), with the same results: the equivalence is
 * tested against the package on real packets.
 */
interface Definition {
  name: string;
  type: string;
  enumNames: Record<string, string>;
  tagged: boolean;
  encrypted: boolean;
}

const lookup = radius as unknown as { _attr_to(attr: number, vendorId: number | undefined, field: number): unknown };
const FIELD = { NAME: 1, TYPE: 2, ENUM: 3, MODIFIERS: 5 } as const;
const tables = new Map<number, Array<Definition | null | undefined>>();

function definition(vendor: number | undefined, type: number): Definition | null {
  const key = vendor ?? -1;
  let table = tables.get(key);
  if (!table) {
    table = new Array(256);
    tables.set(key, table);
  }
  let found = table[type];
  if (found === undefined) {
    const name = lookup._attr_to(type, vendor, FIELD.NAME);
    if (typeof name !== 'string') {
      found = null;
    } else {
      const modifiers = (lookup._attr_to(type, vendor, FIELD.MODIFIERS) ?? {}) as Record<string, boolean>;
      found = {
        name,
        type: String(lookup._attr_to(type, vendor, FIELD.TYPE)),
        enumNames: (lookup._attr_to(type, vendor, FIELD.ENUM) ?? {}) as Record<string, string>,
        tagged: Boolean(modifiers['has_tag']),
        encrypted: Boolean(modifiers['encrypt=1']),
      };
    }
    table[type] = found;
  }
  return found;
}

function add(target: RadiusAttributes, name: string, value: unknown): void {
  const existing = target[name];
  if (existing === undefined) target[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else target[name] = [existing, value];
}

function decodeValue(def: Definition, packet: Buffer, start: number, end: number): unknown {
  switch (def.type) {
    case 'string':
    case 'text':
      return packet.toString('utf8', start, end);
    case 'ipaddr': {
      const octets: number[] = [];
      for (let i = start; i < end; i++) octets.push(packet[i]);
      return octets.join('.');
    }
    case 'date':
      if (end - start < 4) throw new RangeError('date attribute shorter than 4 bytes');
      return new Date(packet.readUInt32BE(start) * 1000);
    case 'time':
    case 'integer': {
      if (end - start < 4) throw new RangeError('integer attribute shorter than 4 bytes');
      const n = packet.readUInt32BE(start);
      return def.enumNames[n] ?? n;
    }
    default:
      return Buffer.from(packet.subarray(start, end));
  }
}

function walk(packet: Buffer, start: number, end: number, target: RadiusAttributes, vendor: number | undefined): void {
  let offset = start;
  while (offset < end) {
    if (end - offset < 2) throw new RangeError('truncated attribute');
    const type = packet[offset];
    const length = packet[offset + 1];
    if (length < 2) throw new RangeError(`invalid attribute length: ${length}`);
    const valueStart = offset + 2;
    // Like the package, a (vendor) sub-attribute that runs past its container is cut at the end.
    const valueEnd = Math.min(offset + length, end);
    offset = valueEnd;
    const def = definition(vendor, type);
    if (!def) continue;
    if (def.name === 'Vendor-Specific' && vendor === undefined) {
      if (valueEnd - valueStart < 4 || packet[valueStart] !== 0) throw new RangeError('invalid vendor id');
      let nested = target['Vendor-Specific'] as RadiusAttributes | undefined;
      if (!nested) nested = target['Vendor-Specific'] = {};
      walk(packet, valueStart + 4, valueEnd, nested, packet.readUInt32BE(valueStart));
      continue;
    }
    if (def.tagged || def.encrypted) {
      // Rare on hotspots (Tunnel-*, User-Password): the package's own path keeps them exact.
      throw new FallBack();
    }
    add(target, def.name, decodeValue(def, packet, valueStart, valueEnd));
  }
}

class FallBack extends Error {}

/** Decodes the attributes of a packet; undefined when they cannot be decoded. */
export function decodeAttributesFast(packet: Buffer, fallback: (packet: Buffer) => RadiusAttributes | undefined): RadiusAttributes | undefined {
  ensureDictionaries();
  const attributes: RadiusAttributes = {};
  try {
    walk(packet, 20, packet.length, attributes, undefined);
    return attributes;
  } catch (error) {
    return error instanceof FallBack ? fallback(packet) : undefined;
  }
}
