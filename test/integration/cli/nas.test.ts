import { expect } from 'chai';
import { createSecretBox } from '../../../core/crypto.js';
import { expectRefused, linesOf, runCli } from '../../helpers/run-cli.js';
import { resetTables, TEST_SECRET_KEY, testDb } from '../../helpers/test-db.js';

const box = createSecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));
const SECRET = 'rahasia-router-123';

describe('citywifi nas', function () {
  this.timeout(30_000);
  beforeEach(() => resetTables());

  const nasCount = async () => Number((await testDb()('nas').count('* as n').first())!.n);

  it('adds a router with its secret encrypted, never in clear', async () => {
    const result = await runCli(['nas', 'add', '--name', 'taman-kota-1', '--address', '10.20.0.1', '--secret', SECRET]);
    expect(result.stderr).to.equal('');
    expect(result.code).to.equal(0);
    expect(linesOf(result.stdout)).to.deep.equal([
      'nas added: name=taman-kota-1 address=10.20.0.1 site=- identifier=- coa-port=3799 require-message-authenticator=yes',
    ]);
    const row = await testDb()('nas').where({ name: 'taman-kota-1' }).first();
    expect(row.address).to.equal('10.20.0.1');
    expect(row.secret_enc).not.to.contain(SECRET);
    expect(box.decrypt(row.secret_enc)).to.equal(SECRET);
    expect(row.require_message_authenticator).to.equal(true);
  });

  it('stores the site, identifier, CoA port and an opt-out of Message-Authenticator, and normalises a CIDR', async () => {
    await testDb()('sites').insert({ code: 'TSL-0001', name: 'RPTRA Kenanga' });
    const result = await runCli([
      'nas', 'add', '--name', 'rptra-kenanga', '--address', '10.30.7.9/24', '--secret', SECRET, '--site', 'TSL-0001',
      '--identifier', 'hs-rptra-kenanga', '--coa-port', '1700', '--no-require-message-authenticator',
    ]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal(
      'nas added: name=rptra-kenanga address=10.30.7.0/24 site=TSL-0001 identifier=hs-rptra-kenanga coa-port=1700 require-message-authenticator=no\n',
    );
    const row = await testDb()('nas as n').join('sites as s', 's.id', 'n.site_id').select('n.*', 's.code').first();
    expect(row).to.include({ address: '10.30.7.0/24', code: 'TSL-0001', nas_identifier: 'hs-rptra-kenanga', coa_port: 1700, require_message_authenticator: false });
  });

  it('refuses a bad address in one line and writes nothing', async () => {
    expectRefused(await runCli(['nas', 'add', '--name', 'x', '--address', '10.20.0', '--secret', SECRET]), /--address: "10\.20\.0" is not an IPv4 or IPv6 address/);
    expectRefused(await runCli(['nas', 'add', '--name', 'x', '--address', '10.20.0.0/33', '--secret', SECRET]), /--address/);
    expect(await nasCount()).to.equal(0);
  });

  it('refuses an unknown site, a bad port and a missing option, and writes nothing', async () => {
    expectRefused(await runCli(['nas', 'add', '--name', 'x', '--address', '10.0.0.1', '--secret', SECRET, '--site', 'NOPE']), /no site with code "NOPE"/);
    expectRefused(await runCli(['nas', 'add', '--name', 'x', '--address', '10.0.0.1', '--secret', SECRET, '--coa-port', '0']), /--coa-port: "0" is out of range/);
    expectRefused(await runCli(['nas', 'add', '--name', 'x', '--address', '10.0.0.1']), /required option '--secret <secret>'/);
    expect(await nasCount()).to.equal(0);
  });

  it('refuses a second router with the same name or address in one line', async () => {
    expect((await runCli(['nas', 'add', '--name', 'r1', '--address', '10.0.0.1', '--secret', SECRET])).code).to.equal(0);
    expectRefused(await runCli(['nas', 'add', '--name', 'r1', '--address', '10.0.0.2', '--secret', SECRET]), /a NAS named "r1" already exists/);
    expectRefused(await runCli(['nas', 'add', '--name', 'r2', '--address', '10.0.0.1/32', '--secret', SECRET]), /a NAS with address 10\.0\.0\.1 already exists/);
    expect(await nasCount()).to.equal(1);
  });

  it('lists routers as a table and as JSON without any secret', async () => {
    await runCli(['nas', 'add', '--name', 'b-router', '--address', '10.0.0.2', '--secret', SECRET]);
    await runCli(['nas', 'add', '--name', 'a-router', '--address', '2001:DB8::1', '--secret', SECRET, '--no-require-message-authenticator']);
    const table = await runCli(['nas', 'list']);
    expect(table.code).to.equal(0);
    const lines = linesOf(table.stdout);
    expect(lines).to.have.length(3);
    expect(lines[0]).to.match(/^NAME\s+ADDRESS\s+SITE/);
    expect(lines[1]).to.match(/^a-router\s+2001:db8::1\s+-\s+-\s+3799\s+no$/);
    expect(lines[2]).to.match(/^b-router\s+10\.0\.0\.2\s+-\s+-\s+3799\s+yes$/);

    const json = await runCli(['nas', 'list', '--json']);
    const listed = JSON.parse(json.stdout);
    expect(listed.map((n: { name: string }) => n.name)).to.deep.equal(['a-router', 'b-router']);
    expect(listed[0]).to.include({ address: '2001:db8::1', coaPort: 3799, requireMessageAuthenticator: false });
    const encrypted = (await testDb()('nas').pluck('secret_enc')) as string[];
    for (const output of [table.stdout, json.stdout]) {
      expect(output).not.to.contain(SECRET);
      expect(output).not.to.match(/secret/i);
      for (const sealed of encrypted) expect(output).not.to.contain(sealed);
    }
  });

  it('says so when no router is registered', async () => {
    expect((await runCli(['nas', 'list'])).stdout).to.equal('no NAS registered\n');
    expect(JSON.parse((await runCli(['nas', 'list', '--json'])).stdout)).to.deep.equal([]);
  });

  it('removes a router by name and refuses an unknown name', async () => {
    await runCli(['nas', 'add', '--name', 'r1', '--address', '10.0.0.1', '--secret', SECRET]);
    const removed = await runCli(['nas', 'remove', '--name', 'r1']);
    expect(removed.code).to.equal(0);
    expect(removed.stdout).to.equal('nas removed: name=r1\n');
    expect(await nasCount()).to.equal(0);
    expectRefused(await runCli(['nas', 'remove', '--name', 'r1']), /no NAS named "r1"/);
  });

  it('explains every option in --help', async () => {
    const help = await runCli(['nas', 'add', '--help']);
    expect(help.code).to.equal(0);
    for (const option of ['--name', '--address', '--secret', '--site', '--identifier', '--coa-port', '--no-require-message-authenticator']) {
      expect(help.stdout).to.contain(option);
    }
  });
});
