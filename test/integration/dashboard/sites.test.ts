import { expect } from 'chai';
import { parse as parseCsv } from 'csv-parse/sync';
import { createSecretBox } from '../../../core/crypto.js';
import { SITE_FILE_PROBLEMS } from '../../../core/domain/site-file.js';
import { loadDashboardTranslations } from '../../../dashboard/i18n.js';
import { Agent, openDashboard, resetDashboardTables, seedAccounts, type DashboardFixture } from '../../helpers/dashboard-fixture.js';
import { testDb, TEST_SECRET_KEY } from '../../helpers/test-db.js';

const box = createSecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));
const STATES = ['up', 'up', 'degraded', 'down', 'maintenance', null] as const;
const CATEGORIES = ['park', 'mosque', 'school'];
/** Two kecamatan: Serpong (Ciater, Rawa Buntu) and Ciputat (Sawah). */
const KELURAHAN = ['36.74.01.1001', '36.74.01.1002', '36.74.04.1004'];

/** 120 sites spread over three kelurahan, three categories and every state; router secrets set on all. */
async function seedSites(count = 120): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) => ({
    code: `TS-${String(i + 1).padStart(3, '0')}`,
    name: i === 7 ? 'Masjid Raya, "Al-Ikhlas"' : `${CATEGORIES[i % 3] === 'park' ? 'Taman' : CATEGORIES[i % 3] === 'mosque' ? 'Masjid' : 'Sekolah'} ${i + 1}`,
    area_code: KELURAHAN[i % 3],
    category: CATEGORIES[Math.floor(i / 3) % 3],
    lat: i % 10 === 0 ? null : -6.3 + i / 10_000,
    lon: i % 10 === 0 ? null : 106.7 + i / 10_000,
    router_host: `10.0.${Math.floor(i / 200)}.${(i % 200) + 1}`,
    router_user: 'api',
    router_password_enc: box.encrypt(`geheim-${i}`),
  }));
  const inserted = await testDb()('sites').insert(rows).returning(['id', 'code']);
  const statuses = inserted
    .map((s: { id: number }, i: number) => ({ site_id: s.id, state: STATES[i % STATES.length], since: new Date(Date.UTC(2026, 10, 25, 0, i)), last_poll_at: new Date(Date.UTC(2026, 10, 25, 1, i)), active_users: i % 4 === 0 ? null : i }))
    .filter((s: { state: string | null }) => s.state !== null);
  await testDb()('site_status').insert(statuses);
}

/** The site codes listed in a sites page, in order. */
const codesOf = (body: string) => [...body.matchAll(/<tr data-code="([^"]+)">/g)].map((m) => m[1]);
const totalOf = (body: string) => Number(/data-total="(\d+)"/.exec(body)![1]);

/** What the export must hold, read straight from the tables. */
async function expectedExport(where: (q: ReturnType<ReturnType<typeof testDb>>) => void = () => {}): Promise<Array<Record<string, string>>> {
  const q = testDb()('sites as s')
    .leftJoin('areas as a', 'a.code', 's.area_code')
    .leftJoin('areas as k', 'k.code', 'a.parent_code')
    .leftJoin('site_status as ss', 'ss.site_id', 's.id')
    .orderBy('s.code')
    .select('s.code', 's.name', 's.area_code', 'a.name as kelurahan', 'k.name as kecamatan', 's.category', 's.lat', 's.lon', 'ss.state', 'ss.since', 'ss.last_poll_at', 'ss.active_users');
  where(q);
  const rows = await q;
  return rows.map((r: Record<string, unknown>) => ({
    code: r.code as string,
    name: r.name as string,
    kelurahan_code: r.area_code as string,
    kelurahan: r.kelurahan as string,
    kecamatan: r.kecamatan as string,
    category: r.category as string,
    lat: r.lat === null ? '' : String(r.lat),
    lon: r.lon === null ? '' : String(r.lon),
    state: (r.state as string | null) ?? 'unknown',
    since: r.since ? new Date(r.since as string).toISOString() : '',
    last_poll_at: r.last_poll_at ? new Date(r.last_poll_at as string).toISOString() : '',
    active_users: r.active_users === null || r.active_users === undefined ? '' : String(r.active_users),
  }));
}

