import { expect } from 'chai';
import { verifyPassword } from '../../../core/crypto.js';
import { findLiveApiToken } from '../../../core/db/queries/api-tokens.js';
import { dashboardBox, resetDashboardTables } from '../../helpers/dashboard-fixture.js';
import { expectRefused, linesOf, runCli } from '../../helpers/run-cli.js';
import { testDb } from '../../helpers/test-db.js';

const adminCount = async () => Number((await testDb()('admin_users').count('* as n').first())!.n);

describe('citywifi admin', function () {
  this.timeout(30_000);
  beforeEach(async () => {
    await resetDashboardTables();
  });

  describe('add', () => {
    it('adds a dashboard account with an argon2id hash, never the password, and records it in the audit log', async () => {
      const result = await runCli(['admin', 'add', '--username', 'Sari.Diskominfo', '--password', 'Laporan-Bulanan-77', '--role', 'reporter,engineer']);
      expect(result.stderr).to.equal('');
      expect(result.code).to.equal(0);
      expect(result.stdout).to.equal('admin added: username=sari.diskominfo roles=engineer,reporter\n');
      const row = await testDb()('admin_users').first();
      expect(row).to.include({ username: 'sari.diskominfo', disabled: false });
      expect(row.roles).to.deep.equal(['engineer', 'reporter']);
      expect(row.password_hash).to.match(/^\$argon2id\$/).and.not.contain('Laporan');
      expect(await verifyPassword('Laporan-Bulanan-77', row.password_hash)).to.equal(true);
      const audit = await testDb()('audit_log').select('actor', 'action', 'target', 'details');
      expect(audit).to.deep.equal([{ actor: 'cli', action: 'admin-add', target: 'sari.diskominfo', details: { roles: ['engineer', 'reporter'] } }]);
    });

    it('refuses a weak password, an unknown role, a bad name and missing options with one clear line, writing nothing', async () => {
      expectRefused(await runCli(['admin', 'add', '--username', 'sari', '--password', 'pendek', '--role', 'admin']), /--password: the password is too weak: use at least 12 characters/);
      expectRefused(await runCli(['admin', 'add', '--username', 'sari', '--password', 'sari-punya-sandi', '--role', 'admin']), /--password: the password is too weak: it must not contain the username/);
      expectRefused(await runCli(['admin', 'add', '--username', 'sari', '--password', 'password1234', '--role', 'admin']), /well-known password/);
      expectRefused(await runCli(['admin', 'add', '--username', 'sari', '--password', 'Laporan-Bulanan-77', '--role', 'admin,boss']), /--role: unknown role "boss"; the roles are admin, engineer, reporter/);
      expectRefused(await runCli(['admin', 'add', '--username', 'sari', '--password', 'Laporan-Bulanan-77', '--role', ',']), /--role: give at least one role/);
      expectRefused(await runCli(['admin', 'add', '--username', 'si sari', '--password', 'Laporan-Bulanan-77', '--role', 'admin']), /--username: use 3 to 64 characters/);
      expectRefused(await runCli(['admin', 'add', '--username', 'sari', '--password', 'Laporan-Bulanan-77']), /required option '--role <roles>'/);
      expect(await adminCount()).to.equal(0);
      expect(await testDb()('audit_log').count('* as n').first()).to.deep.equal({ n: 0 });
    });

    it('refuses an existing username (whatever its case) with exit 2, keeping the first account', async () => {
      expect((await runCli(['admin', 'add', '--username', 'adi', '--password', 'Laporan-Bulanan-77', '--role', 'admin'])).code).to.equal(0);
      expectRefused(await runCli(['admin', 'add', '--username', 'ADI', '--password', 'Sandi-Lain-Sekali-9', '--role', 'reporter']), /an admin account named "adi" already exists/);
      const row = await testDb()('admin_users').first();
      expect(row.roles).to.deep.equal(['admin']);
      expect(await verifyPassword('Laporan-Bulanan-77', row.password_hash)).to.equal(true);
      expect(await adminCount()).to.equal(1);
    });
  });

  describe('token', () => {
    it('prints a token once on stdout, keeps only its hash, and the token opens the API with its roles', async () => {
      const result = await runCli(['admin', 'token', '--name', 'satu-data', '--role', 'reporter']);
      expect(result.code, result.stderr).to.equal(0);
      const lines = linesOf(result.stdout);
      expect(lines).to.have.length(1);
      const token = lines[0];
      expect(token).to.match(/^cwt_[A-Za-z0-9_-]{43}$/);
      expect(result.stderr).to.contain('shown only this once');
      const rows = await testDb()('api_tokens').select();
      expect(rows).to.have.length(1);
      expect(JSON.stringify(rows)).not.to.contain(token.slice(4));
      expect(rows[0]).to.include({ name: 'satu-data', created_by: 'cli', revoked_at: null });
      const found = await findLiveApiToken(testDb(), dashboardBox, token, new Date());
      expect(found?.roles).to.deep.equal(['reporter']);
      expect(await testDb()('audit_log').select('actor', 'action', 'target')).to.deep.equal([{ actor: 'cli', action: 'api-token-add', target: 'satu-data' }]);
    });

    it('refuses a name already used and an unknown role, making no token', async () => {
      expect((await runCli(['admin', 'token', '--name', 'satu-data', '--role', 'reporter'])).code).to.equal(0);
      expectRefused(await runCli(['admin', 'token', '--name', 'satu-data', '--role', 'admin']), /an API token named "satu-data" already exists/);
      expectRefused(await runCli(['admin', 'token', '--name', 'lain', '--role', 'superuser']), /--role: unknown role "superuser"/);
      expectRefused(await runCli(['admin', 'token', '--name', 'dua kata', '--role', 'reporter']), /--name: only letters, digits/);
      expect(await testDb()('api_tokens').count('* as n').first()).to.deep.equal({ n: 1 });
    });
  });

  describe('password', () => {
    it('sets an account\'s password, ends all its sessions, audits it, and never prints the password', async () => {
      expect((await runCli(['admin', 'add', '--username', 'sari', '--password', 'Laporan-Bulanan-77', '--role', 'reporter'])).code).to.equal(0);
      const sari = await testDb()('admin_users').where({ username: 'sari' }).first();
      await testDb()('admin_sessions').insert([
        { id: 'sesi-1', admin_id: sari.id, expires_at: new Date(Date.now() + 3600_000) },
        { id: 'sesi-2', admin_id: sari.id, expires_at: new Date(Date.now() + 3600_000) },
      ]);
      const result = await runCli(['admin', 'password', '--username', 'SARI', '--password', 'Sandi-Pengganti-2027']);
      expect(result.stderr).to.equal('');
      expect(result.code).to.equal(0);
      expect(result.stdout).to.equal('password set: username=sari sessions_ended=2\n');
      const row = await testDb()('admin_users').where({ username: 'sari' }).first();
      expect(await verifyPassword('Sandi-Pengganti-2027', row.password_hash)).to.equal(true);
      expect(await verifyPassword('Laporan-Bulanan-77', row.password_hash)).to.equal(false);
      expect(await testDb()('admin_sessions').count('* as n').first()).to.deep.equal({ n: 0 });
      const audit = await testDb()('audit_log').where({ action: 'admin-password-set' }).select('actor', 'target', 'details');
      expect(audit).to.deep.equal([{ actor: 'cli', target: 'sari', details: { sessionsEnded: 2 } }]);
      expect(JSON.stringify(await testDb()('audit_log').select())).not.to.contain('Sandi-Pengganti');
    });

    it('refuses an unknown account and a weak password with one clear line, changing nothing', async () => {
      expect((await runCli(['admin', 'add', '--username', 'sari', '--password', 'Laporan-Bulanan-77', '--role', 'reporter'])).code).to.equal(0);
      expectRefused(await runCli(['admin', 'password', '--username', 'budi', '--password', 'Sandi-Pengganti-2027']), /--username: there is no admin account named "budi"/);
      expectRefused(await runCli(['admin', 'password', '--username', 'sari', '--password', 'pendek']), /--password: the password is too weak: use at least 12 characters/);
      expectRefused(await runCli(['admin', 'password', '--username', 'sari', '--password', 'sari-sandi-baru']), /it must not contain the username/);
      expectRefused(await runCli(['admin', 'password', '--username', 'sari']), /required option '--password <password>'/);
      const row = await testDb()('admin_users').where({ username: 'sari' }).first();
      expect(await verifyPassword('Laporan-Bulanan-77', row.password_hash)).to.equal(true);
      expect(await testDb()('audit_log').where({ action: 'admin-password-set' }).count('* as n').first()).to.deep.equal({ n: 0 });
    });
  });

  describe('token --revoke', () => {
    it('revokes a token by name: it stops opening the API at once; the revoke is audited', async () => {
      const token = linesOf((await runCli(['admin', 'token', '--name', 'satu-data', '--role', 'reporter'])).stdout)[0];
      expect((await runCli(['admin', 'token', '--name', 'lain', '--role', 'reporter'])).code).to.equal(0);
      const result = await runCli(['admin', 'token', '--revoke', 'satu-data']);
      expect(result.stderr).to.equal('');
      expect(result.code).to.equal(0);
      expect(result.stdout).to.equal('API token revoked: name=satu-data roles=reporter\n');
      expect(await findLiveApiToken(testDb(), dashboardBox, token, new Date())).to.equal(undefined);
      expect((await testDb()('api_tokens').where({ name: 'lain' }).first()).revoked_at).to.equal(null);
      const audit = await testDb()('audit_log').where({ action: 'api-token-revoke' }).select('actor', 'target');
      expect(audit).to.deep.equal([{ actor: 'cli', target: 'satu-data' }]);
    });

    it('refuses an unknown or already revoked name, and --revoke with --name or --role, with one clear line', async () => {
      expect((await runCli(['admin', 'token', '--name', 'satu-data', '--role', 'reporter'])).code).to.equal(0);
      expectRefused(await runCli(['admin', 'token', '--revoke', 'tidak-ada']), /--revoke: there is no API token named "tidak-ada"/);
      expect((await runCli(['admin', 'token', '--revoke', 'satu-data'])).code).to.equal(0);
      expectRefused(await runCli(['admin', 'token', '--revoke', 'satu-data']), /--revoke: the API token "satu-data" was already revoked on \d{4}-/);
      expectRefused(await runCli(['admin', 'token', '--revoke', 'satu-data', '--role', 'admin']), /--revoke: give it alone, without --name or --role/);
      expectRefused(await runCli(['admin', 'token', '--role', 'admin']), /required option '--name <name>'/);
      expectRefused(await runCli(['admin', 'token', '--name', 'baru']), /required option '--role <roles>'/);
      expect(await testDb()('audit_log').where({ action: 'api-token-revoke' }).count('* as n').first()).to.deep.equal({ n: 1 });
    });
  });
});
