import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { createSecretBox } from '../../../core/crypto.js';
import { startRouterFleet, type RouterFleet } from '../../../sim/routeros/index.js';
import { CLI_PATH } from '../../helpers/run-cli.js';
import { resetTables, testDatabaseUrl, testDb, TEST_SECRET_KEY } from '../../helpers/test-db.js';

describe('citywifi controller (the loop)', function () {
  this.timeout(60_000);
  let fleet: RouterFleet;
  const box = createSecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));

  before(async () => {
    await resetTables();
    await testDb().raw('truncate controller_leases');
    fleet = await startRouterFleet({ count: 3, basePort: 0, seed: 9 });
    await testDb()('sites').insert(
      fleet.routers.map((r) => ({
        code: `LOOP-${r.index}`, name: 'loop', router_host: r.host, router_port: r.port, router_password_enc: box.encrypt('citywifi'), commissioned_on: '2026-01-05',
      })),
    );
  });
  after(async () => {
    await fleet?.close();
  });

  it('polls every site, and on SIGTERM lets go of its leases and exits 0', async () => {
    const child = spawn(process.execPath, [CLI_PATH, 'controller'], {
      env: {
        PATH: process.env.PATH, TZ: process.env.TZ, DATABASE_URL: testDatabaseUrl(), CITYWIFI_SECRET_KEY: TEST_SECRET_KEY,
        CITYWIFI_LOG_LEVEL: 'silent', CONTROLLER_INTERVAL_SECONDS: '10', CONTROLLER_ID: 'loop-1', CONTROLLER_HTTP_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = once(child, 'exit');
    // wait for the event (every site polled once), not for a length of time
    for (;;) {
      const polled = await testDb()('site_status').whereNotNull('last_poll_at').count<{ count: number }[]>({ count: '*' });
      if (Number(polled[0].count) === 3) break;
      expect(child.exitCode, stderr).to.equal(null);
      await delay(200);
    }
    const owners = await testDb()('site_status').distinct('lease_owner');
    expect(owners).to.deep.equal([{ lease_owner: 'loop-1' }]);
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code, stderr).to.equal(0);
    expect(await testDb()('site_status').whereNotNull('lease_owner').select('site_id')).to.deep.equal([]);
    expect(await testDb()('controller_leases').select('*')).to.deep.equal([]);
    const states = await testDb()('site_status').select('state');
    expect(states.map((s: { state: string }) => s.state)).to.deep.equal(['up', 'up', 'up']);
  });
});
