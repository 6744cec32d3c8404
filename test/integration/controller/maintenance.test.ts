import { expect } from 'chai';
import { Controller, type ControllerSettings } from '../../../controller/controller.js';
import { createControllerMetrics } from '../../../controller/metrics.js';
import { createSecretBox } from '../../../core/crypto.js';
import { fixedClock } from '../../../core/domain/clock.js';
import type { StateChange } from '../../../core/domain/site-state.js';
import { createLogger } from '../../../core/logger.js';
import { resetTables, testDb, TEST_SECRET_KEY } from '../../helpers/test-db.js';
import { fakePoller } from './fake-poller.js';

const SETTINGS: ControllerSettings = {
  intervalSeconds: 60, concurrency: 8, downAfterFailures: 2, degradedCpuPercent: 90, degradedMemoryPercent: 95, degradedAfterPolls: 3,
};
const box = createSecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));
const logger = createLogger('maintenance-test', { level: 'silent' });
// Kota Tangerang Selatan, as seeded: two kelurahan of Ciputat (36.74.04) and one of Serpong (36.74.01)
const SAWAH_LAMA = '36.74.04.1004';
const CIPUTAT_KELURAHAN = '36.74.04.1003';
const CIPUTAT = '36.74.04';
const SERPONG_KELURAHAN = '36.74.01.1001';

