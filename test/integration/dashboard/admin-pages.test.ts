import { expect } from 'chai';
import { addAccount } from '../../../core/db/queries/accounts.js';
import { addPlan } from '../../../core/db/queries/plans.js';
import { addSite } from '../../../core/db/queries/sites.js';
import { CODE } from '../../../core/radius/index.js';
import { Agent, dashboardBox, resetDashboardTables, seedAccounts, startDashboardFixture, type DashboardFixture } from '../../helpers/dashboard-fixture.js';
import { hotspotAttributes, NAS_SECRET, startFixture, type RadiusFixture } from '../../helpers/radius-fixture.js';
import { testDb } from '../../helpers/test-db.js';

const SITE = 'taman-admin';
const KELURAHAN = '36.74.04.1004';

async function count(table: string, where: Record<string, unknown> = {}): Promise<number> {
  const row = await testDb()(table).where(where).count('* as n').first();
  return Number(row?.n ?? 0);
}

async function audit(action: string) {
  return testDb()('audit_log').where({ action }).orderBy('id').select('actor', 'target', 'details');
}

describe('dashboard: admin pages (plans, vouchers, NAS, sites, terms)', function () {
  this.timeout(60_000);
  let dashboard: DashboardFixture;
  let admin: Agent;

  beforeEach(async () => {
    await resetDashboardTables();
    await seedAccounts();
    await addPlan(testDb(), { name: 'warga', rateLimit: '2M/5M', sessionTimeout: 7200 });
    await addSite(testDb(), { code: SITE, name: 'Taman Admin', areaCode: KELURAHAN });
    dashboard = await startDashboardFixture();
    admin = new Agent(dashboard.url);
    expect((await admin.signIn('adi')).status).to.equal(303);
  });
  afterEach(async () => {
    await dashboard.close();
  });

  describe('roles', () => {
    const adminOnly = ['/admin/plans', '/admin/vouchers', '/admin/nas', '/admin/terms'];
    it('refuses a reporter every admin page and form, and an engineer all but the sites admin', async () => {
      const reporter = new Agent(dashboard.url);
      await reporter.signIn('rina');
      for (const path of [...adminOnly, '/admin/sites', `/admin/sites/${SITE}`]) {
        const page = await reporter.get(path);
        expect(page.status, path).to.equal(403);
        expect(page.body).to.contain('Peran Anda tidak memberi izin');
      }
      await reporter.get('/');
      expect((await reporter.post(`/admin/sites/${SITE}`, { name: 'Diubah pelapor' })).status).to.equal(403);
      expect((await reporter.post('/admin/plans', { name: 'dari-pelapor' })).status).to.equal(403);

      const engineer = new Agent(dashboard.url);
      await engineer.signIn('eka');
      for (const path of adminOnly) expect((await engineer.get(path)).status, path).to.equal(403);
      await engineer.get('/');
      expect((await engineer.post('/admin/nas', { name: 'x', address: '10.9.9.9', secret: 'rahasia-1234' })).status).to.equal(403);
      expect((await engineer.get('/admin/sites?q=admin')).body).to.contain('Taman Admin');
      expect((await engineer.get(`/admin/sites/${SITE}`)).status).to.equal(200);
      expect(await count('nas')).to.equal(0);
      expect(await count('plans', { name: 'dari-pelapor' })).to.equal(0);
    });

    it('refuses a form without the CSRF token, changing nothing', async () => {
      await admin.get('/admin/plans');
      const result = await admin.post('/admin/plans', { name: 'tanpa-token' }, { csrf: false });
      expect(result.status).to.equal(403);
      expect(await count('plans', { name: 'tanpa-token' })).to.equal(0);
    });
  });

  describe('plans', () => {
    it('adds a plan from the form, in the units an operator types, and audits it', async () => {
      await admin.get('/admin/plans');
      const added = await admin.post('/admin/plans', {
        name: 'pelajar', rateLimit: '1M/3M', sessionTimeout: '2h', idleTimeout: '10m', dailyTime: '4h', dailyBytes: '2G', simultaneousUse: '2', interimInterval: '',
      });
      expect(added.status).to.equal(303);
      const row = await testDb()('plans').where({ name: 'pelajar' }).first();
      expect(row).to.include({ rate_limit: '1M/3M', session_timeout: 7200, idle_timeout: 600, daily_time: 14400, daily_bytes: 2 * 1024 ** 3, simultaneous_use: 2, interim_interval: null });
      const list = await admin.get('/admin/plans?done=added');
      expect(list.body).to.contain('Paket ditambahkan.').and.contain('pelajar').and.contain('1M/3M');
      const [entry] = await audit('plan-add');
      expect(entry).to.include({ actor: 'adi', target: 'pelajar' });
    });

    it('refuses bad values with messages in Bahasa Indonesia (English on request) and adds nothing', async () => {
      await admin.get('/admin/plans');
      const bad = await admin.post('/admin/plans', { name: 'rusak', rateLimit: 'cepat sekali', dailyBytes: 'banyak', simultaneousUse: '0', interimInterval: '30s' });
      expect(bad.status).to.equal(400);
      expect(bad.body)
        .to.contain('Batas kecepatan tidak dapat dibaca router')
        .and.contain('Kuota data per hari harus berupa ukuran')
        .and.contain('Sesi bersamaan harus bilangan bulat 1 sampai 1000.')
        .and.contain('Interval interim harus durasi minimal 60 detik')
        // the form keeps what was typed
        .and.contain('value="cepat sekali"');
      const taken = await admin.post('/admin/plans', { name: 'warga' });
      expect(taken.status).to.equal(400);
      expect(taken.body).to.contain('Sudah ada paket bernama &#34;warga&#34;');
      await admin.get('/admin/plans?lang=en');
      const english = await admin.post('/admin/plans', { name: 'rusak', dailyTime: 'sebentar' });
      expect(english.body).to.contain('Online time per day must be a duration above 0');
      expect(await count('plans')).to.equal(1);
      expect(await count('audit_log', { action: 'plan-add' })).to.equal(0);
    });

    it('edits a plan: the new limits are stored, an emptied one becomes no limit, the change is audited field by field', async () => {
      const plan = await testDb()('plans').where({ name: 'warga' }).first();
      const page = await admin.get(`/admin/plans/${plan.id}`);
      expect(page.body).to.contain('value="2M/5M"').and.contain('value="2h"');
      const saved = await admin.post(`/admin/plans/${plan.id}`, { name: 'warga', rateLimit: '3M/6M', sessionTimeout: '', dailyBytes: '500M' });
      expect(saved.status).to.equal(303);
      const row = await testDb()('plans').where({ id: plan.id }).first();
      expect(row).to.include({ rate_limit: '3M/6M', session_timeout: null, daily_bytes: 500 * 1024 ** 2 });
      const [entry] = await audit('plan-edit');
      expect(entry.target).to.equal('warga');
      expect(entry.details).to.deep.equal({ rateLimit: { from: '2M/5M', to: '3M/6M' }, sessionTimeout: { from: '2h', to: '' }, dailyBytes: { from: '', to: '500M' } });

      await admin.get(`/admin/plans/${plan.id}`);
      const bad = await admin.post(`/admin/plans/${plan.id}`, { name: 'warga', sessionTimeout: '-5' });
      expect(bad.status).to.equal(400);
      expect(bad.body).to.contain('Lama sesi maksimum harus berupa durasi');
      expect((await testDb()('plans').where({ id: plan.id }).first()).rate_limit).to.equal('3M/6M');
    });
  });

  describe('voucher batches', () => {
    it('creates a batch, counts used and unused, prints every unused code on A4 cards of 32, and revokes it', async () => {
      await admin.get('/admin/vouchers');
      const created = await admin.post('/admin/vouchers', { plan: 'warga', count: '40', validFor: '12h', validUntil: '', lockMac: '1', note: 'Festival taman' });
      expect(created.status).to.equal(303);
      const batch = await testDb()('voucher_batches').first();
      expect(batch).to.include({ count: 40, valid_for_seconds: 43_200, lock_to_first_mac: true, note: 'Festival taman', created_by: 'adi' });
      expect(await count('vouchers', { batch_id: batch.id })).to.equal(40);
      const [entry] = await audit('voucher-batch-create');
      expect(entry.target).to.equal(`batch:${batch.id}`);

      // One voucher used by a citizen.
      const first = await testDb()('vouchers').where({ batch_id: batch.id }).orderBy('id').first();
      await testDb()('vouchers').where({ id: first.id }).update({ first_used_at: dashboard.clock(), expires_at: new Date(dashboard.clock().getTime() + 43_200_000) });
      const list = await admin.get('/admin/vouchers');
      const row = list.body.slice(list.body.indexOf(`id="batch-${batch.id}"`));
      expect(row).to.match(/<td>40<\/td>\s*<td>1<\/td><td>39<\/td><td>0<\/td>/);
      // The list never shows codes.
      const codes: string[] = (await testDb()('vouchers').where({ batch_id: batch.id }).orderBy('id').select('code_enc')).map((v: { code_enc: string }) => dashboardBox.decrypt(v.code_enc));
      for (const code of codes) expect(list.body).not.to.contain(code);

      const cards = await admin.get(`/admin/vouchers/${batch.id}/cards?site=${SITE}`);
      expect(cards.status).to.equal(200);
      expect(cards.body).to.contain('/static/voucher-cards.css').and.contain('Taman Admin').and.contain('berlaku 12 jam sejak pertama dipakai');
      for (const code of codes.slice(1)) expect(cards.body).to.contain(`<p class="vc-code">${code}</p>`);
      expect(cards.body).not.to.contain(codes[0]);
      expect(cards.body.match(/class="voucher-page"/g)).to.have.length(2);
      expect(cards.body).not.to.match(/(src|href)="(https?:)?\/\//);
      const css = await fetch(`${dashboard.url}/static/voucher-cards.css`);
      expect(await css.text()).to.contain('size: A4').and.contain('repeat(4, 46mm)');

      await admin.get('/admin/vouchers');
      expect((await admin.post(`/admin/vouchers/${batch.id}/revoke`, {})).status).to.equal(303);
      expect(await count('vouchers', { batch_id: batch.id, revoked: true })).to.equal(40);
      expect((await admin.get('/admin/vouchers?done=revoked')).body).to.contain('Batch voucher dicabut');
      const [revoked] = await audit('voucher-batch-revoke');
      expect(revoked.details).to.deep.equal({ plan: 'warga', revoked: 40 });
    });

    it('with a last day, every voucher stops working at the end of that day in the city', async () => {
      await admin.get('/admin/vouchers');
      expect((await admin.post('/admin/vouchers', { plan: 'warga', count: '3', validFor: '1d', validUntil: '2026-12-31' })).status).to.equal(303);
      const expiries = await testDb()('vouchers').pluck('expires_at');
      expect(expiries.map((e: Date) => new Date(e).toISOString())).to.deep.equal(Array(3).fill('2026-12-31T17:00:00.000Z'));
      const batch = await testDb()('voucher_batches').first();
      expect((await admin.get(`/admin/vouchers/${batch.id}/cards`)).body).to.contain('berlaku sampai 2026-12-31');
    });

    it('refuses a bad batch with messages in Bahasa Indonesia and makes no vouchers', async () => {
      await admin.get('/admin/vouchers');
      const bad = await admin.post('/admin/vouchers', { plan: 'tidak-ada', count: '10001', validFor: 'lama', validUntil: '2026-11-01' });
      expect(bad.status).to.equal(400);
      expect(bad.body)
        .to.contain('Pilih paket yang ada.')
        .and.contain('Jumlah harus bilangan bulat 1 sampai 10.000.')
        .and.contain('Masa berlaku harus berupa durasi')
        .and.contain('harus tanggal yang belum lewat');
      expect(await count('voucher_batches')).to.equal(0);
      expect(await count('vouchers')).to.equal(0);
    });
  });

  describe('NAS clients', () => {
    const SECRET = 'Rahasia-NAS-unik-7781';

    it('adds a NAS with its secret encrypted, never shows the secret again, and removes it', async () => {
      await admin.get('/admin/nas');
      const added = await admin.post('/admin/nas', { name: 'router-taman', address: '10.20.0.7', secret: SECRET, site: SITE, identifier: 'taman-admin-1', coaPort: '3799', requireMessageAuthenticator: '1' });
      expect(added.status).to.equal(303);
      const row = await testDb()('nas').where({ name: 'router-taman' }).first();
      expect(row).to.include({ address: '10.20.0.7', nas_identifier: 'taman-admin-1', coa_port: 3799, require_message_authenticator: true });
      expect(row.secret_enc).not.to.contain(SECRET);
      expect(dashboardBox.decrypt(row.secret_enc)).to.equal(SECRET);

      const pages = ['/admin/nas', '/admin/nas?done=added', '/admin/audit', `/admin/sites/${SITE}`];
      for (const path of pages) {
        const page = await admin.get(path);
        expect(page.status, path).to.equal(200);
        expect(page.body, path).not.to.contain(SECRET);
        expect(page.body, path).not.to.contain(row.secret_enc);
      }
      expect((await admin.get('/admin/nas')).body).to.contain('router-taman').and.contain('10.20.0.7').and.contain(SITE);
      const [entry] = await audit('nas-add');
      expect(entry.target).to.equal('router-taman');
      expect(JSON.stringify(entry.details)).not.to.contain(SECRET);

      expect((await admin.post(`/admin/nas/${row.id}/remove`, {})).status).to.equal(303);
      expect(await count('nas')).to.equal(0);
      expect((await audit('nas-remove'))[0]).to.include({ target: 'router-taman' });
    });

    it('refuses bad input in Bahasa Indonesia, adds nothing, and does not echo the secret', async () => {
      await admin.get('/admin/nas');
      const bad = await admin.post('/admin/nas', { name: 'router-x', address: '10.20.0.300', secret: SECRET, coaPort: '70000' });
      expect(bad.status).to.equal(400);
      expect(bad.body).to.contain('Alamat harus alamat IPv4 atau IPv6').and.contain('Port CoA harus 1 sampai 65535.').and.contain('value="router-x"');
      expect(bad.body).not.to.contain(SECRET);
      const noSite = await admin.post('/admin/nas', { name: 'router-x', address: '10.20.0.0/16', secret: SECRET, site: 'tidak-ada' });
      expect(noSite.status).to.equal(400);
      expect(noSite.body).to.contain('Tidak ada lokasi dengan kode &#34;tidak-ada&#34;.');
      const noSecret = await admin.post('/admin/nas', { name: 'router-x', address: '10.20.0.9', secret: '' });
      expect(noSecret.body).to.contain('Shared secret wajib diisi');
      expect(await count('nas')).to.equal(0);
    });

    describe('with the RADIUS server running', () => {
      let radius: RadiusFixture | undefined;
      afterEach(async () => {
        await radius?.stop();
        radius = undefined;
      });

      it('accepts a NAS added on the page without a restart', async () => {
        await addAccount(testDb(), dashboardBox, { username: 'petugas', password: 'rahasia-petugas', planName: 'warga' });
        radius = await startFixture();
        const login = () => radius!.auth(hotspotAttributes('petugas', '02:00:00:00:00:01'), { userPassword: 'rahasia-petugas' });
        // Unknown before: the packet is dropped (no answer).
        const before = await login().then((r) => r.code, () => 'no answer');
        expect(before).to.equal('no answer');

        await admin.get('/admin/nas');
        expect((await admin.post('/admin/nas', { name: 'loopback', address: '127.0.0.1', secret: NAS_SECRET, requireMessageAuthenticator: '1' })).status).to.equal(303);
        // The server reloads its clients on a packet from an unknown address (at most once a second)
        // and whenever the table changes (every 200 ms here): a few tries at most, no restart.
        let answer: number | string = 'no answer';
        for (let attempt = 0; attempt < 5 && answer === 'no answer'; attempt++) answer = await login().then((r) => r.code, () => 'no answer');
        expect(answer).to.equal(CODE.ACCESS_ACCEPT);
      });
    });
  });

  describe('sites admin', () => {
    it('lets an engineer change a site, keeps the router password write-only, and audits it without the password', async () => {
      const engineer = new Agent(dashboard.url);
      await engineer.signIn('eka');
      await engineer.get(`/admin/sites/${SITE}`);
      const saved = await engineer.post(`/admin/sites/${SITE}`, {
        name: 'Taman Admin Baru', category: 'taman', kelurahan: KELURAHAN, loginMethods: ['click', 'voucher'], access: 'restricted',
        accessReason: 'Renovasi taman', accessUntil: '2026-12-01T18:30', plan: 'warga', routerHost: '10.30.0.1', routerPort: '8729', routerTls: '1',
        routerUser: 'citywifi', routerPassword: 'Sandi-Router-99', monitoring: 'api', installedOn: '2026-01-10', commissionedOn: '2026-02-01', decommissionedOn: '',
      });
      expect(saved.status).to.equal(303);
      const row = await testDb()('sites').where({ code: SITE }).first();
      expect(row).to.include({ name: 'Taman Admin Baru', category: 'taman', access: 'restricted', access_reason: 'Renovasi taman', router_host: '10.30.0.1', router_port: 8729, router_tls: true, router_user: 'citywifi' });
      expect(row.login_methods).to.deep.equal(['click', 'voucher']);
      expect(new Date(row.access_until).toISOString()).to.equal('2026-12-01T11:30:00.000Z');
      expect(dashboardBox.decrypt(row.router_password_enc)).to.equal('Sandi-Router-99');

      const page = await engineer.get(`/admin/sites/${SITE}?done=saved`);
      expect(page.body).to.contain('Pengaturan lokasi disimpan.').and.contain('value="2026-12-01T18:30"').and.contain('Kata sandi sudah tersimpan');
      expect(page.body).not.to.contain('Sandi-Router-99');
      const [entry] = await audit('site-edit');
      expect(entry).to.include({ actor: 'eka', target: SITE });
      expect(entry.details.routerPassword).to.equal('set');
      expect(JSON.stringify(entry.details)).not.to.contain('Sandi-Router-99');

      // A blank password keeps the stored one; decommissioning is a date.
      await engineer.post(`/admin/sites/${SITE}`, {
        name: 'Taman Admin Baru', category: 'taman', kelurahan: KELURAHAN, loginMethods: ['click'], access: 'open', plan: '', routerHost: '10.30.0.1', routerPort: '',
        routerUser: 'citywifi', routerPassword: '', monitoring: 'api', installedOn: '2026-01-10', commissionedOn: '2026-02-01', decommissionedOn: '2026-11-20',
      });
      const after = await testDb()('sites').where({ code: SITE }).first();
      expect(dashboardBox.decrypt(after.router_password_enc)).to.equal('Sandi-Router-99');
      expect(after).to.include({ access: 'open', access_reason: null, plan_id: null, router_tls: false });
      expect(String(await testDb()('sites').where({ code: SITE }).first(testDb().raw('decommissioned_on::text as d')).then((r: { d: string }) => r.d))).to.equal('2026-11-20');
    });

    it('refuses bad input in Bahasa Indonesia and changes nothing', async () => {
      await admin.get(`/admin/sites/${SITE}`);
      const before = await testDb()('sites').where({ code: SITE }).first();
      const bad = await admin.post(`/admin/sites/${SITE}`, {
        name: '', kelurahan: '99.99', loginMethods: [], access: 'closed', accessReason: '', routerHost: 'router taman!', routerPort: '99999',
        monitoring: 'heartbeat', installedOn: '2026-02-30', commissionedOn: '2026-01-01', decommissionedOn: '2025-12-01',
      });
      expect(bad.status).to.equal(400);
      expect(bad.body)
        .to.contain('Nama lokasi wajib diisi')
        .and.contain('Pilih kelurahan dari daftar.')
        .and.contain('Pilih paling sedikit satu cara login.')
        .and.contain('Tulis alasan untuk lokasi yang ditutup atau terbatas')
        .and.contain('Alamat router harus nama host atau alamat IP.')
        .and.contain('Port API harus 1 sampai 65535.')
        .and.contain(`citywifi sites heartbeat ${SITE}`)
        .and.contain('Tanggal dipasang harus tanggal yang benar')
        .and.contain('Tanggal berhenti beroperasi tidak boleh sebelum tanggal mulai beroperasi.');
      expect(await testDb()('sites').where({ code: SITE }).first()).to.deep.equal(before);
      expect(await count('audit_log', { action: 'site-edit' })).to.equal(0);
    });
  });

  describe('terms version', () => {
    it('shows the current version (PORTAL_TERMS_VERSION until an admin sets one), the form to set it, and the consents per version', async () => {
      await testDb()('devices').insert([
        { mac: '02:00:00:00:00:01', terms_version: '2026-11', consent_at: dashboard.clock() },
        { mac: '02:00:00:00:00:02', terms_version: '2026-11', consent_at: dashboard.clock() },
        { mac: '02:00:00:00:00:03', terms_version: '2025-01', consent_at: dashboard.clock() },
      ]);
      await testDb()('subscribers').insert({ phone_enc: 'x', phone_hash: 'h1', terms_version: '2026-11', consent_at: dashboard.clock() });
      const page = await admin.get('/admin/terms');
      expect(page.status).to.equal(200);
      expect(page.body).to.contain('<strong id="terms-version">2026-11</strong>').and.contain('Belum diatur di dasbor: ini nilai PORTAL_TERMS_VERSION.');
      expect(page.body).to.match(/2026-11 \(sekarang\)<\/td><td>2<\/td><td>1<\/td>/);
      expect(page.body).to.match(/2025-01<\/td><td>1<\/td><td>0<\/td>/);
      expect(page.body).to.contain('<form method="post" action="/admin/terms"');
    });
  });
});
