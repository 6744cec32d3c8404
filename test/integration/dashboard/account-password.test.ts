import { expect } from 'chai';
import { verifyPassword } from '../../../core/crypto.js';
import { USER_FAILURE_LIMIT } from '../../../dashboard/routes/sign-in.js';
import { Agent, PASSWORD, resetDashboardTables, seedAccounts, startDashboardFixture, type DashboardFixture } from '../../helpers/dashboard-fixture.js';
import { testDb } from '../../helpers/test-db.js';

const NEW_PASSWORD = 'Sandi-Baru-Laporan-2027';

async function hashOf(username: string): Promise<string> {
  return (await testDb()('admin_users').where({ username }).first('password_hash')).password_hash;
}

describe('dashboard: changing one\'s own password', function () {
  this.timeout(60_000);
  let dashboard: DashboardFixture;
  let rina: Agent;

  beforeEach(async () => {
    await resetDashboardTables();
    await seedAccounts();
    dashboard = await startDashboardFixture();
    rina = new Agent(dashboard.url);
    expect((await rina.signIn('rina')).status).to.equal(303);
  });
  afterEach(() => dashboard.close());

  it('changes it with the current password, keeps this session, ends the other sessions of the account, and audits it', async () => {
    const otherDevice = new Agent(dashboard.url);
    await otherDevice.signIn('rina');
    const someoneElse = new Agent(dashboard.url);
    await someoneElse.signIn('eka');
    // the link is in every page's header
    expect((await rina.get('/')).body).to.contain('href="/account/password"');

    const form = await rina.get('/account/password');
    expect(form.status).to.equal(200);
    expect(form.body).to.contain('Kata sandi sekarang').and.contain('autocomplete="current-password"');
    const changed = await rina.post('/account/password', { current_password: PASSWORD, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
    expect(changed.status).to.equal(303);
    expect(changed.response.headers.get('location')).to.equal('/account/password?done=changed');
    expect((await rina.get('/account/password?done=changed')).body).to.contain('Kata sandi diganti. Sesi Anda yang lain sudah diakhiri.');

    expect(await verifyPassword(NEW_PASSWORD, await hashOf('rina'))).to.equal(true);
    expect((await rina.get('/')).status).to.equal(200);
    expect((await otherDevice.get('/')).status, 'the other session of rina').to.equal(303);
    expect((await someoneElse.get('/')).status, 'another account').to.equal(200);
    expect((await new Agent(dashboard.url).signIn('rina', PASSWORD)).status).to.equal(401);
    expect((await new Agent(dashboard.url).signIn('rina', NEW_PASSWORD)).status).to.equal(303);
    const audit = await testDb()('audit_log').where({ action: 'admin-password-change' }).select('actor', 'target', 'details');
    expect(audit).to.deep.equal([{ actor: 'rina', target: 'rina', details: { sessionsEnded: 1 } }]);
    expect(JSON.stringify(await testDb()('audit_log').select())).not.to.contain(NEW_PASSWORD).and.not.to.contain(PASSWORD);
  });

  it('refuses a wrong current password, a weak or mismatched new one, or the same one, changing nothing', async () => {
    const before = await hashOf('rina');
    await rina.get('/account/password');
    const cases: Array<[Record<string, string>, number, string]> = [
      [{ current_password: '', new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD }, 400, 'Isi ketiga kolom.'],
      [{ current_password: 'bukan-sandinya-123', new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD }, 400, 'Kata sandi sekarang salah.'],
      [{ current_password: PASSWORD, new_password: NEW_PASSWORD, confirm_password: `${NEW_PASSWORD}x` }, 400, 'Kedua isian kata sandi baru tidak sama.'],
      [{ current_password: PASSWORD, new_password: 'pendek-1', confirm_password: 'pendek-1' }, 400, 'gunakan minimal 12 karakter'],
      [{ current_password: PASSWORD, new_password: 'rina-punya-sandi', confirm_password: 'rina-punya-sandi' }, 400, 'jangan memuat nama pengguna'],
      [{ current_password: PASSWORD, new_password: 'password1234', confirm_password: 'password1234' }, 400, 'kata sandi ini umum dipakai'],
      [{ current_password: PASSWORD, new_password: PASSWORD, confirm_password: PASSWORD }, 400, 'Kata sandi baru harus berbeda dari yang sekarang.'],
    ];
    for (const [form, status, message] of cases) {
      const result = await rina.post('/account/password', form);
      expect(result.status, JSON.stringify(form)).to.equal(status);
      expect(result.body).to.match(/class="alert" role="alert"/);
      expect(result.body).to.contain(message);
    }
    expect(await hashOf('rina')).to.equal(before);
    expect(await testDb()('audit_log').where({ action: 'admin-password-change' }).count('* as n').first()).to.deep.equal({ n: 0 });
    // a form without the session's CSRF token is refused
    expect((await rina.post('/account/password', { current_password: PASSWORD, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD }, { csrf: false })).status).to.equal(403);
    expect(await hashOf('rina')).to.equal(before);
  });

  it(`counts a wrong current password as a failed sign-in: after ${USER_FAILURE_LIMIT} the username is locked, even for the right one`, async () => {
    await rina.get('/account/password');
    for (let i = 1; i < USER_FAILURE_LIMIT; i++) {
      expect((await rina.post('/account/password', { current_password: `tebakan-${i}-xxxx`, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD })).status).to.equal(400);
    }
    const last = await rina.post('/account/password', { current_password: 'tebakan-akhir-xx', new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
    expect(last.status).to.equal(429);
    expect(last.body).to.contain('Coba lagi dalam 15 menit.');
    const right = await rina.post('/account/password', { current_password: PASSWORD, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
    expect(right.status).to.equal(429);
    expect((await new Agent(dashboard.url).signIn('rina')).status).to.equal(429);
    dashboard.clock.advance(15 * 60);
    expect((await rina.post('/account/password', { current_password: PASSWORD, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD })).status).to.equal(303);
  });
});
