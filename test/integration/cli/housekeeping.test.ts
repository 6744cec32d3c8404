import { expect } from 'chai';
import { localDate, startOfLocalDay } from '../../../core/domain/local-time.js';
import { expectRefused, linesOf, runCli } from '../../helpers/run-cli.js';
import { resetTables, testDb } from '../../helpers/test-db.js';

const TZ = 'Asia/Jakarta';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('citywifi rollup and purge', function () {
  this.timeout(60_000);
  beforeEach(async () => {
    await resetTables();
    await testDb()('housekeeping_progress').del();
  });

  describe('rollup', () => {
    /** The local day before yesterday: complete, and well inside every keep time. */
    const dayStart = () => startOfLocalDay(new Date(Date.now() - 2 * DAY), TZ).getTime();

    async function seedDay(): Promise<number> {
      const db = testDb();
      const [{ id }] = await db('sites').insert({ code: 'CLI-1', name: 'CLI 1', router_host: '10.0.0.1' }).returning('id');
      const start = dayStart();
      await db('site_state_changes').insert([
        { site_id: id, at: new Date(start - DAY), from_state: 'unknown', to_state: 'up' },
        { site_id: id, at: new Date(start + 10 * HOUR), from_state: 'up', to_state: 'down' },
        { site_id: id, at: new Date(start + 12 * HOUR), from_state: 'down', to_state: 'up' },
      ]);
      await db('site_status').insert({ site_id: id, state: 'up', since: new Date(start + 12 * HOUR) });
      await db('sessions').insert({
        nas_id: 1, site_id: id, acct_session_id: 'cli-1', username: 'cw-1', device_id: 5, started_at: new Date(start + 9 * HOUR),
        updated_at: new Date(start + 10 * HOUR), stopped_at: new Date(start + 10 * HOUR), session_time: 3600, input_octets: 1000, output_octets: 9000,
      });
      return id;
    }

    it('rolls up whole local days again and says what it did', async () => {
      const site = await seedDay();
      const day = localDate(new Date(dayStart()), TZ);
      const result = await runCli(['rollup', '--from', day, '--to', day]);
      expect(result.code, result.stderr).to.equal(0);
      expect(linesOf(result.stdout)).to.have.length(1);
      expect(result.stdout).to.match(new RegExp(`^rolled up: hours=24 site-hours=24 days=${day} rolled-to=`));
      const row = await testDb()('rollups_daily').where({ site_id: site }).first();
      expect([row.up_seconds, row.down_seconds, row.sessions, row.users, row.session_time, row.output_octets]).to.deep.equal([22 * 3600, 2 * 3600, 1, 1, 3600, 9000]);
      // a second run changes nothing
      const before = await testDb()('rollups_hourly').orderBy('hour');
      expect((await runCli(['rollup', '--from', day, '--to', day])).code).to.equal(0);
      expect(await testDb()('rollups_hourly').orderBy('hour')).to.deep.equal(before);
    });

    it('without a range, rolls up what is due, then finds nothing more', async () => {
      await seedDay();
      const first = await runCli(['rollup']);
      expect(first.code, first.stderr).to.equal(0);
      expect(first.stdout).to.match(/^rolled up: hours=\d+ site-hours=\d+ days=\S+ rolled-to=\S+\n$/);
      expect(Number(/hours=(\d+)/.exec(first.stdout)?.[1])).to.be.greaterThan(24);
      const second = await runCli(['rollup']);
      expect(second.code, second.stderr).to.equal(0);
      expect(second.stdout).to.match(/^nothing due: hours=0 /);
    });

    it('refuses a bad range and writes nothing', async () => {
      await seedDay();
      expectRefused(await runCli(['rollup', '--from', '2026-02-30']), /--from: "2026-02-30" is not a date written YYYY-MM-DD/);
      expectRefused(await runCli(['rollup', '--to', '2026-11-01']), /--to: give --from as well/);
      expectRefused(await runCli(['rollup', '--from', '2026-11-10', '--to', '2026-11-01']), /--from: 2026-11-10 is after --to 2026-11-01/);
      expect(await testDb()('rollups_hourly').count('* as n').first()).to.deep.equal({ n: 0 });
    });
  });

  describe('purge', () => {
    async function seed() {
      const db = testDb();
      await db('post_auth_log').insert([
        { at: new Date(Date.now() - 120 * DAY), username: 'old-1', result: 'reject' },
        { at: new Date(Date.now() - 100 * DAY), username: 'old-2', result: 'accept' },
        { at: new Date(Date.now() - DAY), username: 'fresh', result: 'accept' },
      ]);
    }

    it('with --dry-run counts per class what has expired and deletes nothing', async () => {
      await seed();
      const result = await runCli(['purge', '--dry-run']);
      expect(result.code, result.stderr).to.equal(0);
      const lines = linesOf(result.stdout);
      expect(lines[0]).to.match(/^CLASS\s+KEEP-DAYS\s+OLDER-THAN\s+EXPIRED/);
      expect(lines.find((l) => l.startsWith('post_auth_log '))).to.match(/^post_auth_log\s+90\s+\S+Z\s+2\b/);
      expect(lines.find((l) => l.startsWith('samples '))).to.match(/^samples\s+14\s/);
      expect(lines[lines.length - 1]).to.equal('dry run: 2 rows have expired; nothing was deleted');
      expect(await testDb()('post_auth_log').count('* as n').first()).to.deep.equal({ n: 3 });
    });

    it('deletes what has expired and prints the count of every class', async () => {
      await seed();
      const result = await runCli(['purge', '--json']);
      expect(result.code, result.stderr).to.equal(0);
      const rows = JSON.parse(result.stdout) as Array<{ class: string; keep_days: number; rows: number }>;
      expect(rows.map((r) => r.class)).to.include.members(['sessions', 'samples', 'post_auth_log', 'devices', 'subscribers', 'otp_codes']);
      expect(rows.find((r) => r.class === 'post_auth_log')).to.include({ keep_days: 90, rows: 2 });
      expect((await testDb()('post_auth_log').select('username')).map((r) => r.username)).to.deep.equal(['fresh']);
      const table = await runCli(['purge']);
      expect(table.code, table.stderr).to.equal(0);
      expect(linesOf(table.stdout).at(-1)).to.equal('purged: 0 rows');
    });
  });
});
