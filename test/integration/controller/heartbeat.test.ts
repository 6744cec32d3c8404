import { expect } from 'chai';
import { Controller, type ControllerSettings, type SweepReport } from '../../../controller/controller.js';
import { startControllerHttp, type ControllerHttp } from '../../../controller/http.js';
import { createControllerMetrics } from '../../../controller/metrics.js';
import { createSecretBox } from '../../../core/crypto.js';
import { fixedClock } from '../../../core/domain/clock.js';
import { createLogger } from '../../../core/logger.js';
import { runCli } from '../../helpers/run-cli.js';
import { resetTables, testDb, TEST_SECRET_KEY } from '../../helpers/test-db.js';
import { fakePoller } from './fake-poller.js';

const SETTINGS: ControllerSettings = {
  intervalSeconds: 60, concurrency: 8, downAfterFailures: 2, degradedCpuPercent: 90, degradedMemoryPercent: 95, degradedAfterPolls: 3,
};
const box = createSecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));
const logger = createLogger('heartbeat-test', { level: 'silent' });

/** A RouterOS double-quoted string's text. */
function unquote(literal: string): string {
  return literal.slice(1, -1).replace(/\\(.)/g, '$1');
}

/**
 * Evaluates a RouterOS expression of string literals, variables and `.` concatenation, as the
 * router does for the script's `:local body (...)` line.
 */
function evaluateConcat(expression: string, vars: Record<string, string | number>): string {
  const inner = expression.trim().replace(/^\(/, '').replace(/\)$/, '');
  let out = '';
  for (const token of inner.match(/"(?:\\.|[^"\\])*"|\$[A-Za-z]+|\./g) ?? []) {
    if (token === '.') continue;
    if (token.startsWith('"')) out += unquote(token);
    else {
      const name = token.slice(1);
      if (!(name in vars)) throw new Error(`the script uses $${name}, which the test does not know`);
      out += String(vars[name]);
    }
  }
  return out;
}

/** What the router would post: the URL, headers and body the printed script builds from these values. */
function postOfScript(script: string, vars: Record<string, string | number>): { url: string; headers: Record<string, string>; body: string } {
  const fetchLine = script.split('\n').find((l) => l.trim().startsWith('/tool fetch'));
  const bodyLine = script.split('\n').find((l) => l.startsWith(':local body '));
  expect(fetchLine, script).to.be.a('string');
  expect(bodyLine, script).to.be.a('string');
  const url = unquote(/url=("(?:\\.|[^"\\])*")/.exec(fetchLine!)![1]);
  const headerList = unquote(/http-header-field=("(?:\\.|[^"\\])*")/.exec(fetchLine!)![1]);
  expect(fetchLine).to.match(/http-method=post/);
  expect(fetchLine).to.match(/http-data=\$body/);
  const headers = Object.fromEntries(headerList.split(',').map((h) => [h.slice(0, h.indexOf(':')).trim(), h.slice(h.indexOf(':') + 1).trim()]));
  return { url, headers, body: evaluateConcat(bodyLine!.slice(':local body '.length), vars) };
}

const ROUTER = { identity: 'HB-1', uptime: '1w2d03:04:05', cpu: 14, free: 90_000_000, total: 256_000_000, version: '6.49.10 (long-term)', board: 'hAP ac^2', active: 7 };

