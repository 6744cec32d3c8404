import { fileURLToPath } from 'node:url';
import radius from 'radius';
import { AppError } from '../errors.js';

/**
 * The parts of the `radius` package (1.1.4) that citywifi uses. Its typings lack the dictionary
 * look-ups, and `_attr_to` (the only way to read an attribute's type and enumerated values from the
 * loaded dictionaries) is internal; the package has not changed since 2018, so the shape is stable.
 */
interface RadiusLibrary {
  add_dictionary(path: string): void;
  load_dictionaries(): void;
  load_dictionary(path: string): void;
  vendor_name_to_id(name: string): string | undefined;
  decode_without_secret(args: { packet: Buffer }): { attributes: RadiusAttributes };
  _attr_to(attribute: string, vendorId: number | undefined, field: number): unknown;
}

/** Attributes as the radius package decodes them; values are strings, numbers, Buffers or arrays of them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the server reads decoded values by name; their type depends on the dictionary
export type RadiusAttributes = Record<string, any>;

const library = radius as unknown as RadiusLibrary;

const DICTIONARY_FILES = ['dictionary.mikrotik', 'dictionary.wispr'].map((name) =>
  fileURLToPath(new URL(`./dictionaries/${name}`, import.meta.url)),
);

/** Field positions in the radius package's attribute table. */
const FIELD = { ID: 0, TYPE: 2, REVERSE_ENUM: 4, MODIFIERS: 5 } as const;

export interface AttributeSpec {
  id: number;
  type: string;
  /** Enumerated value names mapped to their numbers (as strings), e.g. { Start: '1' }. */
  valuesByName: Record<string, string>;
  /** Hidden on the wire (User-Password, Tunnel-Password): needs the secret and authenticator to encode. */
  encrypted: boolean;
}

let dictionariesLoaded = false;
const specCache = new Map<string, AttributeSpec | null>();

/** Loads the package's RFC dictionaries and citywifi's vendor ones, once. Call it at start-up to fail early. */
export function ensureDictionaries(): void {
  if (dictionariesLoaded) return;
  try {
    for (const file of DICTIONARY_FILES) library.add_dictionary(file);
    library.load_dictionaries();
    // Another module may have made the package load its dictionaries before ours were added.
    if (library.vendor_name_to_id('Mikrotik') === undefined || library.vendor_name_to_id('WISPr') === undefined) {
      for (const file of DICTIONARY_FILES) library.load_dictionary(file);
    }
  } catch (cause) {
    throw new AppError('RADIUS_ENCODE', `cannot load the RADIUS dictionaries (${DICTIONARY_FILES.join(', ')})`, { cause });
  }
  dictionariesLoaded = true;
}

/** The dictionary entry for an attribute name (vendorId for a vendor-specific one), or undefined. */
export function lookupAttribute(name: string, vendorId?: number): AttributeSpec | undefined {
  ensureDictionaries();
  const key = `${vendorId ?? ''}:${name}`;
  let spec = specCache.get(key);
  if (spec === undefined) {
    spec = readSpec(name, vendorId);
    specCache.set(key, spec);
  }
  return spec ?? undefined;
}

function readSpec(name: string, vendorId: number | undefined): AttributeSpec | null {
  const id = library._attr_to(name, vendorId, FIELD.ID);
  if (id === undefined || id === null) return null;
  const modifiers = (library._attr_to(name, vendorId, FIELD.MODIFIERS) ?? {}) as Record<string, boolean>;
  return {
    id: Number(id),
    type: String(library._attr_to(name, vendorId, FIELD.TYPE)),
    valuesByName: (library._attr_to(name, vendorId, FIELD.REVERSE_ENUM) ?? {}) as Record<string, string>,
    encrypted: Object.keys(modifiers).some((modifier) => modifier.startsWith('encrypt')),
  };
}

/** Decodes the attributes of an already verified packet; undefined when the package cannot (it throws). */
export function decodeAttributes(packet: Buffer): RadiusAttributes | undefined {
  ensureDictionaries();
  try {
    return library.decode_without_secret({ packet }).attributes;
  } catch {
    return undefined;
  }
}
