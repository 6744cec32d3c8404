import { expect } from 'chai';
import { addPlan } from '../../../core/db/queries/plans.js';
import { expectRefused, runCli } from '../../helpers/run-cli.js';
import { resetTables, testDb } from '../../helpers/test-db.js';

describe('citywifi sites add', function () {
  this.timeout(30_000);
  beforeEach(() => resetTables());

  const siteCount = async () => Number((await testDb()('sites').count('* as n').first())!.n);

  it('adds a site in its kelurahan (by name or alias), with its login methods, plan and hotspot host', async () => {
    await addPlan(testDb(), { name: 'warga' });
    const result = await runCli([
      'sites', 'add', '--code', 'TSP-001', '--name', 'Taman Kota 1', '--kelurahan', 'rawa buntu', '--category', 'park',
      '--login-methods', 'click,voucher', '--plan', 'warga', '--hotspot-host', 'hotspot.tamankota1.id',
    ]);
    expect(result.stderr).to.equal('');
    expect(result.code).to.equal(0);
    expect(result.stdout).to.match(/^site added: code=TSP-001 name="Taman Kota 1" kelurahan=36\.74\.01\.1002 login-methods=click,voucher/);
    const row = await testDb()('sites').where({ code: 'TSP-001' }).first();
    expect(row).to.include({ name: 'Taman Kota 1', area_code: '36.74.01.1002', category: 'park', hotspot_host: 'hotspot.tamankota1.id' });
    expect(row.login_methods).to.deep.equal(['click', 'voucher']);
    expect(row.plan_id).to.be.a('number');
  });

  it('takes the Kemendagri code, and offers every login method by default', async () => {
    expect((await runCli(['sites', 'add', '--code', 'CPT-7', '--name', 'RPTRA Cempaka', '--kelurahan', '36.74.04.1004'])).code).to.equal(0);
    const row = await testDb()('sites').where({ code: 'CPT-7' }).first();
    expect(row.area_code).to.equal('36.74.04.1004');
    expect(row.login_methods).to.deep.equal(['click', 'otp', 'voucher']);
  });

  it('refuses an unknown kelurahan, a kecamatan, a bad method, an unknown plan or a taken code in one line, writing nothing', async () => {
    expectRefused(await runCli(['sites', 'add', '--code', 'A1', '--name', 'A', '--kelurahan', 'Atlantis']), /--kelurahan: no kelurahan known as "Atlantis"/);
    expectRefused(await runCli(['sites', 'add', '--code', 'A1', '--name', 'A', '--kelurahan', 'Serpong Utara']), /is a kecamatan/);
    expectRefused(await runCli(['sites', 'add', '--code', 'A1', '--name', 'A', '--login-methods', 'click,facebook']), /unknown method "facebook"/);
    expectRefused(await runCli(['sites', 'add', '--code', 'A1', '--name', 'A', '--plan', 'emas']), /no plan named "emas"/);
    expectRefused(await runCli(['sites', 'add', '--code', 'a b', '--name', 'A']), /--code: only letters, digits/);
    expect(await siteCount()).to.equal(0);
    expect((await runCli(['sites', 'add', '--code', 'A1', '--name', 'A'])).code).to.equal(0);
    expectRefused(await runCli(['sites', 'add', '--code', 'A1', '--name', 'B']), /already exists/);
    expect(await siteCount()).to.equal(1);
  });
});