async function siteSnapshot(): Promise<unknown[]> {
  return testDb()('sites').orderBy('code').select('code', 'name', 'area_code', 'router_host', 'router_port', 'router_password_enc', 'category', 'lat', 'lon', 'updated_at');
}

describe('dashboard: the sites table', function () {
  this.timeout(60_000);
  let dashboard: DashboardFixture;
  let agent: Agent;

  beforeEach(async () => {
    ({ dashboard, agent } = await openDashboard());
  });
  afterEach(async () => {
    await dashboard.close();
  });

  describe('the table', () => {
    beforeEach(async () => {
      await seedSites();
      await agent.signIn('rina');
    });

    it('lists 50 sites a page by code, with page links and counts per state', async () => {
      const first = await agent.get('/sites');
      expect(first.status).to.equal(200);
      expect(totalOf(first.body)).to.equal(120);
      expect(codesOf(first.body)).to.have.length(50);
      expect(codesOf(first.body)[0]).to.equal('TS-001');
      expect(first.body).to.contain('Titik 1–50 dari 120');
      expect(first.body).to.contain('href="/sites?page=2"').and.contain('href="/sites?page=3"');
      const third = await agent.get('/sites?page=3');
      expect(codesOf(third.body)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `TS-${String(101 + i).padStart(3, '0')}`));
      expect(third.body).to.contain('Titik 101–120 dari 120');
      // a page past the end shows the last one
      expect(codesOf((await agent.get('/sites?page=99')).body)).to.deep.equal(codesOf(third.body));
      const count = (state: string) => Number(new RegExp(`data-state="${state}">(\\d+)<`).exec(first.body)![1]);
      expect([count('up'), count('degraded'), count('down'), count('maintenance'), count('unknown')]).to.deep.equal([40, 20, 20, 20, 20]);
      // every code links to its site; the router's secrets are never on the page
      expect(first.body).to.contain('<a href="/sites/TS-001">TS-001</a>');
      expect(first.body).not.to.contain('10.0.0.').and.not.to.contain('geheim');
    });

    it('filters by kecamatan, kelurahan, state and category, together, keeping the filters in the page links', async () => {
      const serpong = await agent.get('/sites?kecamatan=36.74.01');
      expect(totalOf(serpong.body)).to.equal(80);
      const sawah = await agent.get('/sites?kelurahan=36.74.04.1004');
      expect(totalOf(sawah.body)).to.equal(40);
      expect(codesOf(sawah.body).every((c) => (Number(c.slice(3)) - 1) % 3 === 2)).to.equal(true);
      expect(sawah.body).to.contain('href="/sites?kelurahan=36.74.04.1004&amp;state=down"');
      const down = await agent.get('/sites?state=down');
      expect(totalOf(down.body)).to.equal(20);
      const unknown = await agent.get('/sites?state=unknown');
      expect(codesOf(unknown.body)[0]).to.equal('TS-006');
      expect(totalOf(unknown.body)).to.equal(20);
      const parks = await agent.get('/sites?category=park&kecamatan=36.74.01');
      const expected = await testDb()('sites as s').join('areas as a', 'a.code', 's.area_code').where({ 's.category': 'park', 'a.parent_code': '36.74.01' }).count('* as n').first();
      expect(totalOf(parks.body)).to.equal(Number(expected!.n));
      const combined = await agent.get('/sites?kecamatan=36.74.01&state=up&category=mosque');
      const rows = await testDb()('sites as s')
        .join('areas as a', 'a.code', 's.area_code')
        .join('site_status as ss', 'ss.site_id', 's.id')
        .where({ 'a.parent_code': '36.74.01', 'ss.state': 'up', 's.category': 'mosque' })
        .orderBy('s.code')
        .pluck('s.code');
      expect(codesOf(combined.body)).to.deep.equal(rows);
      // the chosen filters stay selected in the form
      expect(combined.body).to.match(/<option value="36\.74\.01" selected>Serpong<\/option>/);
      // a filter that is not a code is left out rather than failing
      expect(totalOf((await agent.get('/sites?kecamatan=%27%3Bdrop')).body)).to.equal(120);
      expect((await agent.get('/sites?kecamatan=36.74.07')).body).to.contain('Tidak ada titik yang cocok.');
    });

    it('searches by code or name, any case, with % and _ taken literally', async () => {
      expect(codesOf((await agent.get('/sites?q=ts-01')).body)).to.deep.equal(['TS-010', 'TS-011', 'TS-012', 'TS-013', 'TS-014', 'TS-015', 'TS-016', 'TS-017', 'TS-018', 'TS-019']);
      expect(codesOf((await agent.get('/sites?q=al-ikhlas')).body)).to.deep.equal(['TS-008']);
      expect(totalOf((await agent.get('/sites?q=%25')).body)).to.equal(0);
      expect(totalOf((await agent.get('/sites?q=TS_0')).body)).to.equal(0);
      const page = await agent.get('/sites?q=masjid');
      expect(totalOf(page.body)).to.equal(40);
      expect(page.body).to.contain('href="/sites/export.csv?q=masjid"');
    });

    it('sorts by name, kelurahan, state or since', async () => {
      const byName = codesOf((await agent.get('/sites?sort=name&kelurahan=36.74.01.1001')).body);
      const names = await testDb()('sites').where({ area_code: '36.74.01.1001' }).orderBy([{ column: 'name' }, { column: 'code' }]).pluck('code');
      expect(byName).to.deep.equal(names.slice(0, 40));
      const byKelurahan = codesOf((await agent.get('/sites?sort=kelurahan')).body);
      // Ciater, then Rawa Buntu, then Sawah; by code within each
      expect(byKelurahan).to.deep.equal(Array.from({ length: 40 }, (_, i) => `TS-${String(i * 3 + 1).padStart(3, '0')}`).concat(['TS-002', 'TS-005', 'TS-008', 'TS-011', 'TS-014', 'TS-017', 'TS-020', 'TS-023', 'TS-026', 'TS-029']));
      const bySince = codesOf((await agent.get('/sites?sort=since&state=down')).body);
      expect(bySince).to.deep.equal([...bySince].sort());
      expect((await agent.get('/sites?sort=state&page=2')).body).to.contain('href="/sites?sort=state&amp;page=3"');
    });
  });

  describe('export', () => {
    beforeEach(() => seedSites());

    it('downloads every filtered site (all pages) as CSV that parses back to the rows in the database, without router secrets', async () => {
      await agent.signIn('rina');
      const result = await agent.get('/sites/export.csv');
      expect(result.status).to.equal(200);
      expect(result.response.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
      expect(result.response.headers.get('content-disposition')).to.equal('attachment; filename="citywifi-sites-2026-11-25.csv"');
      const [header] = result.body.replace(/^\ufeff/, '').split('\r\n');
      expect(header).to.equal('code,name,kelurahan_code,kelurahan,kecamatan,category,lat,lon,state,since,last_poll_at,active_users');
      const parsed = parseCsv(result.body, { bom: true, columns: true }) as Array<Record<string, string>>;
      expect(parsed).to.have.length(120);
      expect(parsed).to.deep.equal(await expectedExport());
      expect(parsed.find((r) => r.code === 'TS-008')!.name).to.equal('Masjid Raya, "Al-Ikhlas"');
      expect(result.body).not.to.contain('geheim').and.not.to.contain('10.0.0.').and.not.to.contain('router');
    });

    it('exports only what the filters leave', async () => {
      await agent.signIn('eka');
      const result = await agent.get('/sites/export.csv?kecamatan=36.74.01&state=down');
      const parsed = parseCsv(result.body, { bom: true, columns: true }) as Array<Record<string, string>>;
      const expected = await expectedExport((q) => q.where({ 'a.parent_code': '36.74.01', 'ss.state': 'down' }));
      expect(parsed).to.deep.equal(expected);
      expect(parsed.length).to.be.greaterThan(0);
    });

    it('exports 2,500 sites in full (more than one batch)', async () => {
      await resetDashboardTables();
      await seedAccounts();
      await seedSites(2500);
      await agent.signIn('adi');
      const parsed = parseCsv((await agent.get('/sites/export.csv')).body, { bom: true, columns: true }) as Array<Record<string, string>>;
      expect(parsed.map((r) => r.code)).to.deep.equal(Array.from({ length: 2500 }, (_, i) => `TS-${String(i + 1).padStart(3, '0')}`).sort());
    });
  });

  describe('import', () => {
    const GOOD = [
      'code,name,kelurahan,router_host,lat,lon,category,router_password,commissioned_on',
      'TS-001,Taman Kota Satu,36.74.01.1001,10.1.0.1,-6.3223,106.6943,park,baru-rahasia,2026-02-01',
      'NEW-1,"Masjid Baru, Ciater",Ciater,10.1.0.2,,,mosque,,',
      'NEW-2,Kantor Lurah Sawah,Sawah Lama,router.example.id,-6.2985,106.7358,office,,2026-03-01',
      '',
    ].join('\n');

    it('lets an engineer import a file: sites added and updated by code, password encrypted, audited', async () => {
      await seedSites(3);
      await agent.signIn('eka');
      const form = await agent.get('/sites/import');
      expect(form.status).to.equal(200);
      expect(form.body).to.contain('<textarea id="csv" name="csv"');
      const result = await agent.post('/sites/import', { csv: GOOD });
      expect(result.status).to.equal(303);
      expect(result.response.headers.get('location')).to.equal('/sites?imported=2&updated=1');
      const after = await agent.get(result.response.headers.get('location')!);
      expect(after.body).to.contain('Berhasil diimpor: 2 titik baru, 1 diperbarui.');
      const rows = await testDb()('sites').whereIn('code', ['TS-001', 'NEW-1', 'NEW-2']).orderBy('code').select('*');
      expect(rows.map((r) => [r.code, r.name, r.area_code, r.category])).to.deep.equal([
        ['NEW-1', 'Masjid Baru, Ciater', '36.74.01.1001', 'mosque'],
        ['NEW-2', 'Kantor Lurah Sawah', '36.74.04.1004', 'office'],
        ['TS-001', 'Taman Kota Satu', '36.74.01.1001', 'park'],
      ]);
      expect(box.decrypt(rows[2].router_password_enc)).to.equal('baru-rahasia');
      const audit = await testDb()('audit_log').where({ action: 'sites-import' }).select('actor', 'target', 'details');
      expect(audit).to.deep.equal([
        { actor: 'eka', target: null, details: { inserted: 2, updated: 1, columns: ['lat', 'lon', 'category', 'router_password', 'commissioned_on'] } },
      ]);
      expect(JSON.stringify(await testDb()('audit_log').select())).not.to.contain('baru-rahasia');
    });

    it('refuses a bad file, listing every problem by line and column in the user\'s language, and changes nothing', async () => {
      await seedSites(3);
      await agent.signIn('adi');
      const before = await siteSnapshot();
      const bad = [
        'code,name,kelurahan,router_host,router_port,commissioned_on',
        'OK-1,Fine,36.74.01.1001,10.0.0.5,,',
        'TS-002,Renamed,Atlantis,10.0.0.1,70000,2026-02-30',
        ',No code,36.74.01.1001,,,',
        'OK-1,Twice,Serpong Utara,10.0.0.6,,',
      ].join('\n');
      await agent.get('/sites/import');
      const result = await agent.post('/sites/import', { csv: bad });
      expect(result.status).to.equal(400);
      expect(result.body).to.contain('Tidak ada yang diimpor: 3 baris perlu diperbaiki.');
      const problems = [...result.body.matchAll(/<tr><td>(\d+)<\/td><td><code>([^<]+)<\/code><\/td><td>([^<]+)<\/td><\/tr>/g)].map((m) => `${m[1]} ${m[2]}: ${m[3].replace(/&#34;/g, '"')}`);
      expect(problems).to.deep.equal([
        '3 kelurahan: tidak ada kelurahan bernama "Atlantis" (gunakan kode Kemendagri, mis. 36.74.01.1001, atau namanya)',
        '3 router_port: "70000" bukan nomor port (1 sampai 65535)',
        '3 commissioned_on: "2026-02-30" bukan tanggal (TTTT-BB-HH)',
        '4 code: wajib diisi',
        '4 router_host: wajib diisi',
        '5 code: "OK-1" sudah ada di baris 2',
        '5 kelurahan: "Serpong Utara" adalah kecamatan; sebutkan salah satu kelurahannya',
      ]);
      // the text comes back in the form to be fixed
      expect(result.body).to.contain('TS-002,Renamed,Atlantis');
      expect(await siteSnapshot()).to.deep.equal(before);
      expect(await testDb()('audit_log').where({ action: 'sites-import' }).first()).to.equal(undefined);

      await agent.get('/sites/import?lang=en');
      const english = await agent.post('/sites/import', { csv: 'code,name,kelurahan,router_host,colour\n' });
      expect(english.status).to.equal(400);
      expect(english.body).to.contain('Nothing was imported: 1 rows need fixing.').and.contain('unknown column (known: code, name, kelurahan');
      const empty = await agent.post('/sites/import', { csv: '  ' });
      expect(empty.status).to.equal(400);
      expect(empty.body).to.contain('Paste the CSV text (or choose a file) first.');
      expect(await siteSnapshot()).to.deep.equal(before);
    });

    it('has every reason a file can be refused for in both languages', () => {
      const translations = loadDashboardTranslations();
      for (const lang of ['id', 'en'] as const) {
        const dictionary = translations.dictionary(lang);
        for (const reason of Object.keys(SITE_FILE_PROBLEMS)) expect(dictionary, `${lang}: ${reason}`).to.have.property(`sites.importProblem.${reason}`);
      }
    });

    it('does not send router passwords of a refused file back into the form', async () => {
      await agent.signIn('adi');
      await agent.get('/sites/import');
      const result = await agent.post('/sites/import', { csv: 'code,name,kelurahan,router_host,router_password\nX-1,X,Atlantis,10.0.0.1,jangan-tampil\n' });
      expect(result.status).to.equal(400);
      expect(result.body).not.to.contain('jangan-tampil');
    });

    it('takes a file of 1,500 sites pasted in one form', async () => {
      await agent.signIn('eka');
      await agent.get('/sites/import');
      const lines = ['code,name,kelurahan,router_host,lat,lon,category'];
      for (let i = 0; i < 1500; i++) lines.push(`BIG-${i},Titik Wi-Fi Nomor ${i},36.74.0${(i % 7) + 1}.1001,10.${Math.floor(i / 250)}.${i % 250}.1,-6.3,106.7,park`);
      const result = await agent.post('/sites/import', { csv: lines.join('\n') });
      expect(result.status, result.body.slice(0, 300)).to.equal(303);
      expect(Number((await testDb()('sites').count('* as n').first())!.n)).to.equal(1500);
    });

    it('is for engineers and admins only: a reporter gets 403 and nothing changes', async () => {
      await seedSites(3);
      const before = await siteSnapshot();
      await agent.signIn('rina');
      expect((await agent.get('/sites/import')).status).to.equal(403);
      const sites = await agent.get('/sites');
      expect(sites.body).not.to.contain('href="/sites/import"');
      const result = await agent.post('/sites/import', { csv: GOOD });
      expect(result.status).to.equal(403);
      expect(result.body).to.contain('Peran Anda tidak memberi izin');
      expect(await siteSnapshot()).to.deep.equal(before);
      const engineer = new Agent(dashboard.url);
      await engineer.signIn('eka');
      expect((await engineer.get('/sites')).body).to.contain('href="/sites/import"');
    });

    it('needs the form\'s CSRF token', async () => {
      await agent.signIn('eka');
      await agent.get('/sites/import');
      const missing = await agent.post('/sites/import', { csv: GOOD }, { csrf: false });
      expect(missing.status).to.equal(403);
      const other = new Agent(dashboard.url);
      await other.signIn('adi');
      const foreign = await agent.post('/sites/import', { csv: GOOD }, { csrf: other.csrf() });
      expect(foreign.status).to.equal(403);
      expect(Number((await testDb()('sites').count('* as n').first())!.n)).to.equal(0);
      expect(await testDb()('audit_log').where({ action: 'sites-import' }).first()).to.equal(undefined);
    });
  });
});
