import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Knex } from 'knex';

/**
 * The 7 kecamatan and 54 kelurahan of Kota Tangerang Selatan with their Kemendagri codes, and the
 * spellings people actually use (aliases), so imports and searches join on the code, never the name.
 */
const seedFile = (name: string) => new URL(`../../migrations/seed-data/${name}`, import.meta.url);

const ALIASES: Array<[string, string]> = [
  ['Rawa Mekarjaya', '36.74.01.1003'],
  ['Rawamekarjaya', '36.74.01.1003'],
  ['Sawah Lama', '36.74.04.1004'],
  ['Sawahlama', '36.74.04.1004'],
  ['Bambuapus', '36.74.06.1007'],
  ['Jurang Mangu Barat', '36.74.03.1010'],
  ['Jurang Mangu Timur', '36.74.03.1011'],
  ['Cirendeu', '36.74.05.1004'],
  ['Baktijaya', '36.74.07.1006'],
  ['Rawa Buntu', '36.74.01.1002'],
];

export function aliasKey(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, ' ').trim();
}

interface Row {
  kecamatan: string;
  kelurahan?: string;
  kode: string;
  lat: string;
  lon: string;
}

export async function up(knex: Knex): Promise<void> {
  const kecamatan = parse(readFileSync(seedFile('tangsel-kecamatan.csv')), { columns: true }) as Row[];
  const kelurahan = parse(readFileSync(seedFile('tangsel-wilayah.csv')), { columns: true }) as Row[];
  const codeOfKecamatan = new Map(kecamatan.map((k) => [k.kecamatan, k.kode]));
  await knex('areas').insert(
    kecamatan.map((k) => ({ code: k.kode, level: 'kecamatan', name: k.kecamatan, lat: Number(k.lat), lon: Number(k.lon) })),
  );
  await knex('areas').insert(
    kelurahan.map((k) => ({
      code: k.kode,
      level: 'kelurahan',
      name: k.kelurahan,
      parent_code: codeOfKecamatan.get(k.kecamatan),
      lat: Number(k.lat),
      lon: Number(k.lon),
    })),
  );
  const known = new Set(kelurahan.map((k) => k.kode));
  const aliases = new Map<string, string>();
  for (const row of [...kecamatan, ...kelurahan]) {
    aliases.set(aliasKey(row.kelurahan ?? row.kecamatan), row.kode);
    aliases.set(aliasKey(row.kode), row.kode);
  }
  for (const [alias, code] of ALIASES) {
    // Only where the code exists: a typo in the table above must not invent an area.
    if (known.has(code)) aliases.set(aliasKey(alias), code);
  }
  await knex('area_aliases').insert([...aliases].map(([alias, area_code]) => ({ alias, area_code })));
}

export async function down(knex: Knex): Promise<void> {
  await knex('area_aliases').del();
  await knex('areas').del();
}
