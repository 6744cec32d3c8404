import { expect } from 'chai';
import { linesOf, runCli } from '../../helpers/run-cli.js';
import { resetTables, testDb } from '../../helpers/test-db.js';

describe('citywifi sites status', function () {
  this.timeout(30_000);
  beforeEach(() => resetTables());

  it('shows one object per site, unknown for a site never polled', async () => {
    const [a] = await testDb()('sites').insert([{ code: 'A-1', name: 'A', router_host: '10.0.0.1' }, { code: 'B-1', name: 'B' }]).returning('id');
    await testDb()('site_status').insert({
      site_id: a.id, state: 'down', since: new Date('2026-11-23T01:00:00Z'), last_poll_at: new Date('2026-11-23T01:02:00Z'),
      cpu_load: 7, active_users: 3, uptime_seconds: 86400, ros_version: '7.18.2', board: 'hAP ac^2', rtt_ms: 4, last_error: 'refused: connect ECONNREFUSED',
    });
    const result = await runCli(['sites', 'status', '--json']);
    expect(result.code, result.stderr).to.equal(0);
    const rows = JSON.parse(result.stdout);
    expect(rows).to.deep.equal([
      {
        code: 'A-1', state: 'down', since: '2026-11-23T01:00:00.000Z', last_poll_at: '2026-11-23T01:02:00.000Z', cpu_load: 7, active_users: 3,
        uptime_seconds: 86400, version: '7.18.2', board: 'hAP ac^2', rtt_ms: 4, last_error: 'refused: connect ECONNREFUSED',
      },
      {
        code: 'B-1', state: 'unknown', since: null, last_poll_at: null, cpu_load: null, active_users: null, uptime_seconds: null,
        version: null, board: null, rtt_ms: null, last_error: null,
      },
    ]);
    const table = await runCli(['sites', 'status']);
    expect(table.code).to.equal(0);
    const lines = linesOf(table.stdout);
    expect(lines[0]).to.match(/^CODE\s+STATE\s+SINCE/);
    expect(lines[1]).to.match(/^A-1\s+down\s/);
    expect(lines[1]).to.include('refused: connect ECONNREFUSED');
    expect(lines[2]).to.match(/^B-1\s+unknown\s/);
  });
});
