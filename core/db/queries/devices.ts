import type { Db } from '../index.js';

/** Records a verified device (or refreshes it) and until when it may come back by MAC login. */
export async function rememberDevice(
  db: Db,
  input: { mac: string; subscriberId?: number | null; planId?: number | null; siteId?: number | null; until: Date; now: Date },
): Promise<number> {
  const rows = await db('devices')
    .insert({
      mac: input.mac,
      subscriber_id: input.subscriberId ?? null,
      plan_id: input.planId ?? null,
      last_site_id: input.siteId ?? null,
      remembered_until: input.until,
      first_seen_at: input.now,
      last_seen_at: input.now,
    })
    .onConflict('mac')
    .merge({
      subscriber_id: db.raw('coalesce(excluded.subscriber_id, devices.subscriber_id)'),
      plan_id: db.raw('coalesce(excluded.plan_id, devices.plan_id)'),
      last_site_id: db.raw('coalesce(excluded.last_site_id, devices.last_site_id)'),
      remembered_until: input.until,
      last_seen_at: input.now,
    })
    .returning('id');
  return Number(rows[0].id);
}

export async function setDeviceBlocked(db: Db, mac: string, blocked: boolean, reason?: string): Promise<boolean> {
  const n = await db('devices').where({ mac }).update({ blocked, blocked_reason: blocked ? reason ?? null : null });
  return n > 0;
}

/**
 * The portal's record of a device it has just verified: created or refreshed, remembered at least
 * until `rememberUntil` (a later date already stored is kept; null remembers nothing new), with the
 * consent it gave (terms version and time). Returns the device id.
 */
export async function recordPortalDevice(
  db: Db,
  input: {
    mac: string;
    siteId: number | null;
    subscriberId?: number | null;
    rememberUntil: Date | null;
    consent?: { termsVersion: string; at: Date };
    now: Date;
  },
): Promise<number> {
  const rows = await db('devices')
    .insert({
      mac: input.mac,
      subscriber_id: input.subscriberId ?? null,
      last_site_id: input.siteId,
      remembered_until: input.rememberUntil,
      consent_at: input.consent?.at ?? null,
      terms_version: input.consent?.termsVersion ?? null,
      first_seen_at: input.now,
      last_seen_at: input.now,
    })
    .onConflict('mac')
    .merge({
      subscriber_id: db.raw('coalesce(excluded.subscriber_id, devices.subscriber_id)'),
      last_site_id: db.raw('coalesce(excluded.last_site_id, devices.last_site_id)'),
      remembered_until: db.raw('greatest(excluded.remembered_until, devices.remembered_until)'),
      consent_at: db.raw('coalesce(excluded.consent_at, devices.consent_at)'),
      terms_version: db.raw('coalesce(excluded.terms_version, devices.terms_version)'),
      last_seen_at: input.now,
    })
    .returning('id');
  return Number(rows[0].id);
}

export interface RememberedDevice {
  id: number;
  subscriberId: number | null;
  planId: number | null;
  rememberedUntil: Date | null;
  blocked: boolean;
}

/** A device by its MAC (normal form), or undefined. */
export async function findDeviceByMac(db: Db, mac: string): Promise<RememberedDevice | undefined> {
  const row = await db('devices').where({ mac }).first('id', 'subscriber_id', 'plan_id', 'remembered_until', 'blocked');
  if (!row) return undefined;
  return {
    id: Number(row.id),
    subscriberId: row.subscriber_id === null ? null : Number(row.subscriber_id),
    planId: row.plan_id,
    rememberedUntil: row.remembered_until ? new Date(row.remembered_until) : null,
    blocked: row.blocked,
  };
}
