import { expect } from 'chai';
import { createSecretBox } from '../../../core/crypto.js';
import { startRouterFleet, type RouterFleet } from '../../../sim/routeros/index.js';
import { runCli } from '../../helpers/run-cli.js';
import { resetTables, testDb, TEST_SECRET_KEY } from '../../helpers/test-db.js';

describe('citywifi controller --once', function () {
  this.timeout(60_000);
  let fleet: RouterFleet;
  const box = createSecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));
  const env = { CONTROLLER_CONNECT_TIMEOUT_MS: '1000', CONTROLLER_COMMAND_TIMEOUT_MS: '1000', CONTROLLER_ID: 'cli-once' };

  before(async () => {
    await resetTables();
    await testDb().raw('truncate controller_leases');
    fleet = await startRouterFleet({ count: 4, basePort: 0, seed: 3, faults: { dead: { count: 1 }, 'wrong-credentials': { count: 1 } } });
    await testDb()('sites').insert(
      fleet.routers.map((r) => ({
        code: `CLI-${r.index}`, name: r.fault ?? 'healthy', router_host: r.host, router_port: r.port, router_user: 'admin',
        router_password_enc: box.encrypt('citywifi'), commissioned_on: '2026-01-05',
      })),
    );
  });
  after(async () => {
    await fleet?.close();
  });

  it('runs one sweep and exits; two sweeps make a dead router down; sites status shows it', async () => {
    const first = await runCli(['controller', '--once'], env);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.match(/^sweep done: controller=cli-once polled=4 failed=2 state-changes=2 reboots=0 batches=1\n$/);
    const second = await runCli(['controller', '--once'], env);
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout).to.match(/polled=4 failed=2 state-changes=2/);

    const status = await runCli(['sites', 'status', '--json']);
    const rows: Array<{ code: string; state: string; last_error: string | null; version: string | null; rtt_ms: number | null }> = JSON.parse(status.stdout);
    const of = (fault: string) => rows.find((r) => r.code === `CLI-${fleet.routers.find((x) => (x.fault ?? 'healthy') === fault)!.index}`)!;
    expect(of('healthy')).to.include({ state: 'up', last_error: null });
    expect(of('healthy').version).to.match(/^[67]\./);
    expect(of('healthy').rtt_ms).to.be.a('number');
    expect(of('dead').state).to.equal('down');
    expect(of('dead').last_error).to.match(/^refused: /);
    expect(of('wrong-credentials').state).to.equal('down');
    expect(of('wrong-credentials').last_error).to.match(/^auth: /);
    // --once lets go of its leases and its heartbeat when done
    expect(await testDb()('site_status').whereNotNull('lease_owner').select('site_id')).to.deep.equal([]);
    expect(await testDb()('controller_leases').select('controller_id')).to.deep.equal([]);
  });
});
