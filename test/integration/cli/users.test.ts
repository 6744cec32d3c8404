import { expect } from 'chai';
import { createSecretBox } from '../../../core/crypto.js';
import { expectRefused, runCli } from '../../helpers/run-cli.js';
import { resetTables, TEST_SECRET_KEY, testDb } from '../../helpers/test-db.js';

const box = createSecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));

describe('citywifi users', function () {
  this.timeout(30_000);
  beforeEach(async () => {
    await resetTables();
    await testDb()('plans').insert({ name: 'staf', rate_limit: '10M/10M' });
  });

  const accountCount = async () => Number((await testDb()('accounts').count('* as n').first())!.n);

  it('adds an account on a plan with the password encrypted, never in clear', async () => {
    const result = await runCli(['users', 'add', '--username', 'petugas.diskominfo', '--password', 'Rahasia 2026!', '--plan', 'staf']);
    expect(result.stderr).to.equal('');
    expect(result.code).to.equal(0);
    expect(result.stdout).to.equal('user added: username=petugas.diskominfo plan=staf\n');
    const row = await testDb()('accounts as a').join('plans as p', 'p.id', 'a.plan_id').select('a.*', 'p.name as plan').first();
    expect(row).to.include({ username: 'petugas.diskominfo', plan: 'staf', blocked: false });
    expect(row.password_enc).not.to.contain('Rahasia');
    expect(box.decrypt(row.password_enc)).to.equal('Rahasia 2026!');
  });

  it('refuses an unknown plan, a username with spaces and a missing password, writing nothing', async () => {
    expectRefused(await runCli(['users', 'add', '--username', 'a', '--password', 'p', '--plan', 'vip']), /no plan named "vip"/);
    expectRefused(await runCli(['users', 'add', '--username', 'a b', '--password', 'p', '--plan', 'staf']), /--username: only printable ASCII without spaces/);
    expectRefused(await runCli(['users', 'add', '--username', 'a', '--plan', 'staf']), /required option '--password <password>'/);
    expect(await accountCount()).to.equal(0);
  });

  it('refuses a second account with the same username in one line', async () => {
    await runCli(['users', 'add', '--username', 'petugas', '--password', 'p1', '--plan', 'staf']);
    expectRefused(await runCli(['users', 'add', '--username', 'petugas', '--password', 'p2', '--plan', 'staf']), /an account named "petugas" already exists/);
    const [row] = await testDb()('accounts').select('password_enc');
    expect(box.decrypt(row.password_enc)).to.equal('p1');
  });

  it('refuses names the RADIUS server reads as another kind of login', async () => {
    expectRefused(await runCli(['users', 'add', '--username', 'cw-staff', '--password', 'p', '--plan', 'staf']), /kept for the portal/);
    expectRefused(await runCli(['users', 'add', '--username', 'AA-BB-CC-00-00-01', '--password', 'p', '--plan', 'staf']), /MAC address/);
    expect(await accountCount()).to.equal(0);
  });
});
