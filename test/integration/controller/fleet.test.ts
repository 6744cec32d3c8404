import { expect } from 'chai';
import { Controller, type ControllerSettings } from '../../../controller/controller.js';
import { createRouterPoller, type RouterPoller } from '../../../controller/poll-site.js';
import { createSecretBox } from '../../../core/crypto.js';
import { fixedClock } from '../../../core/domain/clock.js';
import { createLogger } from '../../../core/logger.js';
import { startRouterFleet, type RouterFleet } from '../../../sim/routeros/index.js';
import { resetTables, testDb, TEST_SECRET_KEY } from '../../helpers/test-db.js';

const SETTINGS: ControllerSettings = {
  intervalSeconds: 60, concurrency: 20, downAfterFailures: 2, degradedCpuPercent: 90, degradedMemoryPercent: 95, degradedAfterPolls: 3,
};
const box = createSecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));
const logger = createLogger('controller-test', { level: 'silent' });

describe('controller against the emulated fleet', function () {
  this.timeout(120_000);
  const clock = fixedClock('2026-11-23T08:00:00+07:00');
  let fleet: RouterFleet;
  const pollers: RouterPoller[] = [];

  before(async () => {
    await resetTables();
    await testDb().raw('truncate controller_leases');
    fleet = await startRouterFleet({
      count: 11, basePort: 0, seed: 11, clock,
      faults: { dead: { count: 1 }, silent: { count: 1 }, slow: { count: 1 }, 'wrong-credentials': { count: 1 }, 'no-wireless': { count: 1 }, busy: { count: 1 }, rebooting: { count: 1 }, garbage: { count: 1 } },
      tuning: { slowReplyMs: 3000, rebootEverySeconds: 150, garbage: 'truncated' },
    });
    await testDb()('sites').insert(
      fleet.routers.map((r) => ({
        code: `R${r.index}`, name: `router ${r.index} ${r.fault ?? 'healthy'}`, router_host: r.host, router_port: r.port,
        router_user: 'admin', router_password_enc: box.encrypt('citywifi'), commissioned_on: '2026-01-05',
      })),
    );
  });
  after(async () => {
    for (const p of pollers) await p.close();
    await fleet?.close();
  });

  const pollLog: Array<{ id: string; siteId: number; at: number }> = [];
  function controller(id: string): Controller {
    const real = createRouterPoller({ connectTimeoutMs: 800, commandTimeoutMs: 800, clock, logger });
    // every poll made, by whom: to tell a poll not made from one made but not written
    const poller: RouterPoller = {
      ...real,
      poll: async (t) => {
        const r = await real.poll(t);
        pollLog.push({ id, siteId: t.siteId, at: r.at.getTime() });
        return r;
      },
    };
    pollers.push(poller);
    return new Controller({ id, db: testDb(), poller, box, clock, logger, settings: SETTINGS, timezone: 'Asia/Jakarta', chunkSize: 4 });
  }

  it('ends each fault in the right state with the right reason, and records a reboot', async () => {
    const c = controller('fleet-1');
    for (let i = 0; i < 5; i++) {
      await c.tick();
      clock.advance(60);
      await fleet.sync();
    }
    const rows = await testDb()('site_status as ss').join('sites as s', 's.id', 'ss.site_id').select('s.name', 'ss.*');
    const byFault = (fault: string) => rows.find((r) => r.name.endsWith(` ${fault}`));
    const summary = rows.map((r) => `${r.name}: ${r.state} ${r.last_error ?? ''}`).join('\n');
    expect(byFault('healthy')?.state, summary).to.equal('up');
    expect(byFault('no-wireless')?.state, summary).to.equal('up');
    expect(byFault('busy')?.state, summary).to.equal('degraded');
    expect(byFault('dead'), summary).to.include({ state: 'down' });
    expect(byFault('dead')?.last_error).to.match(/^refused: /);
    expect(byFault('wrong-credentials')?.state, summary).to.equal('down');
    expect(byFault('wrong-credentials')?.last_error).to.match(/^auth: /);
    expect(byFault('silent')?.state, summary).to.equal('down');
    expect(byFault('silent')?.last_error).to.match(/^(connect-timeout|timeout): /);
    expect(byFault('slow')?.state, summary).to.equal('down');
    expect(byFault('slow')?.last_error).to.match(/^(connect-timeout|timeout): /);
    expect(byFault('garbage')?.state, summary).to.equal('down');
    expect(byFault('garbage')?.last_error).to.match(/^(protocol|closed): /);
    const reboots = await testDb()('site_events as e').join('sites as s', 's.id', 'e.site_id').select('s.name', 'e.kind');
    expect(reboots.map((r) => r.name), summary).to.include(`router ${fleet.routers.find((r) => r.fault === 'rebooting')?.index} rebooting`);
    expect(byFault('rebooting')?.reboots).to.be.at.least(1);
    const changes = await testDb()('site_state_changes as c').join('sites as s', 's.id', 'c.site_id').where('s.name', 'like', '% dead').select('c.*');
    expect(changes.map((c) => c.to_state)).to.deep.equal(['down']);
  });

  it('shares the fleet among three controllers; one killed, every site is still polled once per interval', async () => {
    await resetTables();
    await testDb().raw('truncate controller_leases');
    const healthy = await startRouterFleet({ count: 15, basePort: 0, seed: 5, clock });
    try {
      await testDb()('sites').insert(
        healthy.routers.map((r) => ({
          code: `H${r.index}`, name: `healthy ${r.index}`, router_host: r.host, router_port: r.port,
          router_password_enc: box.encrypt('citywifi'), commissioned_on: '2026-01-05',
        })),
      );
      const cs = [controller('x'), controller('y'), controller('z')];
      const start = clock().getTime();
      let killedAt = 0;
      for (let step = 0; step < 96; step++) {
        // 5-second steps; z dies after three intervals (stops ticking, keeps its leases)
        if (step === 36) killedAt = clock().getTime();
        for (const c of cs) if (c.id !== 'z' || step < 36) await c.tick();
        clock.advance(5);
        await healthy.sync();
      }
      const end = clock().getTime();
      const samples: Array<{ site_id: number; at: Date }> = await testDb()('samples').select('site_id', 'at');
      const siteIds: number[] = (await testDb()('sites').select('id')).map((r: { id: number }) => r.id);
      for (const id of siteIds) {
        const times = samples.filter((p) => p.site_id === id).map((p) => p.at.getTime()).sort((a, b) => a - b);
        const made = pollLog.filter((p) => p.siteId === id && p.at >= start).map((p) => p.at);
        expect(made, `site ${id}: every poll made is written`).to.deep.equal(times);
        expect(times.length, `site ${id}`).to.be.at.least(6);
        for (let i = 1; i < times.length; i++) {
          expect(times[i] - times[i - 1], `site ${id}`).to.be.at.least(60_000);
          expect(times[i] - times[i - 1], `site ${id}`).to.be.at.most(3 * 60_000);
        }
        expect(end - times[times.length - 1]).to.be.at.most(60_000);
      }
      const polledBy = await testDb()('site_status').select('lease_owner');
      expect(new Set(polledBy.map((r: { lease_owner: string }) => r.lease_owner))).to.deep.equal(new Set(['x', 'y']));
      expect(killedAt).to.be.greaterThan(start);
      const status = await testDb()('site_status').select('state');
      expect(status.every((r: { state: string }) => r.state === 'up')).to.equal(true);
    } finally {
      await healthy.close();
    }
  });
});
