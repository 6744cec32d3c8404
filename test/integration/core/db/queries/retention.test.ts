import { expect } from 'chai';
import type { Db } from '../../../../../core/db/index.js';
import { purgeExpired, type PurgeCount } from '../../../../../core/db/queries/retention.js';
import { resetTables, testDb } from '../../../../helpers/test-db.js';

const NOW = new Date('2026-11-23T05:00:00Z');
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);

/** An old partition of sessions, as a city that has run citywifi for years has (the migrations make only recent months). */
const OLD_PARTITION = 'sessions_202401';

async function seed(db: Db): Promise<number> {
  const [site] = await db('sites').insert({ code: 'R1', name: 'R1' }).returning('id');
  await db.raw(`create table if not exists ${OLD_PARTITION} partition of sessions for values from ('2024-01-01') to ('2024-02-01')`);
  const session = (id: string, startedAt: Date) => ({
    nas_id: 1, site_id: site.id, acct_session_id: id, username: id, started_at: startedAt, updated_at: startedAt, stopped_at: startedAt,
  });
  await db('sessions').insert([
    session('jan-2024-a', new Date('2024-01-10T00:00:00Z')),
    session('jan-2024-b', new Date('2024-01-20T00:00:00Z')),
    session('last-year', daysAgo(400)), // in the default partition, among rows that stay
    session('fresh', daysAgo(10)),
  ]);
  await db('post_auth_log').insert([
    ...[100, 95, 91].map((d) => ({ at: daysAgo(d), username: 'old', result: 'reject' })),
    { at: daysAgo(5), username: 'fresh', result: 'accept' },
  ]);
  await db('samples').insert([
    ...[15, 16, 17, 18, 19].map((d) => ({ site_id: site.id, at: daysAgo(d), active_users: 1 })),
    { site_id: site.id, at: daysAgo(13), active_users: 2 },
  ]);
  await db('rollups_hourly').insert([
    { site_id: site.id, hour: daysAgo(401) },
    { site_id: site.id, hour: daysAgo(399) },
  ]);
  await db('rollups_daily').insert({ site_id: site.id, day: '2020-01-01', up_seconds: 86_400 });
  await db('devices').insert([
    { mac: 'AA:00:00:00:00:01', last_seen_at: daysAgo(200) },
    { mac: 'AA:00:00:00:00:02', last_seen_at: daysAgo(200), blocked: true, blocked_reason: 'abuse' },
    { mac: 'AA:00:00:00:00:03', last_seen_at: daysAgo(200), remembered_until: new Date(NOW.getTime() + DAY) },
    { mac: 'AA:00:00:00:00:04', last_seen_at: daysAgo(3) },
  ]);
  await db('site_state_changes').insert([
    { site_id: site.id, at: daysAgo(1200), from_state: 'unknown', to_state: 'up' },
    { site_id: site.id, at: daysAgo(2), from_state: 'up', to_state: 'down' },
  ]);
  return site.id;
}

function byClass(counts: PurgeCount[]): Record<string, number> {
  return Object.fromEntries(counts.map((c) => [c.dataClass, c.rows]));
}

async function partitionExists(db: Db): Promise<boolean> {
  return (await db.raw(`select to_regclass(?) as t`, [OLD_PARTITION])).rows[0].t !== null;
}

describe('retention: purgeExpired', () => {
  beforeEach(async () => {
    await resetTables();
    await testDb().raw(`drop table if exists ${OLD_PARTITION}`);
  });
  after(async () => {
    await testDb().raw(`drop table if exists ${OLD_PARTITION}`);
  });

  it('counts in a dry run what has expired, per class, and deletes nothing', async () => {
    const db = testDb();
    await seed(db);
    const counts = await purgeExpired(db, NOW, { dryRun: true });
    const rows = byClass(counts);
    expect(rows).to.include({ sessions: 3, post_auth_log: 3, samples: 5, rollups_hourly: 1, devices: 1, site_state_changes: 1, otp_codes: 0 });
    expect(counts.find((c) => c.dataClass === 'sessions')?.partitionsDropped).to.equal(1);
    expect(await db('sessions').count('* as n').first()).to.deep.equal({ n: 4 });
    expect(await db('samples').count('* as n').first()).to.deep.equal({ n: 6 });
    expect(await partitionExists(db)).to.equal(true);
  });

  it('deletes expired rows in small batches, keeps the fresh ones and the daily rollups, and reports each class', async () => {
    const db = testDb();
    const site = await seed(db);
    const counts = await purgeExpired(db, NOW, { batchSize: 2 });
    expect(byClass(counts)).to.include({ sessions: 3, post_auth_log: 3, samples: 5, rollups_hourly: 1, devices: 1, site_state_changes: 1 });
    const samples = counts.find((c) => c.dataClass === 'samples');
    expect(samples?.keepDays).to.equal(14);
    expect(samples?.cutoff.toISOString()).to.equal(daysAgo(14).toISOString());
    // the month of sessions that expired whole is gone as a table, the rest row by row
    expect(counts.find((c) => c.dataClass === 'sessions')?.partitionsDropped).to.equal(1);
    expect(await partitionExists(db)).to.equal(false);
    expect((await db('sessions').select('acct_session_id')).map((r) => r.acct_session_id)).to.deep.equal(['fresh']);
    expect((await db('post_auth_log').select('username')).map((r) => r.username)).to.deep.equal(['fresh']);
    expect(await db('samples').count('* as n').first()).to.deep.equal({ n: 1 });
    expect(await db('rollups_hourly').count('* as n').first()).to.deep.equal({ n: 1 });
    // blocked and still-remembered devices stay
    expect((await db('devices').orderBy('mac').select('mac')).map((r) => r.mac)).to.deep.equal(['AA:00:00:00:00:02', 'AA:00:00:00:00:03', 'AA:00:00:00:00:04']);
    expect(await db('site_state_changes').count('* as n').first()).to.deep.equal({ n: 1 });
    // the daily rollups are kept for good
    expect(await db('rollups_daily').where({ site_id: site }).select('up_seconds')).to.deep.equal([{ up_seconds: 86_400 }]);

    // a second purge finds nothing more
    const again = await purgeExpired(db, NOW);
    expect(again.every((c) => c.rows === 0)).to.equal(true);
  });

  it('follows the keep time an operator sets in retention_settings, and reports a class it has no rule for', async () => {
    const db = testDb();
    await seed(db);
    await db('retention_settings').where({ data_class: 'post_auth_log' }).update({ keep_days: 96 });
    await db('retention_settings').insert({ data_class: 'mystery', keep_days: 5, description: 'added by hand' });
    try {
      const counts = await purgeExpired(db, NOW);
      expect(byClass(counts).post_auth_log).to.equal(1);
      expect(counts.find((c) => c.dataClass === 'mystery')?.skipped).to.equal('no purge rule for this class');
    } finally {
      await db('retention_settings').where({ data_class: 'post_auth_log' }).update({ keep_days: 90 });
      await db('retention_settings').where({ data_class: 'mystery' }).del();
    }
  });
});
