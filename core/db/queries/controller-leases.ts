import type { Db } from '../index.js';

/**
 * Controllers sharing the fleet (issue 4 §5). controller_leases holds each controller's heartbeat;
 * the lease of each site is site_status.lease_owner / lease_until. Times are the controller's clock
 * (passed in), so tests can move them; controllers on different hosts must keep their clocks in sync
 * (NTP) to within a small part of an interval.
 */

/** Sites a controller may poll: commissioned, not decommissioned, with a router to talk to or posting heartbeats. */
export const POLLABLE_SITE = `(s.router_host is not null or s.monitoring = 'heartbeat') and s.commissioned_on is not null and s.commissioned_on <= cast(:today as date)
  and (s.decommissioned_on is null or s.decommissioned_on > cast(:today as date))`;

export async function writeHeartbeat(db: Db, controllerId: string, at: Date): Promise<void> {
  await db.raw(
    `insert into controller_leases (controller_id, heartbeat_at, started_at) values (:id, :at, :at)
     on conflict (controller_id) do update set heartbeat_at = excluded.heartbeat_at`,
    { id: controllerId, at },
  );
}

/** Controllers with a heartbeat after `since` (this one included once it has written its own). */
export async function countLiveControllers(db: Db, since: Date): Promise<number> {
  const row = await db('controller_leases').where('heartbeat_at', '>', since).count<{ count: number }[]>({ count: '*' }).first();
  return Number(row?.count ?? 0);
}

export async function countPollableSites(db: Db, today: string): Promise<number> {
  const result = await db.raw(`select count(*) as count from sites s where ${POLLABLE_SITE}`, { today });
  return Number(result.rows[0].count);
}

/** Gives every pollable site a status row (state unknown) so it can be leased. */
export async function ensureStatusRows(db: Db, today: string, at: Date): Promise<number> {
  const result = await db.raw(
    `insert into site_status (site_id, state, since)
     select s.id, 'unknown', :at from sites s where ${POLLABLE_SITE}
     on conflict (site_id) do nothing
     returning site_id`,
    { today, at },
  );
  return result.rows.length;
}

/**
 * Renews this controller's unexpired leases on sites still pollable, and lets go of the others it
 * holds (decommissioned, expired). Returns the sites it still owns.
 */
export async function renewLeases(db: Db, controllerId: string, now: Date, until: Date, today: string): Promise<number[]> {
  await db.raw(
    `update site_status ss set lease_owner = null, lease_until = null
     where ss.lease_owner = :id and (ss.lease_until <= :now
       or not exists (select 1 from sites s where s.id = ss.site_id and ${POLLABLE_SITE}))`,
    { id: controllerId, now, today },
  );
  const result = await db.raw(
    `update site_status set lease_until = :until where lease_owner = :id and lease_until > :now returning site_id`,
    { id: controllerId, now, until },
  );
  return (result.rows as Array<{ site_id: number }>).map((r) => r.site_id).sort((a, b) => a - b);
}

/**
 * Claims up to `limit` pollable sites whose lease is free or lapsed. Rows another controller is
 * claiming at the same moment are skipped (skip locked), so no site gets two owners.
 */
export async function claimSites(db: Db, controllerId: string, now: Date, until: Date, today: string, limit: number): Promise<number[]> {
  if (limit <= 0) return [];
  const result = await db.raw(
    `with free as (
       select ss.site_id from site_status ss join sites s on s.id = ss.site_id
       where ${POLLABLE_SITE} and (ss.lease_owner is null or ss.lease_until is null or ss.lease_until <= :now)
       order by ss.site_id
       limit :limit
       for update of ss skip locked
     )
     update site_status ss set lease_owner = :id, lease_until = :until
     from free where ss.site_id = free.site_id
       and (ss.lease_owner is null or ss.lease_until is null or ss.lease_until <= :now)
     returning ss.site_id`,
    { id: controllerId, now, until, today, limit },
  );
  return (result.rows as Array<{ site_id: number }>).map((r) => r.site_id).sort((a, b) => a - b);
}

/** Lets go of some (or all) of this controller's sites, for others to claim at once. */
export async function releaseLeases(db: Db, controllerId: string, siteIds?: number[]): Promise<number> {
  const query = db('site_status').where({ lease_owner: controllerId });
  if (siteIds) query.whereIn('site_id', siteIds);
  return query.update({ lease_owner: null, lease_until: null });
}

export async function removeController(db: Db, controllerId: string): Promise<void> {
  await db('controller_leases').where({ controller_id: controllerId }).delete();
}
