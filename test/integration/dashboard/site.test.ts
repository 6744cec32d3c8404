import { expect } from 'chai';
import { addSite } from '../../../core/db/queries/sites.js';
import { Agent, resetDashboardTables, seedAccounts, startDashboardFixture, type DashboardFixture } from '../../helpers/dashboard-fixture.js';
import { testDb } from '../../helpers/test-db.js';

// The fixture's clock: 2026-11-25 09:00 in Jakarta.
const NOW = new Date('2026-11-25T09:00:00+07:00');
const HOUR = 3_600_000;
const MAC = 'AA:BB:CC:12:34:56';
const CODE = 'taman-situ';

describe('dashboard: the page of a site', function () {
  this.timeout(60_000);
  let dashboard: DashboardFixture;
  let siteId: number;

  const windows = () => testDb()('maintenance_windows').orderBy('id').select();
  const audits = () => testDb()('audit_log').where({ action: 'maintenance-add' }).orderBy('id').select('actor', 'target', 'details');

  before(async () => {
    await resetDashboardTables();
    await seedAccounts();
    const db = testDb();
    siteId = (await addSite(db, { code: CODE, name: 'Taman Situ Gintung', areaCode: '36.74.04.1004' })).id;
    await addSite(db, { code: 'taman-lain', name: 'Taman Lain', areaCode: '36.74.04.1004' });
    await db('site_status').insert({ site_id: siteId, state: 'up', since: '2026-11-24T12:00:00+07:00', last_poll_at: NOW, last_ok_at: NOW, cpu_load: 12, active_users: 4 });
    await db('site_state_changes').insert([
      { site_id: siteId, at: '2026-11-01T08:00:00+07:00', from_state: 'unknown', to_state: 'up', reason: 'first answer' },
      { site_id: siteId, at: '2026-11-24T10:00:00+07:00', from_state: 'up', to_state: 'down', reason: 'timeout (3 failed polls in a row)' },
      { site_id: siteId, at: '2026-11-24T12:00:00+07:00', from_state: 'down', to_state: 'up', reason: 'answered after 120 failed polls' },
    ]);
    const hourNow = Math.floor(NOW.getTime() / HOUR) * HOUR;
    // the last 24 hours: 3 hours down, one hour of maintenance (left out), the rest up
    for (let back = 0; back < 24; back++) {
      const row = back >= 20 && back <= 22 ? { up_seconds: 0, down_seconds: 3600 } : back === 5 ? { up_seconds: 0, maintenance_seconds: 3600 } : { up_seconds: 3600 };
      await db('rollups_hourly').insert({ site_id: siteId, hour: new Date(hourNow - back * HOUR), avg_active_users: 3, max_active_users: 5, router_rx_bytes: 36e6, router_tx_bytes: 3.6e6, ...row });
    }
    await db('rollups_daily').insert([
      { site_id: siteId, day: '2026-11-25', up_seconds: 30_000, down_seconds: 0, maintenance_seconds: 2400 },
      { site_id: siteId, day: '2026-11-24', up_seconds: 79_200, down_seconds: 7200 },
      { site_id: siteId, day: '2026-11-20', up_seconds: 43_200, degraded_seconds: 43_200 },
      { site_id: siteId, day: '2026-11-10', up_seconds: 0, down_seconds: 86_400 },
      // 40 days ago: beyond 30 days
      { site_id: siteId, day: '2026-10-16', up_seconds: 0, down_seconds: 86_400 },
    ]);
    for (let i = 0; i < 12; i++) {
      await db('samples').insert({ site_id: siteId, at: new Date(NOW.getTime() - (i + 1) * 600_000), cpu_load: 10 + i, active_users: 3, rx_rate: 125_000, tx_rate: 12_500 });
    }
    await db('sessions').insert({
      nas_id: 1,
      site_id: siteId,
      acct_session_id: 's-1',
      username: 'cw-rahasia-01',
      login_kind: 'otp',
      mac: MAC,
      started_at: '2026-11-25T08:00:00+07:00',
      updated_at: '2026-11-25T08:30:00+07:00',
      session_time: 1800,
      input_octets: 2_000_000,
      output_octets: 40_000_000,
    });
    await db('problem_reports').insert({ site_id: siteId, at: '2026-11-24T11:00:00+07:00', kind: 'no-internet', comment: 'Tidak bisa masuk sejak pagi' });
    await db('feedback').insert([
      { site_id: siteId, at: '2026-11-20T10:00:00+07:00', rating: 5 },
      { site_id: siteId, at: '2026-11-21T10:00:00+07:00', rating: 4 },
      { site_id: siteId, at: '2026-11-22T10:00:00+07:00', rating: 2 },
      // too old for the last 30 days
      { site_id: siteId, at: '2026-09-01T10:00:00+07:00', rating: 1 },
    ]);
    dashboard = await startDashboardFixture();
  });
  after(async () => {
    await dashboard?.close();
  });

  const figure = (body: string, key: string) => new RegExp(`data-figure="${key}"[^>]*>([^<]*)<`).exec(body)![1];

  it('shows uptime over 24 hours, 7 and 30 days from the rollups, maintenance left out', async () => {
    const agent = new Agent(dashboard.url);
    await agent.signIn('rina');
    const page = await agent.get(`/sites/${CODE}`);
    expect(page.status).to.equal(200);
    expect(page.body).to.contain('Taman Situ Gintung').and.contain('Ciputat');
    // 24 hours: 20 up of 23 counted (the maintenance hour is not counted)
    expect(figure(page.body, 'uptime24h')).to.equal('87,0%');
    // 7 days: the 25th, 24th and 20th (degraded counts as up)
    const d7 = (30_000 + 79_200 + 86_400) / (30_000 + 79_200 + 7200 + 86_400);
    expect(figure(page.body, 'uptime7d')).to.equal(`${(Math.round(d7 * 1000) / 10).toFixed(1).replace('.', ',')}%`);
    const d30 = (30_000 + 79_200 + 86_400) / (30_000 + 79_200 + 7200 + 86_400 + 86_400);
    expect(figure(page.body, 'uptime30d')).to.equal(`${(Math.round(d30 * 1000) / 10).toFixed(1).replace('.', ',')}%`);
    // ratings of the last 30 days: 5, 4, 2
    expect(figure(page.body, 'feedback')).to.equal('3,7');
    expect(page.body).to.contain('3 penilaian, 66,7% puas');
    expect(figure(page.body, 'openReports')).to.equal('1');
    expect(page.body).to.contain('Tidak bisa masuk sejak pagi').and.contain('tidak ada internet');
  });

  it('draws the state timeline of 30 days as coloured segments, with the outage where it happened', async () => {
    const agent = new Agent(dashboard.url);
    await agent.signIn('rina');
    const page = await agent.get(`/sites/${CODE}`);
    const rects = [...page.body.matchAll(/<rect class="seg-(\w+)" x="([\d.]+)" y="0" width="([\d.]+)"/g)].map((m) => ({ state: m[1], x: Number(m[2]), width: Number(m[3]) }));
    expect(rects.map((r) => r.state)).to.deep.equal(['unknown', 'up', 'down', 'up']);
    const total = rects.reduce((s, r) => s + r.width, 0);
    expect(total).to.be.closeTo(1000, 1);
    // two hours of 30 days
    expect(rects[2].width).to.be.closeTo((2 / (30 * 24)) * 1000, 0.02);
    expect(page.body).to.contain('timeout (3 failed polls in a row)');
    // the charts' data is in the page for its script: CPU of the last 48 hours
    const json = JSON.parse(/<script type="application\/json" id="site-data">([^<]*)<\/script>/.exec(page.body)![1]);
    expect(json.charts.cpu.datasets[0].data.filter((v: number | null) => v !== null).length).to.be.greaterThan(0);
    expect(json.charts.month.labels).to.have.length(24);
  });

  it('masks the MAC address for a reporter, shows it to an engineer, and never shows a user name or phone number', async () => {
    const reporter = new Agent(dashboard.url);
    await reporter.signIn('rina');
    const masked = await reporter.get(`/sites/${CODE}`);
    expect(masked.body).to.contain('AA:BB:CC:XX:XX:XX').and.not.contain(MAC);
    expect(masked.body).not.to.contain('cw-rahasia-01');
    expect(masked.body).to.contain('nomor telepon');
    const engineer = new Agent(dashboard.url);
    await engineer.signIn('eka');
    const full = await engineer.get(`/sites/${CODE}`);
    expect(full.body).to.contain(MAC).and.not.contain('cw-rahasia-01');
  });

  it('answers an unknown site with a 404 page in the user\'s language', async () => {
    const agent = new Agent(dashboard.url);
    await agent.signIn('rina');
    const missing = await agent.get('/sites/tidak-ada');
    expect(missing.status).to.equal(404);
    expect(missing.body).to.contain('Tidak ada titik dengan kode “tidak-ada”.');
    await agent.get('/?lang=en');
    const english = await agent.get('/sites/tidak-ada');
    expect(english.status).to.equal(404);
    expect(english.body).to.contain('There is no site with the code “tidak-ada”.');
  });

  describe('maintenance windows', () => {
    beforeEach(async () => {
      await testDb()('maintenance_windows').del();
      await testDb()('audit_log').del();
    });

    it('lets an engineer add one, in the city\'s time, audited, and shows it', async () => {
      const agent = new Agent(dashboard.url);
      await agent.signIn('eka');
      const page = await agent.get(`/sites/${CODE}`);
      expect(page.body).to.contain(`action="/sites/${CODE}/maintenance"`);
      const added = await agent.post(`/sites/${CODE}/maintenance`, { starts: '2026-11-26T22:00', ends: '2026-11-27T02:00', reason: 'Ganti kabel fiber' });
      expect(added.status).to.equal(303);
      expect(added.response.headers.get('location')).to.equal(`/sites/${CODE}?done=window#maintenance`);
      const [row] = await windows();
      expect(row.site_id).to.equal(siteId);
      expect(new Date(row.starts_at).toISOString()).to.equal('2026-11-26T15:00:00.000Z');
      expect(new Date(row.ends_at).toISOString()).to.equal('2026-11-26T19:00:00.000Z');
      expect(row.reason).to.equal('Ganti kabel fiber');
      expect(row.created_by).to.equal('eka');
      expect(await audits()).to.deep.equal([
        { actor: 'eka', target: CODE, details: { id: row.id, startsAt: '2026-11-26T15:00:00.000Z', endsAt: '2026-11-26T19:00:00.000Z', reason: 'Ganti kabel fiber' } },
      ]);
      const after = await agent.get(`/sites/${CODE}?done=window`);
      expect(after.body).to.contain('Jadwal pemeliharaan sudah ditambahkan.').and.contain('Ganti kabel fiber');
      // another site is not touched
      expect((await agent.get('/sites/taman-lain')).body).not.to.contain('Ganti kabel fiber');
    });

    it('refuses a reporter with 403 and adds nothing', async () => {
      const agent = new Agent(dashboard.url);
      await agent.signIn('rina');
      const page = await agent.get(`/sites/${CODE}`);
      expect(page.body).not.to.contain(`action="/sites/${CODE}/maintenance"`);
      const refused = await agent.post(`/sites/${CODE}/maintenance`, { starts: '2026-11-26T22:00', ends: '2026-11-27T02:00', reason: 'Ganti kabel' });
      expect(refused.status).to.equal(403);
      expect(await windows()).to.have.length(0);
      expect(await audits()).to.have.length(0);
    });

    it('refuses a form without its CSRF token', async () => {
      const agent = new Agent(dashboard.url);
      await agent.signIn('adi');
      await agent.get(`/sites/${CODE}`);
      const refused = await agent.post(`/sites/${CODE}/maintenance`, { starts: '2026-11-26T22:00', ends: '2026-11-27T02:00', reason: 'Ganti kabel' }, { csrf: false });
      expect(refused.status).to.equal(403);
      expect(await windows()).to.have.length(0);
    });

    const bad: Array<[string, Record<string, string>, string, string]> = [
      ['a start that is not a date', { starts: '26/11/2026 22:00', ends: '2026-11-27T02:00', reason: 'Ganti kabel' }, 'Waktu mulai bukan tanggal dan jam yang benar.', 'The start is not a valid date and time.'],
      ['an impossible date', { starts: '2026-11-26T22:00', ends: '2026-02-30T02:00', reason: 'Ganti kabel' }, 'Waktu selesai bukan tanggal dan jam yang benar.', 'The end is not a valid date and time.'],
      ['an end before the start', { starts: '2026-11-27T02:00', ends: '2026-11-26T22:00', reason: 'Ganti kabel' }, 'Waktu selesai harus setelah waktu mulai.', 'The end must be after the start.'],
      ['a window already over', { starts: '2026-11-20T02:00', ends: '2026-11-21T02:00', reason: 'Ganti kabel' }, 'Jadwal ini sudah lewat', 'This window is already over'],
      ['a window of two months', { starts: '2026-11-26T02:00', ends: '2027-01-26T02:00', reason: 'Ganti kabel' }, 'paling lama 31 hari', 'at most 31 days'],
      ['no reason', { starts: '2026-11-26T22:00', ends: '2026-11-27T02:00', reason: '  ' }, 'Tuliskan alasan', 'Give a reason'],
    ];
    for (const [what, form, indonesian, english] of bad) {
      it(`refuses ${what} with a message, keeping the form, and changes nothing`, async () => {
        const agent = new Agent(dashboard.url);
        await agent.signIn('eka');
        await agent.get(`/sites/${CODE}`);
        const refused = await agent.post(`/sites/${CODE}/maintenance`, form);
        expect(refused.status).to.equal(400);
        expect(refused.body).to.contain(indonesian);
        expect(refused.body).to.contain(`value="${form.starts}"`);
        await agent.get(`/sites/${CODE}?lang=en`);
        const again = await agent.post(`/sites/${CODE}/maintenance`, form);
        expect(again.body).to.contain(english);
        expect(await windows()).to.have.length(0);
        expect(await audits()).to.have.length(0);
      });
    }
  });
});
