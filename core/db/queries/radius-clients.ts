import type { Db } from '../index.js';
import type { OpeningHours } from '../../domain/opening-hours.js';

/** What the RADIUS server keeps in memory about each client (NAS) and the site behind it. */
export interface RadiusClientRecord {
  nasId: number;
  name: string;
  address: string;
  secretEnc: string;
  coaPort: number;
  requireMessageAuthenticator: boolean;
  site: {
    id: number;
    code: string;
    name: string;
    access: 'open' | 'closed' | 'restricted';
    accessReason: string | null;
    accessUntil: Date | null;
    openingHours: OpeningHours | null;
    planId: number | null;
  } | null;
}

export async function loadRadiusClients(db: Db): Promise<RadiusClientRecord[]> {
  const rows = await db('nas as n')
    .leftJoin('sites as s', 's.id', 'n.site_id')
    .select(
      'n.id as nas_id', 'n.name', 'n.address', 'n.secret_enc', 'n.coa_port', 'n.require_message_authenticator',
      's.id as site_id', 's.code as site_code', 's.name as site_name', 's.access', 's.access_reason',
      's.access_until', 's.opening_hours', 's.plan_id',
    );
  return rows.map((r) => ({
    nasId: r.nas_id,
    name: r.name,
    address: r.address,
    secretEnc: r.secret_enc,
    coaPort: r.coa_port,
    requireMessageAuthenticator: r.require_message_authenticator,
    site: r.site_id
      ? {
          id: r.site_id,
          code: r.site_code,
          name: r.site_name,
          access: r.access,
          accessReason: r.access_reason,
          accessUntil: r.access_until ? new Date(r.access_until) : null,
          openingHours: r.opening_hours ?? null,
          planId: r.plan_id,
        }
      : null,
  }));
}

/** Changes whenever a NAS or a site is added, removed or edited: the cue to reload the client table. */
export async function radiusClientsMarker(db: Db): Promise<string> {
  const { rows } = await db.raw(`
    select (select count(*) || ':' || coalesce(max(updated_at)::text, '') from nas) || '/' ||
           (select count(*) || ':' || coalesce(max(updated_at)::text, '') from sites) as marker`);
  return rows[0].marker as string;
}
