import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecretBox } from '../../../core/crypto.js';
import { linesOf, runCli } from '../../helpers/run-cli.js';
import { resetTables, testDb, TEST_SECRET_KEY } from '../../helpers/test-db.js';

const dir = mkdtempSync(join(tmpdir(), 'citywifi-import-'));
function csv(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
const box = createSecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));

describe('citywifi sites import', function () {
  this.timeout(30_000);
  beforeEach(() => resetTables());
  const siteCount = async () => Number((await testDb()('sites').count('* as n').first())!.n);

  it('inserts sites with kelurahan by code, name or alias, and the router password encrypted', async () => {
    const file = csv('good.csv', [
      'code,name,kelurahan,router_host,lat,lon,category,router_port,router_user,router_password,router_tls,installed_on,commissioned_on',
      'TK-1,Taman Kota 1,36.74.01.1001,10.10.0.1,-6.3223,106.6943,park,8729,api,s3cret!,yes,2026-01-02,2026-01-05',
      'TK-2,"Masjid Raya, Serpong",rawa buntu,10.10.0.2,,,mosque,,,,,,',
      'TK-3,Kantor Lurah,Rawabuntu,router3.example.id,,,,,,,no,,',
      '',
    ].join('\n'));
    const result = await runCli(['sites', 'import', file]);
    expect(result.stderr).to.equal(''); // not a terminal: no progress counter
    expect(result.code).to.equal(0);
    expect(result.stdout).to.match(/^sites imported: file=\S+good\.csv inserted=3 updated=0\n$/);
    const rows = await testDb()('sites').orderBy('code').select('*');
    expect(rows.map((r) => [r.code, r.area_code])).to.deep.equal([['TK-1', '36.74.01.1001'], ['TK-2', '36.74.01.1002'], ['TK-3', '36.74.01.1002']]);
    expect(rows[0]).to.include({ router_port: 8729, router_tls: true, router_user: 'api', category: 'park', lat: -6.3223 });
    expect(rows[0].router_password_enc).to.be.a('string').and.not.include('s3cret');
    expect(box.decrypt(rows[0].router_password_enc)).to.equal('s3cret!');
    expect(rows[1]).to.include({ name: 'Masjid Raya, Serpong', router_tls: false, router_password_enc: null });
    expect(rows[0].commissioned_on).to.not.equal(null);
  });

  it('updates by code, touching only the columns the file has', async () => {
    await runCli(['sites', 'import', csv('first.csv', 'code,name,kelurahan,router_host,category\nTK-1,Taman,36.74.01.1001,10.0.0.1,park\n')]);
    const result = await runCli(['sites', 'import', csv('second.csv', 'code,name,kelurahan,router_host\nTK-1,Taman Kota,36.74.01.1001,10.0.0.9\nTK-2,Baru,36.74.01.1001,10.0.0.2\n')]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/inserted=1 updated=1/);
    const row = await testDb()('sites').where({ code: 'TK-1' }).first();
    expect(row).to.include({ name: 'Taman Kota', router_host: '10.0.0.9', category: 'park' });
    expect(await siteCount()).to.equal(2);
  });

  it('reports every bad row by line and column and changes nothing', async () => {
    await runCli(['sites', 'import', csv('seed.csv', 'code,name,kelurahan,router_host\nKEEP,Keep me,36.74.01.1001,10.0.0.1\n')]);
    const file = csv('bad.csv', [
      'code,name,kelurahan,router_host,router_port,commissioned_on,router_tls,router_password',
      'OK-1,Fine,36.74.01.1001,10.0.0.5,,,,',
      'KEEP,Renamed,Atlantis,10.0.0.1,70000,2026-02-30,maybe,hunter2',
      ',No code,36.74.01.1001,,,,,',
      'OK-1,Twice,Serpong Utara,10.0.0.6,,,,',
    ].join('\n'));
    const result = await runCli(['sites', 'import', file]);
    expect(result.code).to.equal(2);
    expect(result.stdout).to.equal('');
    const lines = linesOf(result.stderr).map((l) => l.replace(`${file}: `, ''));
    expect(lines).to.deep.equal([
      'line 3, column kelurahan: no kelurahan known as "Atlantis" (use its Kemendagri code, e.g. 36.74.01.1001, or its name)',
      'line 3, column router_port: "70000" is not a port (1 to 65535)',
      'line 3, column commissioned_on: "2026-02-30" is not a date (YYYY-MM-DD)',
      'line 3, column router_tls: "maybe" is not yes or no (true/false, 1/0 also do)',
      'line 4, column code: required',
      'line 4, column router_host: required',
      'line 5, column code: "OK-1" is already on line 2',
      'line 5, column kelurahan: "Serpong Utara" is a kecamatan; name one of its kelurahan',
      `citywifi: sites import: 3 bad rows in ${file}; nothing was changed`,
    ]);
    expect(result.stderr).to.not.include('hunter2');
    expect(await testDb()('sites').orderBy('code').select('code', 'name')).to.deep.equal([{ code: 'KEEP', name: 'Keep me' }]);
  });

  it('refuses a file without a required column or with an unknown one', async () => {
    const result = await runCli(['sites', 'import', csv('header.csv', 'code,name,router_host,colour\nA,B,10.0.0.1,red\n')]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include('line 1, column colour: unknown column');
    expect(result.stderr).to.include('line 1, column kelurahan: required column missing');
    expect(await siteCount()).to.equal(0);
  });

  it('refuses a NAS address that no NAS has', async () => {
    const result = await runCli(['sites', 'import', csv('nas.csv', 'code,name,kelurahan,router_host,nas_address\nA,B,36.74.01.1001,10.0.0.1,10.9.9.9\n')]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include('line 2, column nas_address: no NAS with address 10.9.9.9');
  });
});