describe('controller: heartbeats from sites behind NAT (real HTTP, real PostgreSQL)', () => {
  let http: ControllerHttp;
  let base: string;
  const clock = fixedClock('2026-11-23T08:00:00+07:00');
  const log: Array<{ siteId: number; at: number; by: string }> = [];
  let controller: Controller;
  let siteId: number;
  let script = '';
  let token = '';

  before(async () => {
    await resetTables();
    await testDb().raw('truncate controller_leases');
    http = await startControllerHttp({ host: '127.0.0.1', port: 0, db: testDb(), box, clock, logger, metrics: createControllerMetrics() });
    base = `http://127.0.0.1:${http.port}`;
    // behind NAT: no router address at all
    [{ id: siteId }] = await testDb()('sites').insert({ code: 'HB-1', name: 'Taman behind NAT', commissioned_on: '2026-01-05' }).returning('id');
    controller = new Controller({
      id: 'hb-c1', db: testDb(), box, clock, logger, settings: SETTINGS, timezone: 'Asia/Jakarta', poller: fakePoller(clock, () => 'ok', log, 'hb-c1'),
    });
  });
  after(async () => {
    await controller?.stop();
    await http?.close();
  });

  let lastPost = -Infinity;
  /** The router's scheduler: posts what the printed script would post. */
  async function postAsRouter(vars: typeof ROUTER): Promise<void> {
    const { url, headers, body } = postOfScript(script, vars);
    const res = await fetch(url, { method: 'POST', headers, body });
    expect(res.status, await res.text()).to.equal(200);
    lastPost = clock().getTime();
  }
  /** Ticks every 5 s until the site's slot; a running router (when given) posts every 30 s meanwhile, as its scheduler would. */
  async function untilPolled(router?: typeof ROUTER): Promise<SweepReport> {
    for (let i = 0; i < 20; i++) {
      if (router && clock().getTime() - lastPost >= 30_000) await postAsRouter(router);
      const report = await controller.tick();
      if (report.polled > 0) return report;
      clock.advance(5);
    }
    throw new Error('the site was never due');
  }
  const status = () => testDb()('site_status').where({ site_id: siteId }).first();
  const post = (body: string, headers: Record<string, string>) => fetch(`${base}/heartbeat`, { method: 'POST', headers, body });

  it('sites heartbeat prints a new token once with a RouterOS script that holds it and the URL', async () => {
    const result = await runCli(['sites', 'heartbeat', 'HB-1', '--url', `${base}/heartbeat`]);
    expect(result.code, result.stderr).to.equal(0);
    token = /token \(shown only now[^)]*\): (cwhb_[A-Za-z0-9_-]{43})$/m.exec(result.stdout)?.[1] ?? '';
    expect(token, result.stdout).to.have.length(48);
    script = result.stdout;
    expect(script).to.include(`/tool fetch url="${base}/heartbeat"`);
    expect(script).to.include(`http-header-field="Authorization: Bearer ${token},Content-Type: application/json"`);
    expect(script).to.match(/^\/system scheduler add name="citywifi-heartbeat" interval=30s on-event="citywifi-heartbeat" policy=read,write,policy,test$/m);
    expect(script).to.include(':local active [/ip hotspot active print count-only]');
    // only a hash is kept
    const site = await testDb()('sites').where({ id: siteId }).first();
    expect(site.monitoring).to.equal('heartbeat');
    expect(site.heartbeat_token_hash).to.be.a('string').and.not.include(token);
    expect(JSON.stringify(site)).to.not.include(token);
  });

  it('refuses a missing or unknown token with 401 and stores nothing', async () => {
    const { body } = postOfScript(script, ROUTER);
    const missing = await post(body, { 'content-type': 'application/json' });
    expect(missing.status).to.equal(401);
    expect(await missing.text()).to.match(/Authorization: Bearer TOKEN/);
    const wrong = await post(body, { authorization: `Bearer cwhb_${'x'.repeat(43)}`, 'content-type': 'application/json' });
    expect(wrong.status).to.equal(401);
    expect(await wrong.text()).to.match(/^unknown heartbeat token/);
    expect((await testDb()('site_status').whereNotNull('last_heartbeat_at').select('site_id'))).to.deep.equal([]);
    // and the controller, at the site's slot, sees no heartbeat: a failed poll, not up
    await untilPolled();
    expect(await status()).to.include({ state: 'unknown', consecutive_failures: 1, last_error: 'no-heartbeat: no heartbeat received yet' });
  });

  it('refuses a bad body with 400 and one line saying what is wrong, and an oversized one with 413', async () => {
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const notJson = await post('identity=HB-1', auth);
    expect(notJson.status).to.equal(400);
    expect(await notJson.text()).to.equal('heartbeat not stored: the body is not JSON\n');
    const badCpu = await post(postOfScript(script, { ...ROUTER, cpu: 250 }).body, auth);
    expect(badCpu.status).to.equal(400);
    expect(await badCpu.text()).to.match(/^heartbeat not stored: cpu-load: /);
    const badUptime = await post(postOfScript(script, { ...ROUTER, uptime: 'yesterday' }).body, auth);
    expect(await badUptime.text()).to.equal('heartbeat not stored: uptime: "yesterday" is not a RouterOS time\n');
    const huge = await post(JSON.stringify({ identity: 'x'.repeat(10_000) }), auth);
    expect(huge.status).to.equal(413);
    expect((await status()).last_heartbeat_at).to.equal(null);
  });

  it('brings the site up from what the printed script posts, without ever connecting to the router', async () => {
    await untilPolled(ROUTER);
    const row = await status();
    expect(row).to.include({ state: 'up', consecutive_failures: 0, cpu_load: 14, active_users: 7, ros_version: '6.49.10 (long-term)', board: 'hAP ac^2', last_error: null });
    expect(Number(row.uptime_seconds)).to.be.at.least(9 * 86400 + 3 * 3600 + 4 * 60 + 5);
    expect(row.last_heartbeat_from).to.equal('127.0.0.1');
    const samples = await testDb()('samples').where({ site_id: siteId }).select('*');
    expect(samples).to.have.length(1);
    expect(samples[0]).to.include({ cpu_load: 14, active_users: 7, latency_ms: null });
    expect(log, 'the controller polled a heartbeat site').to.deep.equal([]);
  });

  it('goes down after missed heartbeats, and a heartbeat with a lower uptime is a reboot and a recovery', async () => {
    await untilPolled(); // one missed interval: not yet an outage
    expect(await status()).to.include({ state: 'up', consecutive_failures: 1 });
    await untilPolled();
    const down = await status();
    expect(down.state).to.equal('down');
    const change = await testDb()('site_state_changes').where({ site_id: siteId, to_state: 'down' }).first();
    expect(change.reason).to.equal(`no-heartbeat: no heartbeat since ${new Date(lastPost).toISOString()} (2 failed polls in a row)`);

    await untilPolled({ ...ROUTER, uptime: '00:02:10' });
    const up = await status();
    expect(up).to.include({ state: 'up', reboots: 1 });
    const reboot = await testDb()('site_events').where({ site_id: siteId }).first();
    expect(reboot).to.include({ kind: 'reboot', controller_id: 'hb-c1' });
    expect(Number(reboot.uptime_seconds)).to.be.within(130, 190);
    expect(log).to.deep.equal([]);
  });

  it('sites heartbeat again replaces the token: the old one is refused', async () => {
    const again = await runCli(['sites', 'heartbeat', 'HB-1', '--url', `${base}/heartbeat`]);
    expect(again.code, again.stderr).to.equal(0);
    const old = postOfScript(script, ROUTER);
    expect((await fetch(old.url, { method: 'POST', headers: old.headers, body: old.body })).status).to.equal(401);
    const fresh = postOfScript(again.stdout, ROUTER);
    expect((await fetch(fresh.url, { method: 'POST', headers: fresh.headers, body: fresh.body })).status).to.equal(200);
  });

  it('refuses to print a script routers cannot use, and changes nothing', async () => {
    const before = await testDb()('sites').where({ id: siteId }).first('heartbeat_token_hash');
    const loopback = await runCli(['sites', 'heartbeat', 'HB-1']);
    expect(loopback.code).to.equal(2);
    expect(loopback.stdout).to.equal('');
    expect(loopback.stderr).to.match(/^citywifi: --url is needed: CONTROLLER_HTTP_HOST is 127\.0\.0\.1/);
    const unknown = await runCli(['sites', 'heartbeat', 'NOPE', '--url', `${base}/heartbeat`]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.equal('citywifi: no site with code "NOPE"\n');
    expect(await testDb()('sites').where({ id: siteId }).first('heartbeat_token_hash')).to.deep.equal(before);
  });
});
