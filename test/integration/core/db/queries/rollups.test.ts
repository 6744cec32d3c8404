import { expect } from 'chai';
import type { Db } from '../../../../../core/db/index.js';
import { rollUpDay, rollUpHours, type RollupHorizons } from '../../../../../core/db/queries/rollups.js';
import { resetTables, testDb } from '../../../../helpers/test-db.js';

const TZ = 'Asia/Jakarta';
const FAR_PAST = new Date('2000-01-01T00:00:00Z');
const ALL: RollupHorizons = { states: FAR_PAST, samples: FAR_PAST, sessions: FAR_PAST, hourly: FAR_PAST };
const opts = { timezone: TZ, horizons: ALL };

/** 10:00 WIB on 20 November 2026 */
const H = Date.parse('2026-11-20T03:00:00Z');
const MIN = 60_000;
const HOUR = 3_600_000;
const at = (ms: number) => new Date(ms);

let nasId: number;
let sessionSeq = 0;

async function addSite(db: Db, code: string, extra: Record<string, unknown> = {}): Promise<number> {
  const [row] = await db('sites').insert({ code, name: code, router_host: '10.0.0.1', ...extra }).returning('id');
  return row.id;
}

/** A site monitored from `from` with its state changes [at, to] in order; site_status ends in the last state. */
async function monitor(db: Db, siteId: number, changes: Array<[number, string]>): Promise<void> {
  let from = 'unknown';
  for (const [t, to] of changes) {
    await db('site_state_changes').insert({ site_id: siteId, at: at(t), from_state: from, to_state: to, reason: 'test' });
    from = to;
  }
  const last = changes[changes.length - 1];
  await db('site_status').insert({ site_id: siteId, state: last[1], since: at(last[0]) });
}

async function addSession(
  db: Db,
  siteId: number,
  start: number,
  seconds: number,
  who: { subscriber?: number; device?: number; mac?: string } = {},
  octets: [number, number] = [0, 0],
): Promise<void> {
  await db('sessions').insert({
    nas_id: nasId,
    site_id: siteId,
    acct_session_id: `s${++sessionSeq}`,
    username: `cw-${sessionSeq}`,
    subscriber_id: who.subscriber ?? null,
    device_id: who.device ?? null,
    mac: who.mac ?? null,
    started_at: at(start),
    updated_at: at(start + seconds * 1000),
    stopped_at: at(start + seconds * 1000),
    session_time: seconds,
    input_octets: octets[0],
    output_octets: octets[1],
  });
}

async function hourRow(db: Db, siteId: number, hour: number) {
  return db('rollups_hourly').where({ site_id: siteId, hour: at(hour) }).first();
}

function stateSeconds(row: Record<string, number>) {
  return {
    up: row.up_seconds,
    down: row.down_seconds,
    degraded: row.degraded_seconds,
    maintenance: row.maintenance_seconds,
    unknown: row.unknown_seconds,
  };
}

