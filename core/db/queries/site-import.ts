import type { Db, Tx } from '../index.js';
import type { SecretBox } from '../../crypto.js';
import { parseSiteFile, type ImportedSite, type SiteFile } from '../../domain/site-file.js';
import { findArea } from './areas.js';

export type { ImportedSite } from '../../domain/site-file.js';

const BATCH = 500;

/** The codes among `codes` that are already sites. */
export async function findExistingSiteCodes(db: Db | Tx, codes: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < codes.length; i += BATCH) {
    const rows = await db('sites').whereIn('code', codes.slice(i, i + BATCH)).select('code');
    for (const r of rows) found.add(r.code);
  }
  return found;
}

/** The NAS addresses among `addresses` that are known. */
export async function findKnownNasAddresses(db: Db | Tx, addresses: string[]): Promise<Set<string>> {
  if (addresses.length === 0) return new Set();
  const rows = await db('nas').whereIn('address', addresses).select('address');
  return new Set(rows.map((r: { address: string }) => r.address));
}

/**
 * Inserts or updates the sites by code, in batches of 500 (one statement each), inside the caller's
 * transaction. `columns` are the optional columns the file has: only those are overwritten on update.
 */
export async function upsertSites(
  tx: Tx,
  sites: ImportedSite[],
  columns: ReadonlyArray<keyof ImportedSite>,
  at: Date,
  onProgress?: (done: number) => void,
): Promise<void> {
  const siteColumns = columns.filter((c) => c !== 'nas_address');
  const merge = ['name', 'area_code', 'router_host', ...siteColumns, 'updated_at'];
  for (let i = 0; i < sites.length; i += BATCH) {
    const chunk = sites.slice(i, i + BATCH);
    const rows = chunk.map((s) => {
      const row: Record<string, unknown> = { code: s.code, name: s.name, area_code: s.area_code, router_host: s.router_host, updated_at: at };
      for (const c of siteColumns) row[c] = s[c];
      return row;
    });
    const written = await tx('sites').insert(rows).onConflict('code').merge(merge).returning(['id', 'code']);
    if (columns.includes('nas_address')) {
      const idOf = new Map(written.map((r: { id: number; code: string }) => [r.code, r.id]));
      const links = chunk.filter((s) => s.nas_address).map((s) => ({ address: s.nas_address, site_id: idOf.get(s.code) }));
      if (links.length) {
        await tx.raw(
          `update nas set site_id = l.site_id, updated_at = :at
           from jsonb_to_recordset(cast(:links as jsonb)) as l(address text, site_id integer)
           where nas.address = l.address`,
          { links: JSON.stringify(links), at },
        );
      }
    }
    onProgress?.(Math.min(i + BATCH, sites.length));
  }
}

/**
 * Reads and checks a site file (core/domain/site-file.ts) against this database: kelurahan by code,
 * name or alias, NAS by address, router passwords encrypted with `box`. Nothing is written.
 */
export function readSiteFile(db: Db, box: SecretBox, text: string): Promise<SiteFile> {
  return parseSiteFile(text, {
    findArea: (name) => findArea(db, name),
    findKnownNasAddresses: (addresses) => findKnownNasAddresses(db, addresses),
    encrypt: (plain) => box.encrypt(plain),
  });
}
