import type { Clock } from '../../domain/clock.js';
import type { Db, Tx } from '../index.js';

/**
 * Settings an admin changes in the dashboard while the services run (table settings): a value per
 * key, with who set it and when. A key without a row means "use the configuration's value".
 */
export const TERMS_VERSION_KEY = 'portal.terms_version';

/** A terms version: 1 to 40 letters, digits, ".", "-" or "_", starting with a letter or digit (e.g. 2026-11, v3.1). */
export const TERMS_VERSION_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

/** How long a service reuses the terms version it read: a change reaches every portal process within this. */
export const SETTING_CACHE_SECONDS = 30;

export interface Setting {
  value: string;
  updatedAt: Date;
  updatedBy: string;
}

export async function findSetting(db: Db | Tx, key: string): Promise<Setting | undefined> {
  const row = await db('settings').where({ key }).first('value', 'updated_at', 'updated_by');
  return row && { value: row.value, updatedAt: new Date(row.updated_at), updatedBy: row.updated_by };
}

/** Sets a key's value; resolves with the value it had before (undefined when it had none). */
export async function saveSetting(tx: Tx, input: { key: string; value: string; by: string; at: Date }): Promise<string | undefined> {
  const before = await tx('settings').where({ key: input.key }).forUpdate().first('value');
  await tx('settings')
    .insert({ key: input.key, value: input.value, updated_at: input.at, updated_by: input.by })
    .onConflict('key')
    .merge(['value', 'updated_at', 'updated_by']);
  return before?.value;
}

/** What a service passes to read the terms version: its database, its clock and its configured version. */
export interface TermsVersionSource {
  db: Db;
  clock: Clock;
  config: { portal: { termsVersion: string } };
}

interface CachedValue {
  value: string;
  readAt: number;
}

/** One cache per service instance (keyed by its dependencies object), so two portals in one process never share a value. */
const cache = new WeakMap<TermsVersionSource, { current?: CachedValue; pending?: Promise<string> }>();

/**
 * The terms version citizens accept now: the one an admin set in the dashboard, else the
 * configuration's (PORTAL_TERMS_VERSION). Read from the database at most once per
 * SETTING_CACHE_SECONDS (on the service's own clock) per service instance, and once however many
 * requests ask together, so a page view does not cost a query.
 */
export async function currentTermsVersion(source: TermsVersionSource): Promise<string> {
  let entry = cache.get(source);
  if (!entry) {
    entry = {};
    cache.set(source, entry);
  }
  const now = source.clock().getTime();
  // a clock moved backwards (tests) makes the cached value stale too
  if (entry.current && Math.abs(now - entry.current.readAt) < SETTING_CACHE_SECONDS * 1000) return entry.current.value;
  if (entry.pending) return entry.pending;
  const held = entry;
  held.pending = findSetting(source.db, TERMS_VERSION_KEY)
    .then((setting) => {
      const value = setting?.value ?? source.config.portal.termsVersion;
      held.current = { value, readAt: now };
      return value;
    })
    .finally(() => {
      held.pending = undefined;
    });
  return held.pending;
}
