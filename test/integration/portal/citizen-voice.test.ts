import { expect } from 'chai';
import { PhoneBrowser, textOf, type Page } from '../../helpers/phone-browser.js';
import { PHONE_MAC, seedPortalSite, SITE_CODE, startPortalFixture, type PortalFixture } from '../../helpers/portal-fixture.js';
import { testDb } from '../../helpers/test-db.js';

describe('portal: status, rating and problem reports', () => {
  let portal: PortalFixture;
  let siteId: number;
  let planId: number;

  beforeEach(async () => {
    const seeded = await seedPortalSite({ plan: { dailyTime: 4 * 3600, dailyBytes: 1024 ** 3 } });
    siteId = seeded.site.id;
    planId = seeded.plan.id;
    portal = await startPortalFixture();
  });
  afterEach(() => portal.close());

  async function seedUsage() {
    const [device] = await testDb()('devices').insert({ mac: PHONE_MAC, remembered_until: new Date('2026-11-30T00:00:00Z') }).returning('id');
    const nas = await testDb()('nas').insert({ name: 'r1', address: '10.20.0.7', secret_enc: 'x', site_id: siteId }).returning('id');
    const base = { nas_id: nas[0].id, site_id: siteId, username: 'cw-x', login_kind: 'click', device_id: device.id, plan_id: planId, mac: PHONE_MAC };
    await testDb()('sessions').insert([
      // Today (Asia/Jakarta): 1 h 30 min and 300 MiB, one still live.
      { ...base, acct_session_id: 'a', started_at: new Date('2026-11-23T07:00:00+07:00'), updated_at: new Date('2026-11-23T08:00:00+07:00'), stopped_at: new Date('2026-11-23T08:00:00+07:00'), session_time: 3600, input_octets: 100 * 1024 ** 2, output_octets: 100 * 1024 ** 2 },
      { ...base, acct_session_id: 'b', started_at: new Date('2026-11-23T09:30:00+07:00'), updated_at: new Date('2026-11-23T09:59:00+07:00'), session_time: 1800, input_octets: 0, output_octets: 100 * 1024 ** 2 },
      // Yesterday does not count.
      { ...base, acct_session_id: 'c', started_at: new Date('2026-11-22T20:00:00+07:00'), updated_at: new Date('2026-11-22T21:00:00+07:00'), stopped_at: new Date('2026-11-22T21:00:00+07:00'), session_time: 3600, input_octets: 5, output_octets: 5 },
    ]);
  }

  it('shows time and data used and left today for the device', async () => {
    await seedUsage();
    const page = await new PhoneBrowser().open(`${portal.url}/status?mac=${encodeURIComponent(PHONE_MAC)}&identity=${SITE_CODE}`);
    expect(page.status).to.equal(200);
    const text = textOf(page.html);
    expect(text).to.contain('Perangkat Anda sedang terhubung');
    expect(text).to.contain('Waktu terpakai 1 jam 30 menit');
    expect(text).to.contain('Sisa waktu 2 jam 30 menit');
    expect(text).to.contain('Data terpakai 300 MB');
    expect(text).to.contain('Sisa data 724 MB');

    const english = await new PhoneBrowser({ acceptLanguage: 'en' }).open(`${portal.url}/status?mac=${encodeURIComponent(PHONE_MAC)}&identity=${SITE_CODE}`);
    expect(textOf(english.html)).to.contain('Time left 2 h 30 min');
  });

  it('says so for a device it has never seen', async () => {
    const page = await new PhoneBrowser().open(`${portal.url}/status?mac=AA:BB:CC:00:20:77&identity=${SITE_CODE}`);
    expect(textOf(page.html)).to.contain('belum pernah masuk');
  });

  it('stores a one-tap rating with its comment for the site', async () => {
    const phone = new PhoneBrowser();
    const status = await phone.open(`${portal.url}/status?mac=${encodeURIComponent(PHONE_MAC)}&identity=${SITE_CODE}`);
    const thanks = await phone.submit(status, { action: '/feedback' }, { rating: '4', comment: 'Cepat, terima kasih <3' });
    expect(thanks.status).to.equal(200);
    expect(textOf(thanks.html)).to.contain('Terima kasih atas penilaian Anda');
    const rows = await testDb()('feedback').select('site_id', 'rating', 'comment');
    expect(rows).to.deep.equal([{ site_id: siteId, rating: 4, comment: 'Cepat, terima kasih <3' }]);

    const bad = await phone.submit(status, { action: '/feedback' }, { rating: '9' });
    expect(bad.status).to.equal(400);
    expect(await testDb()('feedback').count('* as n').first()).to.deep.equal({ n: 1 });
  });

  it('stores a problem report from any page, tied to the site', async () => {
    const phone = new PhoneBrowser();
    const login = await phone.open(`${portal.url}/login?identity=${SITE_CODE}&mac=${encodeURIComponent(PHONE_MAC)}&link-login-only=${encodeURIComponent('http://10.5.50.1/login')}`);
    const reportLink = /href="(\/report\?site=[^"]+)"/.exec(login.html)?.[1];
    expect(reportLink).to.be.a('string');
    const form: Page = await phone.open(`${portal.url}${reportLink!.replace(/&amp;/g, '&')}`);
    expect(textOf(form.html)).to.contain('Tidak ada internet');
    const done = await phone.submit(form, { action: '/report' }, { kind: 'slow', comment: 'Lambat sejak pagi' });
    expect(done.status).to.equal(200);
    expect(textOf(done.html)).to.contain('Laporan Anda sudah kami terima');
    const rows = await testDb()('problem_reports').select('site_id', 'kind', 'comment', 'status');
    expect(rows).to.deep.equal([{ site_id: siteId, kind: 'slow', comment: 'Lambat sejak pagi', status: 'open' }]);

    const noKind = await phone.submit(form, { action: '/report' }, { kind: 'fire' });
    expect(noKind.status).to.equal(400);
    expect(textOf(noKind.html)).to.contain('Pilih jenis masalah');

    const nowhere = await phone.open(`${portal.url}/report?site=nowhere`);
    expect(nowhere.status).to.equal(400);
  });
});
