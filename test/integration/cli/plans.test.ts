import { expect } from 'chai';
import { expectRefused, linesOf, runCli } from '../../helpers/run-cli.js';
import { resetTables, testDb } from '../../helpers/test-db.js';

describe('citywifi plans', function () {
  this.timeout(30_000);
  beforeEach(() => resetTables());

  const planCount = async () => Number((await testDb()('plans').count('* as n').first())!.n);

  it('adds a plan with every limit, in seconds and bytes', async () => {
    const result = await runCli([
      'plans', 'add', '--name', 'warga', '--rate-limit', '2M/5M', '--session-timeout', '2h', '--idle-timeout', '900',
      '--daily-time', '4h', '--daily-bytes', '2G', '--simultaneous-use', '2', '--interim-interval', '5m',
    ]);
    expect(result.stderr).to.equal('');
    expect(result.code).to.equal(0);
    expect(result.stdout).to.equal(
      'plan added: name=warga rate-limit=2M/5M session-timeout=2h idle-timeout=15m daily-time=4h daily-bytes=2G simultaneous-use=2 interim-interval=5m\n',
    );
    const row = await testDb()('plans').where({ name: 'warga' }).first();
    expect(row).to.include({
      rate_limit: '2M/5M', session_timeout: 7200, idle_timeout: 900, daily_time: 14_400, daily_bytes: 2 * 1024 ** 3,
      simultaneous_use: 2, interim_interval: 300, remember_device_days: 7,
    });
  });

  it('adds a plan with no limits, and a rate limit with bursts (quoted in the output)', async () => {
    expect((await runCli(['plans', 'add', '--name', 'staf'])).stdout).to.equal(
      'plan added: name=staf rate-limit=- session-timeout=- idle-timeout=- daily-time=- daily-bytes=- simultaneous-use=- interim-interval=-\n',
    );
    const burst = await runCli(['plans', 'add', '--name', 'cepat', '--rate-limit', '1M/2M 2M/4M 768k/1500k 16/16']);
    expect(burst.stdout).to.match(/rate-limit="1M\/2M 2M\/4M 768k\/1500k 16\/16" /);
    const rows = await testDb()('plans').orderBy('name').select('name', 'rate_limit', 'daily_bytes');
    expect(rows).to.deep.equal([
      { name: 'cepat', rate_limit: '1M/2M 2M/4M 768k/1500k 16/16', daily_bytes: null },
      { name: 'staf', rate_limit: null, daily_bytes: null },
    ]);
  });

  it('refuses a bad rate limit, duration, size or count in one line and writes nothing', async () => {
    expectRefused(await runCli(['plans', 'add', '--name', 'x', '--rate-limit', '5Mbps']), /^citywifi: --rate-limit: the rate "5Mbps"/);
    expectRefused(await runCli(['plans', 'add', '--name', 'x', '--rate-limit', '1M 2M 1M 10 9']), /--rate-limit: the priority "9"/);
    expectRefused(await runCli(['plans', 'add', '--name', 'x', '--session-timeout', '2 jam']), /--session-timeout: "2 jam" is not a duration/);
    expectRefused(await runCli(['plans', 'add', '--name', 'x', '--daily-bytes', '2TB5']), /--daily-bytes: "2TB5" is not a size/);
    expectRefused(await runCli(['plans', 'add', '--name', 'x', '--simultaneous-use', '0']), /--simultaneous-use: "0" is out of range/);
    expectRefused(await runCli(['plans', 'add', '--name', 'x', '--interim-interval', '30s']), /--interim-interval: "30s" is shorter than 60 seconds/);
    expectRefused(await runCli(['plans', 'add', '--rate-limit', '2M']), /required option '--name <name>'/);
    expect(await planCount()).to.equal(0);
  });

  it('refuses a second plan with the same name in one line', async () => {
    await runCli(['plans', 'add', '--name', 'warga', '--rate-limit', '2M/5M']);
    expectRefused(await runCli(['plans', 'add', '--name', 'warga', '--rate-limit', '1M/1M']), /a plan named "warga" already exists/);
    expect(await testDb()('plans').pluck('rate_limit')).to.deep.equal(['2M/5M']);
  });

  it('lists plans as a table and as JSON', async () => {
    await runCli(['plans', 'add', '--name', 'warga', '--rate-limit', '2M/5M', '--daily-time', '4h']);
    await runCli(['plans', 'add', '--name', 'pelajar', '--daily-bytes', '500M']);
    const table = linesOf((await runCli(['plans', 'list'])).stdout);
    expect(table).to.have.length(3);
    expect(table[0]).to.match(/^NAME\s+RATE-LIMIT\s+SESSION\s+IDLE\s+DAILY-TIME\s+DAILY-BYTES/);
    expect(table[1]).to.match(/^pelajar\s+-\s+-\s+-\s+-\s+500M\s+-\s+-$/);
    expect(table[2]).to.match(/^warga\s+2M\/5M\s+-\s+-\s+4h\s+-\s+-\s+-$/);
    const json = JSON.parse((await runCli(['plans', 'list', '--json'])).stdout);
    expect(json).to.deep.equal([
      { name: 'pelajar', rateLimit: null, sessionTimeout: null, idleTimeout: null, dailyTime: null, dailyBytes: 500 * 1024 ** 2, simultaneousUse: null, interimInterval: null, rememberDeviceDays: 7 },
      { name: 'warga', rateLimit: '2M/5M', sessionTimeout: null, idleTimeout: null, dailyTime: 14_400, dailyBytes: null, simultaneousUse: null, interimInterval: null, rememberDeviceDays: 7 },
    ]);
  });

  it('says in --help that sizes are multiples of 1024', async () => {
    const help = await runCli(['plans', 'add', '--help']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/multiples of\s+1024/);
    for (const option of ['--rate-limit', '--session-timeout', '--idle-timeout', '--daily-time', '--daily-bytes', '--simultaneous-use', '--interim-interval']) {
      expect(help.stdout).to.contain(option);
    }
  });
});
