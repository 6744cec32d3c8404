import { expect } from 'chai';
import { Controller, type ControllerSettings, type Started } from '../../../controller/controller.js';
import type { PollResult, RouterPoller } from '../../../controller/poll-site.js';
import { nextSlot } from '../../../controller/state-leases.js';
import { createSecretBox } from '../../../core/crypto.js';
import { fixedClock } from '../../../core/domain/clock.js';
import type { StateChange } from '../../../core/domain/site-state.js';
import { createLogger } from '../../../core/logger.js';
import { resetTables, testDb, TEST_SECRET_KEY } from '../../helpers/test-db.js';
import { fakePoller, type FakeBehaviour } from './fake-poller.js';

const SETTINGS: ControllerSettings = {
  intervalSeconds: 60, concurrency: 8, downAfterFailures: 2, degradedCpuPercent: 90, degradedMemoryPercent: 95, degradedAfterPolls: 3,
};
const box = createSecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));
const logger = createLogger('controller-test', { level: 'silent' });

async function addSites(hosts: string[], extra: Record<string, unknown> = {}): Promise<number[]> {
  const rows = await testDb()('sites')
    .insert(hosts.map((host, i) => ({
      code: `S${String(i + 1).padStart(3, '0')}`, name: `Site ${i + 1}`, router_host: host, commissioned_on: '2026-01-05',
      router_password_enc: box.encrypt('citywifi'), ...extra,
    })))
    .returning('id');
  return rows.map((r: { id: number }) => r.id);
}

/**
 * A poller whose router `silent.test` answers nothing until the clock has moved `silentSeconds` on
 * (as a silent router holds its poll until the deadline), and every other router answers at once.
 */
function pollerWithSilentRouter(clock: ReturnType<typeof fixedClock>, log: Array<{ siteId: number; at: number; by: string }>, silentSeconds: number) {
  const quick = fakePoller(clock, () => 'ok', log, 'c1');
  const waiting: Array<{ until: number; answer: () => void }> = [];
  const poller: RouterPoller = {
    ...quick,
    poll(target) {
      if (target.host !== 'silent.test') return quick.poll(target);
      const at = clock();
      log.push({ siteId: target.siteId, at: at.getTime(), by: 'c1' });
      return new Promise<PollResult>((resolve) => {
        waiting.push({
          until: at.getTime() + silentSeconds * 1000,
          answer: () => resolve({ ok: false, at, rttMs: null, failure: 'timeout', message: 'no answer in 5000 ms' }),
        });
      });
    },
  };
  /** Ends the silent polls whose time is up; true if any did. */
  const release = (): boolean => {
    const now = clock().getTime();
    const due = waiting.filter((w) => w.until <= now);
    for (const w of due) {
      waiting.splice(waiting.indexOf(w), 1);
      w.answer();
    }
    return due.length > 0;
  };
  return { poller, release };
}

