import type { Db } from '../index.js';

/**
 * Sites watched by heartbeat (routers behind NAT post their state; no controller connects to them).
 * The token is kept only as a keyed hash (SecretBox.keyedHash); the latest heartbeat lands in
 * site_status whichever controller received it, and the controller leasing the site reads it at
 * the site's slot (findOwnedSites).
 */

export interface HeartbeatSite {
  siteId: number;
  code: string;
}

/** Switches a site to heartbeat monitoring with a new token hash (the old token stops working). Null if no such site. */
export async function enableHeartbeat(db: Db, code: string, tokenHash: string): Promise<{ siteId: number; code: string; commissioned: boolean } | null> {
  const [row] = await db('sites')
    .where({ code })
    .update({ monitoring: 'heartbeat', heartbeat_token_hash: tokenHash, updated_at: db.fn.now() })
    .returning(['id', 'code', 'commissioned_on']);
  return row ? { siteId: row.id, code: row.code, commissioned: row.commissioned_on !== null } : null;
}

/** Back to polling the router's API; the token is forgotten. Null if no such site. */
export async function disableHeartbeat(db: Db, code: string): Promise<{ siteId: number; code: string; hasRouter: boolean } | null> {
  const [row] = await db('sites')
    .where({ code })
    .update({ monitoring: 'api', heartbeat_token_hash: null, updated_at: db.fn.now() })
    .returning(['id', 'code', 'router_host']);
  return row ? { siteId: row.id, code: row.code, hasRouter: row.router_host !== null } : null;
}

/** The heartbeat site whose token has this hash, or undefined. */
export async function findHeartbeatSite(db: Db, tokenHash: string): Promise<HeartbeatSite | undefined> {
  const row = await db('sites').where({ heartbeat_token_hash: tokenHash, monitoring: 'heartbeat' }).first('id', 'code');
  return row ? { siteId: row.id, code: row.code } : undefined;
}

/**
 * Keeps a site's latest heartbeat (validated values, the sender's address, when it arrived), in one
 * statement; the site's state is left to the controller that leases it.
 */
export async function storeHeartbeat(db: Db, siteId: number, at: Date, values: object, from: string | null): Promise<void> {
  await db.raw(
    `insert into site_status (site_id, state, since, last_heartbeat_at, last_heartbeat, last_heartbeat_from)
     values (:siteId, 'unknown', :at, :at, cast(:values as jsonb), :from)
     on conflict (site_id) do update set
       last_heartbeat_at = excluded.last_heartbeat_at, last_heartbeat = excluded.last_heartbeat, last_heartbeat_from = excluded.last_heartbeat_from
     where site_status.last_heartbeat_at is null or site_status.last_heartbeat_at <= excluded.last_heartbeat_at`,
    { siteId, at, values: JSON.stringify(values), from },
  );
}
