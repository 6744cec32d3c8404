import type { SecretBox } from '../../crypto.js';
import { AppError } from '../../errors.js';
import type { Db } from '../index.js';
import { isUniqueViolation } from './unique.js';

/** A RADIUS client (a router), as stored: the shared secret stays encrypted. */
export interface NasRecord {
  id: number;
  name: string;
  address: string;
  secretEnc: string;
  siteId: number | null;
  /** the code of the site behind siteId, for display */
  siteCode: string | null;
  nasIdentifier: string | null;
  coaPort: number;
  requireMessageAuthenticator: boolean;
  updatedAt: Date;
}

export interface NewNas {
  name: string;
  /** an address or CIDR in normal form (core/domain/net.ts parseAddressOrCidr) */
  address: string;
  secret: string;
  siteCode?: string;
  nasIdentifier?: string;
  coaPort?: number;
  requireMessageAuthenticator?: boolean;
}

interface NasRow {
  id: number;
  name: string;
  address: string;
  secret_enc: string;
  site_id: number | null;
  site_code: string | null;
  nas_identifier: string | null;
  coa_port: number;
  require_message_authenticator: boolean;
  updated_at: Date | string;
}

const COLUMNS = [
  'n.id', 'n.name', 'n.address', 'n.secret_enc', 'n.site_id', 's.code as site_code', 'n.nas_identifier',
  'n.coa_port', 'n.require_message_authenticator', 'n.updated_at',
];

function toRecord(row: NasRow): NasRecord {
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    secretEnc: row.secret_enc,
    siteId: row.site_id,
    siteCode: row.site_code,
    nasIdentifier: row.nas_identifier,
    coaPort: row.coa_port,
    requireMessageAuthenticator: row.require_message_authenticator,
    updatedAt: new Date(row.updated_at),
  };
}

function selectNas(db: Db) {
  return db('nas as n').leftJoin('sites as s', 's.id', 'n.site_id').select(COLUMNS);
}

/**
 * Registers a RADIUS client with its shared secret encrypted. An unknown site code throws
 * AppError('NOT_FOUND'); a name or address already registered throws AppError('BAD_ARGUMENT').
 */
export async function addNas(db: Db, box: SecretBox, input: NewNas): Promise<NasRecord> {
  let siteId: number | null = null;
  if (input.siteCode !== undefined) {
    const site = await db('sites').where({ code: input.siteCode }).first('id');
    if (!site) throw new AppError('NOT_FOUND', `no site with code "${input.siteCode}"`);
    siteId = site.id;
  }
  try {
    const [{ id }] = await db('nas')
      .insert({
        name: input.name,
        address: input.address,
        secret_enc: box.encrypt(input.secret),
        site_id: siteId,
        nas_identifier: input.nasIdentifier ?? null,
        coa_port: input.coaPort ?? 3799,
        require_message_authenticator: input.requireMessageAuthenticator ?? true,
      })
      .returning('id');
    return (await findNasById(db, id))!;
  } catch (error) {
    if (isUniqueViolation(error, 'nas_name_key')) {
      throw new AppError('BAD_ARGUMENT', `a NAS named "${input.name}" already exists`, { cause: error });
    }
    if (isUniqueViolation(error, 'nas_address_key')) {
      throw new AppError('BAD_ARGUMENT', `a NAS with address ${input.address} already exists`, { cause: error });
    }
    throw error;
  }
}

export async function listNas(db: Db): Promise<NasRecord[]> {
  const rows: NasRow[] = await selectNas(db).orderBy('n.name');
  return rows.map(toRecord);
}

export async function findNasById(db: Db, id: number): Promise<NasRecord | undefined> {
  const row: NasRow | undefined = await selectNas(db).where('n.id', id).first();
  return row && toRecord(row);
}

/** Removes a RADIUS client by name; false when there was none. */
export async function removeNas(db: Db, name: string): Promise<boolean> {
  return (await db('nas').where({ name }).delete()) > 0;
}

/**
 * Changes whenever a NAS is added, removed or edited (edits must set updated_at): the RADIUS server
 * polls it and reloads its client table from listNas when it changes.
 */
export async function nasChangeMarker(db: Db): Promise<string> {
  const { rows } = await db.raw(
    `select count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(max(updated_at)::text, '') as marker from nas`,
  );
  return rows[0].marker as string;
}
