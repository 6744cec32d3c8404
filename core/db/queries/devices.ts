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
