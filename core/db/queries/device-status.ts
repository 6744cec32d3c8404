import type { Db } from '../index.js';

/** What the status page shows for a device: today's use and what its plan leaves. */
export interface DeviceUsageToday {
  known: boolean;
  online: boolean;
  planName: string | null;
  timeUsedSeconds: number;
  /** null = no daily time limit */
  timeLeftSeconds: number | null;
  bytesUsed: number;
  /** null = no daily data limit */
  bytesLeft: number | null;
}

interface LatestSession {
  voucher_id: number | null;
  subscriber_id: number | null;
  plan_id: number | null;
}

/**
 * Today's use for the device with this MAC, counted as RADIUS counts it (radius_authorize): by the
 * voucher, the citizen (subscriber) or the device behind its latest session, since the start of the
 * local day. `liveAfter`: a session updated since then and not stopped counts as online.
 */
export async function findDeviceUsageToday(
  db: Db,
  input: { mac: string; dayStart: Date; liveAfter: Date; sitePlanId: number | null },
): Promise<DeviceUsageToday> {
  const none: DeviceUsageToday = { known: false, online: false, planName: null, timeUsedSeconds: 0, timeLeftSeconds: null, bytesUsed: 0, bytesLeft: null };
  const device = await db('devices').where({ mac: input.mac }).first('id', 'subscriber_id', 'plan_id');
  if (!device) return none;
  const since = new Date(input.dayStart.getTime() - 2 * 86400_000);
  const latest: LatestSession | undefined = await db('sessions')
    .where({ device_id: device.id })
    .andWhere('started_at', '>=', since)
    .orderBy('started_at', 'desc')
    .first('voucher_id', 'subscriber_id', 'plan_id');

  const [column, key] = latest?.voucher_id
    ? ['voucher_id', latest.voucher_id]
    : (latest?.subscriber_id ?? device.subscriber_id)
      ? ['subscriber_id', latest?.subscriber_id ?? device.subscriber_id]
      : ['device_id', device.id];
  const { rows } = await db.raw(
    `select coalesce(sum(session_time) filter (where started_at >= ?), 0) as time_today,
            coalesce(sum(input_octets + output_octets) filter (where started_at >= ?), 0) as bytes_today,
            count(*) filter (where stopped_at is null and updated_at >= ? and mac = ?) as live
       from sessions where ${column} = ? and started_at >= ?`,
    [input.dayStart, input.dayStart, input.liveAfter, input.mac, key, since],
  );
  const usage = rows[0] as { time_today: number; bytes_today: number; live: number };

  const planId = latest?.plan_id ?? device.plan_id ?? input.sitePlanId;
  const plan = planId
    ? await db('plans').where({ id: planId }).first('name', 'daily_time', 'daily_bytes')
    : await db('plans').where({ name: 'default' }).first('name', 'daily_time', 'daily_bytes');
  const timeUsed = Number(usage.time_today);
  const bytesUsed = Number(usage.bytes_today);
  return {
    known: true,
    online: Number(usage.live) > 0,
    planName: plan?.name ?? null,
    timeUsedSeconds: timeUsed,
    timeLeftSeconds: plan?.daily_time ? Math.max(0, plan.daily_time - timeUsed) : null,
    bytesUsed,
    bytesLeft: plan?.daily_bytes ? Math.max(0, Number(plan.daily_bytes) - bytesUsed) : null,
  };
}