describe('controller: maintenance windows between polls (injected clock)', () => {
  const db = () => testDb();
  let clock: ReturnType<typeof fixedClock>;
  let log: Array<{ siteId: number; at: number; by: string }>;
  let changes: Array<StateChange & { siteId: number; code: string }>;
  let controller: Controller;
  let metrics: ReturnType<typeof createControllerMetrics>;

  beforeEach(async () => {
    await resetTables();
    await db().raw('truncate controller_leases');
    clock = fixedClock('2026-11-23T08:00:00+07:00');
    log = [];
    changes = [];
    metrics = createControllerMetrics();
  });
  afterEach(async () => {
    await controller?.stop();
  });

  async function addSite(code: string, areaCode: string): Promise<number> {
    const [{ id }] = await db()('sites')
      .insert({ code, name: code, area_code: areaCode, router_host: `${code}.test`, router_password_enc: box.encrypt('citywifi'), commissioned_on: '2026-01-05' })
      .returning('id');
    return id;
  }
  function start(): void {
    controller = new Controller({
      id: 'm1', db: db(), box, clock, logger, settings: SETTINGS, timezone: 'Asia/Jakarta', metrics,
      poller: fakePoller(clock, () => 'ok', log, 'm1'), onChange: (c) => changes.push(c),
    });
  }
  /** Ticks every 5 s until `at` (inclusive), as the loop would wake. */
  async function runUntil(at: number): Promise<void> {
    while (clock().getTime() < at) {
      await controller.tick();
      clock.advance(Math.min(5, (at - clock().getTime()) / 1000));
    }
    await controller.tick();
  }
  /** Ticks every 5 s until the site's first poll; the clock stays at it. */
  async function untilFirstPoll(siteId: number): Promise<number> {
    for (let i = 0; i < 20; i++) {
      await controller.tick();
      const polls = pollsOf(siteId);
      if (polls.length) return polls[0];
      clock.advance(5);
    }
    throw new Error('never polled');
  }
  const pollsOf = (siteId: number) => log.filter((p) => p.siteId === siteId).map((p) => p.at);
  const statusOf = (siteId: number) => db()('site_status').where({ site_id: siteId }).first();

  it('goes into maintenance at the start of a window that opens between two polls, and out of it at its end', async () => {
    const id = await addSite('PARK-1', SAWAH_LAMA);
    start();
    const firstPoll = await untilFirstPoll(id);
    expect((await statusOf(id)).state).to.equal('up');

    // a window from 20 s after the poll to 100 s after it: the next poll (at +60 s) falls inside it
    const opens = new Date(firstPoll + 20_000);
    const closes = new Date(firstPoll + 100_000);
    await db()('maintenance_windows').insert({ site_id: id, starts_at: opens, ends_at: closes, reason: 'replacing the access point' });
    await runUntil(opens.getTime() + 2_000);
    expect(pollsOf(id), 'no poll between').to.deep.equal([firstPoll]);
    const inWindow = await statusOf(id);
    expect(inWindow.state).to.equal('maintenance');
    expect(new Date(inWindow.since).toISOString()).to.equal(opens.toISOString());

    await runUntil(closes.getTime() + 2_000);
    const after = await statusOf(id);
    expect(after.state).to.equal('unknown');
    expect(new Date(after.since).toISOString()).to.equal(closes.toISOString());

    expect(pollsOf(id), 'one poll inside the window').to.have.length(2);
    await runUntil(firstPoll + 125_000); // the next poll settles it
    expect(pollsOf(id)).to.have.length(3);
    expect((await statusOf(id)).state).to.equal('up');
    const stored = await db()('site_state_changes').where({ site_id: id }).orderBy('id').select('at', 'from_state', 'to_state', 'reason');
    expect(stored.map((c: { at: Date; from_state: string; to_state: string; reason: string }) => [new Date(c.at).getTime() - firstPoll, c.from_state, c.to_state, c.reason])).to.deep.equal([
      [0, 'unknown', 'up', 'first answer'],
      [20_000, 'up', 'maintenance', 'maintenance: replacing the access point'],
      [100_000, 'maintenance', 'unknown', 'maintenance over'],
      [pollsOf(id)[2] - firstPoll, 'unknown', 'up', 'first answer'],
    ]);
    expect(changes.filter((c) => c.alert)).to.deep.equal([]);
  });

  it('dates the change at the window start even when the controller comes to it later', async () => {
    const id = await addSite('PARK-2', SAWAH_LAMA);
    start();
    await runUntil(clock().getTime() + 60_000);
    const opens = new Date(clock().getTime() + 7_000);
    await db()('maintenance_windows').insert({ site_id: id, starts_at: opens, ends_at: new Date(opens.getTime() + 3_600_000), reason: 'fibre cut repair' });
    // one tick 16 s later (a busy controller); the lease upkeep due by then (every 15 s) finds the window
    clock.advance(16);
    await controller.tick();
    const row = await statusOf(id);
    expect(row.state).to.equal('maintenance');
    expect(new Date(row.since).toISOString()).to.equal(opens.toISOString());
  });

  it('applies a window on a kecamatan to every site of its kelurahan at once, in one write, and to no other site', async () => {
    const a = await addSite('CPT-A', SAWAH_LAMA);
    const b = await addSite('CPT-B', CIPUTAT_KELURAHAN);
    const other = await addSite('SRP-A', SERPONG_KELURAHAN);
    start();
    await runUntil(clock().getTime() + 60_000);
    const opens = new Date(clock().getTime() + 30_000);
    await db()('maintenance_windows').insert({ area_code: CIPUTAT, starts_at: opens, ends_at: new Date(opens.getTime() + 600_000), reason: 'PLN works in Ciputat' });
    const writesBefore = (await metrics.writeDuration.get()).values.find((v) => v.metricName?.endsWith('_count') && v.labels.kind === 'maintenance')?.value ?? 0;
    await runUntil(opens.getTime());
    expect((await statusOf(a)).state).to.equal('maintenance');
    expect((await statusOf(b)).state).to.equal('maintenance');
    expect((await statusOf(other)).state).to.equal('up');
    const changed = changes.filter((c) => c.to === 'maintenance');
    expect(changed.map((c) => [c.code, c.at.toISOString(), c.reason])).to.deep.equal([
      ['CPT-A', opens.toISOString(), 'maintenance: PLN works in Ciputat'],
      ['CPT-B', opens.toISOString(), 'maintenance: PLN works in Ciputat'],
    ]);
    const writesAfter = (await metrics.writeDuration.get()).values.find((v) => v.metricName?.endsWith('_count') && v.labels.kind === 'maintenance')?.value ?? 0;
    expect(writesAfter - writesBefore).to.equal(1);
  });

  it('puts a site of a kelurahan under a kelurahan window too', async () => {
    const id = await addSite('SRP-B', SERPONG_KELURAHAN);
    start();
    await runUntil(clock().getTime() + 60_000);
    const opens = new Date(clock().getTime() + 10_000);
    await db()('maintenance_windows').insert({ area_code: SERPONG_KELURAHAN, starts_at: opens, ends_at: new Date(opens.getTime() + 600_000), reason: 'tower audit' });
    await runUntil(opens.getTime() + 5_000);
    const row = await statusOf(id);
    expect(row.state).to.equal('maintenance');
    expect(new Date(row.since).toISOString()).to.equal(opens.toISOString());
  });
});
