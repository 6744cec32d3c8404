import { expect } from 'chai';
import { Controller, type ControllerSettings } from '../../../controller/controller.js';
import { startControllerHttp, type ControllerHttp } from '../../../controller/http.js';
import { createControllerMetrics } from '../../../controller/metrics.js';
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
const logger = createLogger('metrics-test', { level: 'silent' });

/** The value of one sample line of a Prometheus text page, or undefined when it is not there. */
function sample(page: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of page.split('\n')) {
    const m = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v) && Object.keys(got).length === Object.keys(labels).length) return Number(m[3]);
  }
  return undefined;
}

describe('controller metrics (GET /metrics after a sweep of the emulated fleet)', function () {
  this.timeout(60_000);
  const clock = fixedClock('2026-11-23T08:00:00+07:00');
  let fleet: RouterFleet;
  let poller: RouterPoller;
  let http: ControllerHttp;
  let controller: Controller;

  before(async () => {
    await resetTables();
    await testDb().raw('truncate controller_leases');
    fleet = await startRouterFleet({ count: 5, basePort: 0, seed: 21, clock, faults: { dead: { count: 1 } } });
    await testDb()('sites').insert(
      fleet.routers.map((r) => ({
        code: `M${r.index}`, name: `router ${r.index}`, router_host: r.host, router_port: r.port, router_user: 'admin',
        router_password_enc: box.encrypt('citywifi'), commissioned_on: '2026-01-05',
      })),
    );
    const metrics = createControllerMetrics();
    poller = createRouterPoller({ connectTimeoutMs: 800, commandTimeoutMs: 800, clock, logger });
    controller = new Controller({ id: 'metrics-1', db: testDb(), poller, box, clock, logger, settings: SETTINGS, timezone: 'Asia/Jakarta', metrics });
    http = await startControllerHttp({ host: '127.0.0.1', port: 0, db: testDb(), box, clock, logger, metrics });
  });
  after(async () => {
    await controller?.stop();
    await poller?.close();
    await http?.close();
    await fleet?.close();
  });

  it('counts the polls by result, the sites owned and by state, and the open router connections', async () => {
    const report = await controller.sweepOnce();
    expect(report).to.include({ polled: 5, failed: 1 });
    const res = await fetch(`http://127.0.0.1:${http.port}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/plain/);
    const page = await res.text();
    expect(sample(page, 'citywifi_controller_polls_total', { source: 'api', result: 'ok' })).to.equal(4);
    const dead = fleet.routers.find((r) => r.fault === 'dead');
    expect(dead, 'the fleet has a dead router').to.not.equal(undefined);
    const failures = page.split('\n').filter((l) => l.startsWith('citywifi_controller_polls_total{') && !l.includes('result="ok"'));
    expect(failures, page).to.have.length(1);
    expect(failures[0]).to.match(/ 1$/);
    expect(sample(page, 'citywifi_controller_sites_owned')).to.equal(5);
    expect(sample(page, 'citywifi_controller_sites', { state: 'up' })).to.equal(4);
    expect(sample(page, 'citywifi_controller_sites', { state: 'unknown' })).to.equal(1); // one failed poll is not an outage yet
    expect(sample(page, 'citywifi_controller_router_connections')).to.equal(4);
    expect(sample(page, 'citywifi_controller_poll_rtt_seconds_count')).to.equal(4);
    expect(sample(page, 'citywifi_controller_run_duration_seconds_count', { run: 'sweep' })).to.equal(1);
    expect(sample(page, 'citywifi_controller_write_batch_duration_seconds_count', { kind: 'polls' })).to.equal(1);
    expect(sample(page, 'citywifi_controller_state_changes_total', { to: 'up' })).to.equal(4);
  });

  it('counts refused heartbeats, and answers 404 for anything else', async () => {
    const refused = await fetch(`http://127.0.0.1:${http.port}/heartbeat`, { method: 'POST', body: '{}' });
    expect(refused.status).to.equal(401);
    const page = await (await fetch(`http://127.0.0.1:${http.port}/metrics`)).text();
    expect(sample(page, 'citywifi_controller_heartbeats_total', { result: 'unauthorized' })).to.equal(1);
    expect((await fetch(`http://127.0.0.1:${http.port}/`)).status).to.equal(404);
    const get = await fetch(`http://127.0.0.1:${http.port}/heartbeat`);
    expect(get.status).to.equal(405);
    expect(get.headers.get('allow')).to.equal('POST');
  });
});