describe('controller (fake poller, real PostgreSQL)', () => {
  const db = () => testDb();
  beforeEach(async () => {
    await resetTables();
    await db().raw('truncate controller_leases');
  });

  it('ends each fault in the right state with the right reason, records a reboot, and alerts once per change', async () => {
    const behaviours: FakeBehaviour[] = ['ok', 'refused', 'timeout', 'auth', 'busy', 'rebooting', 'flapping'];
    const ids = await addSites(behaviours.map((b) => `${b}.test`));
    const clock = fixedClock('2026-11-23T08:00:00+07:00');
    const log: Array<{ siteId: number; at: number; by: string }> = [];
    const changes: StateChange[] = [];
    const controller = new Controller({
      id: 'c1', db: db(), box, clock, logger, settings: SETTINGS, timezone: 'Asia/Jakarta', chunkSize: 3,
      poller: fakePoller(clock, (h) => h.split('.')[0] as FakeBehaviour, log, 'c1'),
      onChange: (c) => changes.push(c),
    });
    for (let i = 0; i < 4; i++) {
      const report = await controller.tick();
      if (i > 0) {
        expect(report.polled).to.equal(ids.length);
        expect(report.batches).to.equal(3); // 7 sites in chunks of 3
        expect(report.statements).to.be.at.most(report.batches * 4);
      }
      clock.advance(60);
    }
    const status = await db()('site_status as ss').join('sites as s', 's.id', 'ss.site_id').orderBy('s.id').select('s.router_host', 'ss.*');
    const byHost = Object.fromEntries(status.map((r) => [r.router_host.split('.')[0], r]));
    expect(byHost.ok.state).to.equal('up');
    expect(byHost.ok.rtt_ms).to.equal(3);
    expect(byHost.ok.ros_version).to.equal('7.18.2');
    expect(byHost.refused).to.include({ state: 'down', consecutive_failures: 3, last_error: 'refused: connect ECONNREFUSED' });
    expect(byHost.timeout.state).to.equal('down');
    expect(byHost.auth.state).to.equal('down');
    expect(byHost.busy.state).to.equal('degraded');
    expect(byHost.rebooting).to.include({ state: 'up', reboots: 1 });
    expect(byHost.flapping.state).to.equal('up'); // never two failures in a row: not an outage

    const reasons = await db()('site_state_changes as c').join('sites as s', 's.id', 'c.site_id').orderBy('c.id').select('s.router_host', 'c.to_state', 'c.reason');
    const reasonOf = (host: string, to: string) => reasons.find((r) => r.router_host === `${host}.test` && r.to_state === to)?.reason;
    expect(reasonOf('refused', 'down')).to.equal('refused: connect ECONNREFUSED (2 failed polls in a row)');
    expect(reasonOf('timeout', 'down')).to.match(/^connect-timeout: /);
    expect(reasonOf('auth', 'down')).to.match(/^auth: invalid user name or password/);
    expect(reasonOf('busy', 'degraded')).to.equal('cpu 97% >= 90% for 3 polls');
    expect(reasons.filter((r) => r.router_host === 'refused.test')).to.have.length(1); // unknown -> down, once

    const events = await db()('site_events').select('*');
    expect(events).to.have.length(1);
    expect(events[0]).to.include({ site_id: ids[5], kind: 'reboot', uptime_seconds: 40, controller_id: 'c1' });

    const samples = await db()('samples').count<{ count: number }[]>({ count: '*' });
    expect(Number(samples[0].count)).to.be.greaterThan(0);
    expect(changes.filter((c) => c.alert).map((c) => c.to).sort()).to.deep.equal(['down', 'down', 'down']);
  });

  it('keeps a site in maintenance inside a window, without alerts', async () => {
    const [id] = await addSites(['refused.test']);
    const clock = fixedClock('2026-11-23T08:00:00+07:00');
    await db()('maintenance_windows').insert({ site_id: id, starts_at: clock(), ends_at: new Date(clock().getTime() + 3600_000), reason: 'new mast' });
    const changes: StateChange[] = [];
    const controller = new Controller({
      id: 'c1', db: db(), box, clock, logger, settings: SETTINGS, timezone: 'Asia/Jakarta',
      poller: fakePoller(clock, () => 'refused', [], 'c1'), onChange: (c) => changes.push(c),
    });
    for (let i = 0; i < 4; i++) {
      await controller.tick();
      clock.advance(60);
    }
    const row = await db()('site_status').where({ site_id: id }).first();
    expect(row.state).to.equal('maintenance');
    expect(changes.map((c) => [c.to, c.reason, c.alert])).to.deep.equal([['maintenance', 'maintenance: new mast', false]]);
  });

  it('polls only commissioned sites with a router', async () => {
    await addSites(['a.test']);
    await testDb()('sites').insert([
      { code: 'NEW', name: 'not yet', router_host: 'b.test' },
      { code: 'OLD', name: 'gone', router_host: 'c.test', commissioned_on: '2025-01-01', decommissioned_on: '2026-06-01' },
      { code: 'NOR', name: 'no router', commissioned_on: '2025-01-01' },
    ]);
    const clock = fixedClock('2026-11-23T08:00:00+07:00');
    const log: Array<{ siteId: number; at: number; by: string }> = [];
    const controller = new Controller({ id: 'c1', db: db(), box, clock, logger, settings: SETTINGS, timezone: 'Asia/Jakarta', poller: fakePoller(clock, () => 'ok', log, 'c1') });
    const report = await controller.sweepOnce();
    expect(report.polled).to.equal(1);
    await controller.stop();
    expect(await db()('site_status').whereNotNull('lease_owner').count<{ count: number }[]>({ count: '*' })).to.deep.equal([{ count: 0 }]);
  });

  it('shares a fleet between two controllers with no site polled twice in an interval, and one takes over when the other dies', async () => {
    const ids = await addSites(Array.from({ length: 24 }, (_, i) => `ok${i}.test`));
    const clock = fixedClock('2026-11-23T08:00:00+07:00');
    const log: Array<{ siteId: number; at: number; by: string }> = [];
    const make = (id: string) =>
      new Controller({ id, db: db(), box, clock, logger, settings: SETTINGS, timezone: 'Asia/Jakarta', chunkSize: 5, poller: fakePoller(clock, () => 'ok', log, id) });
    const a = make('a');
    const b = make('b');
    const start = clock().getTime();
    let aAlive = true;
    let diedAt = 0;
    for (let step = 0; step < 84; step++) {
      // 5 s steps, 12 per interval; a dies after 3 intervals without letting go of anything
      if (step === 36) {
        aAlive = false;
        diedAt = clock().getTime();
      }
      if (aAlive) await a.tick();
      await b.tick();
      clock.advance(5);
    }
    const end = clock().getTime();
    expect(diedAt).to.be.greaterThan(start);

    // Both held part of the fleet while both lived.
    const before = log.filter((p) => p.at < diedAt && p.at >= start + 120_000);
    expect(new Set(before.filter((p) => p.by === 'a').map((p) => p.siteId)).size).to.be.greaterThan(0);
    expect(new Set(before.filter((p) => p.by === 'b').map((p) => p.siteId)).size).to.be.greaterThan(0);

    for (const id of ids) {
      const times = log.filter((p) => p.siteId === id).map((p) => p.at).sort((x, y) => x - y);
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1], `site ${id}`).to.be.at.least(60_000);
      // never unwatched for long: within the takeover bound plus one interval
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1], `site ${id}`).to.be.at.most(3 * 60_000);
      expect(end - times[times.length - 1]).to.be.at.most(60_000);
    }
    // Every site belongs to b within two intervals of a's death.
    const afterTakeover = log.filter((p) => p.at >= diedAt + 2 * 60_000);
    expect(new Set(afterTakeover.map((p) => p.siteId)).size).to.equal(ids.length);
    expect(afterTakeover.every((p) => p.by === 'b')).to.equal(true);
    const owners = await db()('site_status').distinct('lease_owner');
    expect(owners.map((o: { lease_owner: string }) => o.lease_owner)).to.deep.equal(['b']);
  });
  it('polls every site at its own slots while a silent router holds its poll for most of an interval', async () => {
    const settings = { ...SETTINGS, intervalSeconds: 10 };
    const hosts = ['a.test', 'b.test', 'silent.test', 'c.test', 'd.test', 'e.test', 'f.test', 'g.test'];
    const ids = await addSites(hosts);
    const silentId = ids[hosts.indexOf('silent.test')];
    const clock = fixedClock('2026-11-23T08:00:00+07:00');
    const log: Array<{ siteId: number; at: number; by: string }> = [];
    const { poller, release } = pollerWithSilentRouter(clock, log, 8);
    const controller = new Controller({ id: 'c1', db: db(), box, clock, logger, settings, timezone: 'Asia/Jakarta', poller });
    const start = clock().getTime();
    const steps = 40; // four intervals, one second apart
    let silentRound: Started | undefined;
    for (let step = 0; step <= steps; step++) {
      // the silent router's poll ends when its time is up; its result is written before the next round
      if (release() && silentRound) await silentRound.written();
      const round = await controller.startDue();
      const startedSilent = log.some((p) => p.siteId === silentId && p.at === clock().getTime());
      // the rounds without the silent router are written at once, while its poll is still open
      if (startedSilent) silentRound = round;
      else await round.written();
      clock.advance(1);
    }
    for (const id of ids) {
      // each slot, rounded up to the next round, from the first at or after the start
      const expected: number[] = [];
      for (let slot = nextSlot(id, new Date(start), 10).getTime(); slot <= start + steps * 1000; slot += 10_000) {
        expected.push(start + Math.ceil((slot - start) / 1000) * 1000);
      }
      const polled = log.filter((p) => p.siteId === id).map((p) => p.at);
      expect(polled, `site ${hosts[ids.indexOf(id)]}`).to.deep.equal(expected);
    }
    // and what the dashboard shows is as fresh: each quick site's last poll is written
    const rows = await db()('site_status').whereIn('site_id', ids).select('site_id', 'last_poll_at', 'state');
    for (const row of rows.filter((r: { site_id: number }) => r.site_id !== silentId)) {
      const last = Math.max(...log.filter((p) => p.siteId === row.site_id).map((p) => p.at));
      expect(new Date(row.last_poll_at).getTime(), `site ${row.site_id}`).to.equal(last);
      expect(row.state).to.equal('up');
    }
    clock.advance(10);
    release();
    await controller.stop();
    expect(await db()('site_status').whereNotNull('lease_owner').count<{ count: number }[]>({ count: '*' })).to.deep.equal([{ count: 0 }]);
    expect((await db()('site_status').where({ site_id: silentId }).first()).state).to.equal('down');
  });

  it('starts the likely slow polls of a sweep first: timed out last time, never polled, then the slowest answers', async () => {
    const hosts = ['quick.test', 'never.test', 'slow.test', 'timeout.test', 'slower.test', 'refused.test'];
    const ids = await addSites(hosts);
    const id = (host: string) => ids[hosts.indexOf(host)];
    const clock = fixedClock('2026-11-23T08:00:00+07:00');
    const earlier = new Date(clock().getTime() - 60_000);
    const history: Record<string, { last_error: string | null; rtt_ms: number | null; consecutive_failures: number }> = {
      'quick.test': { last_error: null, rtt_ms: 2, consecutive_failures: 0 },
      'slow.test': { last_error: null, rtt_ms: 2500, consecutive_failures: 0 },
      'slower.test': { last_error: null, rtt_ms: 4200, consecutive_failures: 0 },
      'timeout.test': { last_error: 'connect-timeout: no connection in 5000 ms', rtt_ms: null, consecutive_failures: 1 },
      'refused.test': { last_error: 'refused: connect ECONNREFUSED', rtt_ms: null, consecutive_failures: 3 },
    };
    await db()('site_status').insert(hosts.map((host) => ({
      site_id: id(host), state: 'unknown', since: earlier, ...(history[host] ? { last_poll_at: earlier, ...history[host] } : {}),
    })));
    const log: Array<{ siteId: number; at: number; by: string }> = [];
    const controller = new Controller({
      id: 'c1', db: db(), box, clock, logger, settings: { ...SETTINGS, concurrency: 1 }, timezone: 'Asia/Jakarta',
      poller: fakePoller(clock, () => 'ok', log, 'c1'),
    });
    const report = await controller.sweepOnce();
    expect(report.polled).to.equal(hosts.length);
    expect(log.map((p) => hosts[ids.indexOf(p.siteId)])).to.deep.equal(['timeout.test', 'never.test', 'slower.test', 'slow.test', 'quick.test', 'refused.test']);
    await controller.stop();
  });
});