describe('rollups', () => {
  beforeEach(async () => {
    await resetTables();
    const [nas] = await testDb()('nas').insert({ name: 'r1', address: '10.9.0.1', secret_enc: 'x' }).returning('id');
    nasId = nas.id;
  });

  describe('seconds in each state', () => {
    it('count a site up 40 minutes then down 20 minutes as 2400 s up and 1200 s down', async () => {
      const db = testDb();
      const site = await addSite(db, 'A');
      await monitor(db, site, [[H - HOUR, 'up'], [H + 40 * MIN, 'down']]);
      await rollUpHours(db, { from: at(H), to: at(H + HOUR) }, opts);
      expect(stateSeconds(await hourRow(db, site, H))).to.deep.equal({ up: 2400, down: 1200, degraded: 0, maintenance: 0, unknown: 0 });
    });

    it('count maintenance (a window on the kecamatan, or the maintenance state) as maintenance only, never as up or down', async () => {
      const db = testDb();
      // Sawah Lama, in kecamatan Ciputat (36.74.04): the window is declared on the kecamatan
      const site = await addSite(db, 'B', { area_code: '36.74.04.1004' });
      await monitor(db, site, [
        [H - HOUR, 'up'],
        [H + 20 * MIN, 'down'],
        [H + 45 * MIN, 'maintenance'],
        [H + 50 * MIN, 'unknown'],
      ]);
      await db('maintenance_windows').insert({ area_code: '36.74.04', starts_at: at(H + 10 * MIN), ends_at: at(H + 30 * MIN), reason: 'PLN works' });
      await rollUpHours(db, { from: at(H), to: at(H + HOUR) }, opts);
      const row = await hourRow(db, site, H);
      // up 0–10, window 10–30 (up then down), down 30–45, maintenance state 45–50, unknown 50–60
      expect(stateSeconds(row)).to.deep.equal({ up: 600, down: 900, degraded: 0, maintenance: 1500, unknown: 600 });
      // a site outside the window's kecamatan is not in maintenance
      const other = await addSite(db, 'C', { area_code: '36.74.01.1001' });
      await monitor(db, other, [[H - HOUR, 'up']]);
      await rollUpHours(db, { from: at(H), to: at(H + HOUR) }, opts);
      expect((await hourRow(db, other, H)).up_seconds).to.equal(3600);
    });

    it('split an outage across the hours it covers, the same whether rolled hour by hour or at once', async () => {
      const db = testDb();
      const site = await addSite(db, 'D');
      await monitor(db, site, [[H - HOUR, 'up'], [H + 50 * MIN, 'down'], [H + 2 * HOUR + 10 * MIN, 'up']]);
      await rollUpHours(db, { from: at(H), to: at(H + 3 * HOUR) }, opts);
      const together = await db('rollups_hourly').where({ site_id: site }).orderBy('hour');
      expect(together.map((r) => [r.up_seconds, r.down_seconds])).to.deep.equal([[3000, 600], [0, 3600], [3000, 600]]);
      await db('rollups_hourly').del();
      for (let h = H; h < H + 3 * HOUR; h += HOUR) await rollUpHours(db, { from: at(h), to: at(h + HOUR) }, opts);
      expect(await db('rollups_hourly').where({ site_id: site }).orderBy('hour')).to.deep.equal(together);
    });

    it('take the state of a site that never changed from its status, and give no row before monitoring began', async () => {
      const db = testDb();
      const site = await addSite(db, 'E');
      await db('site_status').insert({ site_id: site, state: 'degraded', since: at(H + 15 * MIN) });
      await rollUpHours(db, { from: at(H - HOUR), to: at(H + 2 * HOUR) }, opts);
      const rows = await db('rollups_hourly').where({ site_id: site }).orderBy('hour');
      expect(rows.map((r) => r.hour.getTime())).to.deep.equal([H, H + HOUR]);
      expect(stateSeconds(rows[0])).to.deep.equal({ up: 0, down: 0, degraded: 2700, maintenance: 0, unknown: 900 });
      expect(rows[1].degraded_seconds).to.equal(3600);
    });
  });

  describe('samples', () => {
    it('give peak and mean active users, and router bytes as rate × seconds since the previous sample', async () => {
      const db = testDb();
      const site = await addSite(db, 'F');
      await monitor(db, site, [[H - HOUR, 'up']]);
      const sample = (t: number, users: number, rate: number | null) => ({ site_id: site, at: at(t), active_users: users, rx_rate: rate, tx_rate: rate === null ? null : rate * 2 });
      await db('samples').insert([
        sample(H - MIN, 9, 1_000_000), // the previous hour's: only its time matters here
        sample(H, 2, 100), // 60 s × 100 B/s
        sample(H + 30 * MIN, 5, 10), // 1800 s × 10 B/s
        sample(H + 59 * MIN, 3, null), // after a reboot: no rate, adds nothing
        sample(H + HOUR, 7, 100), // the next hour's
      ]);
      await rollUpHours(db, { from: at(H), to: at(H + HOUR) }, opts);
      const row = await hourRow(db, site, H);
      expect(row.sample_count).to.equal(3);
      expect(row.max_active_users).to.equal(5);
      expect(row.avg_active_users).to.equal(3.33);
      expect(row.router_rx_bytes).to.equal(6000 + 18000);
      expect(row.router_tx_bytes).to.equal(2 * (6000 + 18000));
    });
  });

  describe('sessions', () => {
    it('spread a session over the hours it overlaps and count it as started in its first', async () => {
      const db = testDb();
      const site = await addSite(db, 'G');
      await addSession(db, site, H + 30 * MIN, 3600, { device: 1 }, [7200, 72_000]);
      await rollUpHours(db, { from: at(H), to: at(H + 2 * HOUR) }, opts);
      const [first, second] = [await hourRow(db, site, H), await hourRow(db, site, H + HOUR)];
      expect([first.sessions, first.users, first.session_time, first.input_octets, first.output_octets]).to.deep.equal([1, 1, 1800, 3600, 36_000]);
      expect([second.sessions, second.users, second.session_time, second.input_octets, second.output_octets]).to.deep.equal([0, 1, 1800, 3600, 36_000]);
    });

    it('add up, over the hours, to exactly the counts and octets of the sessions themselves', async () => {
      const db = testDb();
      const sites = [await addSite(db, 'S1'), await addSite(db, 'S2')];
      // 60 sessions of awkward lengths and sizes, at two sites, some crossing one or several hours
      for (let i = 0; i < 60; i++) {
        const start = H + ((i * 7919) % (5 * 3600)) * 1000 + 137;
        const seconds = (i * 104_729) % 9000;
        await addSession(db, sites[i % 2], start, seconds, { device: i % 9 }, [(i * 1_000_003) % 987_654_321, (i * 3_000_017) % 2_147_483_647 * 5]);
      }
      await rollUpHours(db, { from: at(H - HOUR), to: at(H + 9 * HOUR) }, opts);
      const direct = await db('sessions').select(
        db.raw('count(*) as sessions'),
        db.raw('sum(session_time) as session_time'),
        db.raw('sum(input_octets) as input_octets'),
        db.raw('sum(output_octets) as output_octets'),
      );
      const rolled = await db('rollups_hourly').select(
        db.raw('sum(sessions) as sessions'),
        db.raw('sum(session_time) as session_time'),
        db.raw('sum(input_octets) as input_octets'),
        db.raw('sum(output_octets) as output_octets'),
      );
      expect(rolled[0]).to.deep.equal(direct[0]);
      // and per site and hour, the sessions started in it
      const started = await db.raw(
        `select site_id, date_trunc('hour', started_at) as hour, count(*)::int as n from sessions group by 1, 2 order by 1, 2`,
      );
      for (const r of started.rows) expect((await hourRow(db, r.site_id, r.hour.getTime())).sessions).to.equal(r.n);
    });
  });

  describe('days', () => {
    it('put each session in its Asia/Jakarta day and count the people of a day once', async () => {
      const db = testDb();
      const site = await addSite(db, 'J');
      const midnight = Date.parse('2026-11-20T17:00:00Z'); // 00:00 WIB on 21 November
      await monitor(db, site, [[midnight - 48 * HOUR, 'up']]);
      await addSession(db, site, midnight - 30 * MIN, 600, { subscriber: 7 }, [100, 1000]); // 23:30 WIB on the 20th
      await addSession(db, site, midnight + 30 * MIN, 600, { subscriber: 7 }, [200, 2000]); // 00:30 WIB on the 21st
      await addSession(db, site, midnight + 90 * MIN, 600, { subscriber: 7 }, [300, 3000]); // 01:30 WIB, the same person
      await rollUpHours(db, { from: at(midnight - 24 * HOUR), to: at(midnight + 24 * HOUR) }, opts);
      await rollUpDay(db, '2026-11-20', opts);
      await rollUpDay(db, '2026-11-21', opts);
      const days = await db('rollups_daily').where({ site_id: site }).orderBy('day').select(db.raw(`to_char(day, 'YYYY-MM-DD') as day`), 'sessions', 'users', 'input_octets', 'up_seconds');
      expect(days).to.deep.equal([
        { day: '2026-11-20', sessions: 1, users: 1, input_octets: 100, up_seconds: 86_400 },
        { day: '2026-11-21', sessions: 2, users: 1, input_octets: 500, up_seconds: 86_400 },
      ]);
      // the hours of the 21st count that person once each: a day's users are not a sum of hours
      const hours = await db('rollups_hourly').where({ site_id: site }).where('hour', '>=', at(midnight)).sum('users as users').first();
      expect(Number(hours?.users)).to.equal(2);
    });
  });

  it('write the same rows when run twice, and keep what a purged source gave', async () => {
    const db = testDb();
    const site = await addSite(db, 'K', { area_code: '36.74.04.1004' });
    await monitor(db, site, [[H - HOUR, 'up'], [H + 20 * MIN, 'down'], [H + 3 * HOUR, 'up']]);
    await db('maintenance_windows').insert({ site_id: site, starts_at: at(H + 2 * HOUR), ends_at: at(H + 4 * HOUR), reason: 'tower' });
    await db('samples').insert([
      { site_id: site, at: at(H + 5 * MIN), active_users: 4, rx_rate: 10 },
      { site_id: site, at: at(H + 6 * MIN), active_users: 6, rx_rate: 10 },
    ]);
    await addSession(db, site, H + 5 * MIN, 7000, { mac: 'aa:bb:cc:00:00:01' }, [123_456, 654_321]);
    const rollAll = async (horizons: RollupHorizons) => {
      await rollUpHours(db, { from: at(H), to: at(H + 6 * HOUR) }, { timezone: TZ, horizons });
      await rollUpDay(db, '2026-11-20', { timezone: TZ, horizons });
    };
    const snapshot = async () => ({
      hourly: await db('rollups_hourly').orderBy(['site_id', 'hour']),
      daily: await db('rollups_daily').orderBy(['site_id', 'day']),
    });
    await rollAll(ALL);
    const once = await snapshot();
    await rollAll(ALL);
    expect(await snapshot()).to.deep.equal(once);
    expect(once.hourly).to.have.length(6);

    // the samples expire: rolling the hour again, past the samples' horizon, keeps their figures
    await db('samples').del();
    await rollAll({ ...ALL, samples: at(H + 24 * HOUR) });
    expect(await snapshot()).to.deep.equal(once);
    // before the horizon they are worked out again (and are gone)
    await rollAll(ALL);
    expect((await hourRow(db, site, H)).max_active_users).to.equal(0);
  });
});
