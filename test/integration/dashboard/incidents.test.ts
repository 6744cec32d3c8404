import { expect } from 'chai';
import { issueApiToken } from '../../../core/db/queries/api-tokens.js';
import { Agent, dashboardBox, openDashboard, type DashboardFixture } from '../../helpers/dashboard-fixture.js';
import { testDb } from '../../helpers/test-db.js';

/** The fixture's clock: 25 Nov 2026 09:00 WIB. The default period is 19–25 Nov (local). */
const NOW = '2026-11-25T09:00:00+07:00';
const at = (local: string) => new Date(`${local}+07:00`);

type Change = [local: string, from: string, to: string, reason?: string];

/** A site in a kelurahan with its state changes, oldest first. */
async function siteWith(code: string, kelurahan: string, changes: Change[]): Promise<number> {
  const [site] = await testDb()('sites').insert({ code, name: `Taman ${code}`, area_code: kelurahan }).returning('id');
  if (changes.length) {
    await testDb()('site_state_changes').insert(
      changes.map(([local, from, to, reason]) => ({ site_id: site.id, at: at(local), from_state: from, to_state: to, reason: reason ?? `${from} to ${to}` })),
    );
  }
  return site.id;
}

/**
 * What the page must show for each outage, worked out here from the changes as inserted: from a
 * change into down to the site's next change, or to now; less `maintenance` seconds.
 */
async function expectedOutages(maintenance: Record<string, number> = {}): Promise<Map<string, { site: string; seconds: number; ongoing: boolean }>> {
  const rows = await testDb()('site_state_changes as c').join('sites as s', 's.id', 'c.site_id').orderBy(['c.site_id', 'c.at', 'c.id']).select('c.id', 'c.site_id', 'c.at', 'c.to_state', 's.code');
  const expected = new Map<string, { site: string; seconds: number; ongoing: boolean }>();
  rows.forEach((r: { id: number; site_id: number; at: Date; to_state: string; code: string }, i: number) => {
    if (r.to_state !== 'down') return;
    const next = rows[i + 1]?.site_id === r.site_id ? rows[i + 1] : undefined;
    const end = next ? new Date(next.at).getTime() : new Date(NOW).getTime();
    expected.set(String(r.id), { site: r.code, seconds: (end - new Date(r.at).getTime()) / 1000 - (maintenance[`${r.code}@${new Date(r.at).toISOString()}`] ?? 0), ongoing: !next });
  });
  return expected;
}

interface PageOutage {
  change: string;
  site: string;
  seconds: number;
  ongoing: boolean;
}
type PageRow = { type: 'outage'; outage: PageOutage } | { type: 'area'; code: string; count: number; outages: PageOutage[] };

/** The rows of the incidents table as a user sees them: single outages, and groups with their outages inside. */
function rowsOf(body: string): PageRow[] {
  const rows: PageRow[] = [];
  let group: Extract<PageRow, { type: 'area' }> | undefined;
  for (const m of body.matchAll(/<tr class="(group|outage)" ([^>]*)>|<\/details>/g)) {
    if (m[0] === '</details>') {
      group = undefined;
      continue;
    }
    const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(m[2])?.[1];
    if (m[1] === 'group') {
      group = { type: 'area', code: attr('data-group')!, count: Number(attr('data-count')), outages: [] };
      rows.push(group);
      continue;
    }
    const outage = { change: attr('data-change')!, site: attr('data-site')!, seconds: Number(attr('data-duration')), ongoing: /\bdata-ongoing\b/.test(m[2]) };
    if (group) group.outages.push(outage);
    else rows.push({ type: 'outage', outage });
  }
  return rows;
}

const allOutages = (rows: PageRow[]) => rows.flatMap((r) => (r.type === 'outage' ? [r.outage] : r.outages));

describe('dashboard: incidents', function () {
  this.timeout(60_000);
  let dashboard: DashboardFixture;
  let agent: Agent;

  beforeEach(async () => {
    ({ dashboard, agent } = await openDashboard({ now: NOW }));
  });
  afterEach(async () => {
    await dashboard.close();
  });

  describe('outages', () => {
    /** Ciater and Rawabuntu are in Serpong (36.74.01); Sawah 36.74.04.1004 in Ciputat (36.74.04). */
    async function seedOutages(): Promise<void> {
      await siteWith('A-ENDED', '36.74.01.1001', [
        ['2026-11-10T10:00:00', 'up', 'down'],
        ['2026-11-10T10:05:00', 'down', 'up'],
        ['2026-11-24T10:00:00', 'up', 'down', 'refused: connect ECONNREFUSED (2 failed polls in a row)'],
        ['2026-11-24T11:30:00', 'down', 'up'],
      ]);
      await siteWith('B-ONGOING', '36.74.01.1002', [
        ['2026-11-20T07:00:00', 'unknown', 'up'],
        ['2026-11-25T08:00:00', 'up', 'down', 'connect-timeout: no answer (2 failed polls in a row)'],
      ]);
      // A window opened during the outage: down → maintenance → unknown → down is two outages.
      await siteWith('C-SPLIT', '36.74.04.1004', [
        ['2026-11-23T10:00:00', 'up', 'down'],
        ['2026-11-23T10:20:00', 'down', 'maintenance', 'maintenance: PLN works in Ciputat'],
        ['2026-11-23T12:00:00', 'maintenance', 'unknown', 'maintenance over'],
        ['2026-11-23T12:02:00', 'unknown', 'down'],
        ['2026-11-23T12:32:00', 'down', 'up'],
      ]);
      // A window recorded afterwards for the kecamatan takes its half hour off this outage.
      await siteWith('D-WINDOW', '36.74.04.1004', [
        ['2026-11-22T14:00:00', 'up', 'down'],
        ['2026-11-22T16:00:00', 'down', 'up'],
      ]);
      await testDb()('maintenance_windows').insert({ area_code: '36.74.04', starts_at: at('2026-11-22T14:30:00'), ends_at: at('2026-11-22T15:00:00'), reason: 'PLN pemeliharaan gardu' });
      // Began before the period, ended inside it.
      await siteWith('E-ACROSS', '36.74.01.1001', [
        ['2026-11-18T22:00:00', 'up', 'down'],
        ['2026-11-19T02:00:00', 'down', 'up'],
      ]);
    }
    const MAINTENANCE = { [`D-WINDOW@${at('2026-11-22T14:00:00').toISOString()}`]: 1800 };

    it('shows each outage with its duration as the state changes give it, ongoing ones until now, maintenance left out', async () => {
      await seedOutages();
      const expected = await expectedOutages(MAINTENANCE);
      await agent.signIn('rina');
      const page = await agent.get('/incidents');
      expect(page.status).to.equal(200);
      const shown = allOutages(rowsOf(page.body));
      // The outage of 10 Nov is outside the last 7 days; every other one is listed, newest first.
      const inPeriod = [...expected].filter(([, e]) => !(e.site === 'A-ENDED' && e.seconds === 300));
      expect(shown.map((o) => o.change).sort()).to.deep.equal(inPeriod.map(([id]) => id).sort());
      for (const o of shown) expect({ site: o.site, seconds: o.seconds, ongoing: o.ongoing }, o.site).to.deep.equal(expected.get(o.change));
      expect(shown.map((o) => o.site)).to.deep.equal(['B-ONGOING', 'A-ENDED', 'C-SPLIT', 'C-SPLIT', 'D-WINDOW', 'E-ACROSS']);
      // The figures a person reads: 1 h 30 min, still down for 1 h, the split outage as 20 and 30 minutes, 1 h 30 min without the window.
      expect(shown.map((o) => o.seconds)).to.deep.equal([3600, 5400, 1800, 1200, 5400, 14400]);
      expect(page.body).to.contain('masih padam').and.contain('1 j 30 mnt').and.contain('tanpa 30 mnt pemeliharaan');
      expect(page.body).to.contain('refused: connect ECONNREFUSED (2 failed polls in a row)').and.contain('Ciater, Serpong');

      // An hour later the ongoing outage has grown by an hour; the others have not.
      dashboard.clock.advance(3600);
      const later = allOutages(rowsOf((await agent.get('/incidents')).body));
      expect(later.find((o) => o.site === 'B-ONGOING')!.seconds).to.equal(7200);
      expect(later.find((o) => o.site === 'A-ENDED')!.seconds).to.equal(5400);
    });

    it('filters by period, kecamatan and ongoing only', async () => {
      await seedOutages();
      await agent.signIn('rina');
      const sites = async (query: string) => allOutages(rowsOf((await agent.get(`/incidents?${query}`)).body)).map((o) => o.site);
      expect(await sites('from=2026-11-24&to=2026-11-25')).to.deep.equal(['B-ONGOING', 'A-ENDED']);
      expect(await sites('from=2026-11-01&to=2026-11-10')).to.deep.equal(['A-ENDED']);
      expect(await sites('kecamatan=36.74.04')).to.deep.equal(['C-SPLIT', 'C-SPLIT', 'D-WINDOW']);
      expect(await sites('ongoing=1')).to.deep.equal(['B-ONGOING']);
      expect(await sites('ongoing=1&kecamatan=36.74.04')).to.deep.equal([]);
      const bad = await agent.get('/incidents?from=2026-11-31&to=2026-11-25');
      expect(bad.status).to.equal(400);
      expect(bad.body).to.contain('Tanggal tidak dapat dibaca');
      const reversed = await agent.get('/incidents?from=2026-11-25&to=2026-11-01&lang=en');
      expect(reversed.status).to.equal(400);
      expect(reversed.body).to.contain('The start date is after the end date.');
    });

    it('shows 6 sites of one kelurahan that went down within 3 minutes as one group of 6, a later outage there on its own', async () => {
      for (let i = 0; i < 6; i++) {
        const down = new Date(at('2026-11-21T03:00:00').getTime() + i * 30_000).toISOString().slice(0, 19);
        const up = new Date(at('2026-11-21T04:00:00').getTime() + i * 60_000).toISOString().slice(0, 19);
        await testDb()('sites').insert({ code: `RMJ-${i + 1}`, name: `Balai ${i + 1}`, area_code: '36.74.01.1003' });
        const site = await testDb()('sites').where({ code: `RMJ-${i + 1}` }).first('id');
        await testDb()('site_state_changes').insert([
          { site_id: site.id, at: new Date(`${down}Z`), from_state: 'up', to_state: 'down', reason: 'connect-timeout: power cut' },
          { site_id: site.id, at: new Date(`${up}Z`), from_state: 'down', to_state: 'up', reason: 'answered' },
        ]);
      }
      await siteWith('RMJ-LATE', '36.74.01.1003', [['2026-11-21T10:20:00', 'up', 'down'], ['2026-11-21T10:25:00', 'down', 'up']]);
      await siteWith('ELSEWHERE', '36.74.04.1004', [['2026-11-21T10:01:00', 'up', 'down'], ['2026-11-21T10:02:00', 'down', 'up']]);
      await agent.signIn('eka');
      const page = await agent.get('/incidents');
      const rows = rowsOf(page.body);
      expect(rows.map((r) => (r.type === 'area' ? `group ${r.code} ×${r.count}` : r.outage.site))).to.deep.equal(['RMJ-LATE', 'ELSEWHERE', 'group 36.74.01.1003 ×6']);
      const group = rows[2] as Extract<PageRow, { type: 'area' }>;
      expect(group.outages.map((o) => o.site)).to.deep.equal(['RMJ-1', 'RMJ-2', 'RMJ-3', 'RMJ-4', 'RMJ-5', 'RMJ-6']);
      expect(group.outages.map((o) => o.seconds)).to.deep.equal([3600, 3630, 3660, 3690, 3720, 3750]);
      expect(page.body).to.contain('Kel. Rawa Mekar Jaya: 6 titik padam bersamaan').and.contain('<details>').and.contain('semua pulih pukul');
    });

    it('groups outages the way the alert dispatcher did when it recorded an area outage', async () => {
      const ids: number[] = [];
      for (const [code, kel, local] of [['S-1', '36.74.01.1001', '2026-11-24T06:00:00'], ['S-2', '36.74.01.1002', '2026-11-24T06:02:00']] as const) {
        await siteWith(code, kel, [[local, 'up', 'down']]);
        ids.push((await testDb()('site_state_changes').orderBy('id', 'desc').first('id')).id);
      }
      const [alert] = await testDb()('alerts')
        .insert({ kind: 'area-outage', area_code: '36.74.01', change_ids: ids, payload: { kind: 'area-outage', area: { code: '36.74.01', name: 'Serpong', level: 'kecamatan' }, count: 2 }, created_at: at('2026-11-24T06:03:00') })
        .returning('id');
      await testDb()('alert_changes').insert(ids.map((id, i) => ({ change_id: id, alert_id: alert.id, outcome: i === 0 ? 'alerted' : 'joined', handled_at: at('2026-11-24T06:03:00') })));
      await agent.signIn('rina');
      const body = (await agent.get('/incidents')).body;
      const rows = rowsOf(body);
      expect(rows).to.have.length(1);
      expect(rows[0]).to.deep.include({ type: 'area', code: '36.74.01', count: 2 });
      expect(body).to.contain('Kec. Serpong: 2 titik padam bersamaan').and.contain('2 masih padam');
    });

    it('pages 50 rows at a time', async () => {
      for (let i = 0; i < 53; i++) {
        const local = new Date(at('2026-11-20T00:00:00').getTime() + i * 600_000 + 7 * 3600_000).toISOString().slice(0, 19);
        await siteWith(`P-${String(i).padStart(2, '0')}`, '36.74.01.1001', [[local, 'up', 'down'], [local.slice(0, 17) + '30', 'down', 'up']]);
      }
      await agent.signIn('rina');
      const first = await agent.get('/incidents');
      expect(rowsOf(first.body)).to.have.length(50);
      expect(first.body).to.contain('Halaman 1 dari 2');
      const second = await agent.get('/incidents?page=2');
      expect(allOutages(rowsOf(second.body)).map((o) => o.site)).to.deep.equal(['P-02', 'P-01', 'P-00']);
      const json = await (await agent.get('/api/incidents?page=2')).body;
      expect(JSON.parse(json)).to.deep.include({ total: 53, page: 2, pages: 2, outages: 53 });
    });
  });

  describe('the API', () => {
    it('answers GET /api/incidents with what the page shows, to a session and to an API token, with the same filters', async () => {
      for (let i = 0; i < 5; i++) await siteWith(`G-${i}`, '36.74.01.1003', [[`2026-11-24T05:00:${String(i * 10).padStart(2, '0')}`, 'up', 'down', 'power']]);
      await siteWith('LONE', '36.74.04.1004', [['2026-11-23T05:00:00', 'up', 'down'], ['2026-11-23T05:45:00', 'down', 'up']]);
      await agent.signIn('rina');
      for (const query of ['', '?kecamatan=36.74.04', '?ongoing=1', '?from=2026-11-23&to=2026-11-23']) {
        const page = rowsOf((await agent.get(`/incidents${query}`)).body);
        const response = await agent.get(`/api/incidents${query}`);
        expect(response.status).to.equal(200);
        expect(response.response.headers.get('content-type')).to.match(/^application\/json/);
        const json = JSON.parse(response.body);
        const fromApi = json.items.map((item: Record<string, unknown>) => {
          const outage = (o: Record<string, unknown>) => ({ change: String(o.change_id), site: (o.site as { code: string }).code, seconds: o.duration_seconds, ongoing: o.ongoing });
          return item.type === 'outage'
            ? { type: 'outage', outage: outage(item) }
            : { type: 'area', code: (item.area as { code: string }).code, count: item.count, outages: (item.outages as Array<Record<string, unknown>>).map(outage) };
        });
        expect(fromApi, query).to.deep.equal(page);
      }
      const all = JSON.parse((await agent.get('/api/incidents')).body);
      expect(all.items[0]).to.deep.include({ type: 'area', count: 5, still_down: 5, ended_at: null });
      expect(all.items[0].area).to.deep.equal({ code: '36.74.01.1003', name: 'Rawa Mekar Jaya', level: 'kelurahan' });
      expect(all.items[1]).to.deep.include({ type: 'outage', started_at: at('2026-11-23T05:00:00').toISOString(), ended_at: at('2026-11-23T05:45:00').toISOString(), duration_seconds: 2700, ongoing: false });
      expect(all.period).to.deep.include({ from: '2026-11-19', to: '2026-11-25' });

      const { token } = await issueApiToken(testDb(), dashboardBox, { name: 'noc', roles: ['reporter'], createdBy: 'test', now: new Date(NOW) });
      const machine = await fetch(`${dashboard.url}/api/incidents?kecamatan=36.74.04`, { headers: { authorization: `Bearer ${token}` } });
      expect(machine.status).to.equal(200);
      expect(((await machine.json()) as { items: Array<{ site: { code: string } }> }).items.map((i) => i.site.code)).to.deep.equal(['LONE']);
      const bad = await fetch(`${dashboard.url}/api/incidents?from=yesterday`, { headers: { authorization: `Bearer ${token}` } });
      expect(bad.status).to.equal(400);
      expect(await bad.json()).to.deep.equal({ error: 'bad-period', message: 'from and to must be dates as YYYY-MM-DD' });
      expect((await fetch(`${dashboard.url}/api/incidents`)).status).to.equal(401);
    });
  });

  describe('the problem-report queue', () => {
    async function seedReports(): Promise<Record<string, number>> {
      const ciater = await siteWith('Q-CIATER', '36.74.01.1001', []);
      const sawah = await siteWith('Q-SAWAH', '36.74.04.1004', []);
      const rows = [
        { key: 'oldOpen', site_id: ciater, at: at('2026-11-20T08:00:00'), kind: 'no-internet', comment: 'Tidak bisa login sejak pagi', status: 'open' },
        { key: 'acked', site_id: sawah, at: at('2026-11-19T08:00:00'), kind: 'slow', comment: 'Lambat sekali', status: 'acknowledged' },
        { key: 'newOpen', site_id: sawah, at: at('2026-11-24T08:00:00'), kind: 'device-broken', comment: 'Lampu router mati', status: 'open' },
        { key: 'done', site_id: ciater, at: at('2026-11-18T08:00:00'), kind: 'other', comment: 'Sudah beres', status: 'resolved', resolved_at: at('2026-11-18T12:00:00') },
      ];
      const ids: Record<string, number> = {};
      for (const { key, ...row } of rows) ids[key] = Number((await testDb()('problem_reports').insert(row).returning('id'))[0].id);
      return ids;
    }
    const idsOf = (body: string) => [...body.matchAll(/<tr data-report="(\d+)" data-status="(\w+)">/g)].map((m) => `${m[1]}:${m[2]}`);

    it('lists open reports first, then acknowledged ones; reporters read them with the comments and cannot act', async () => {
      const ids = await seedReports();
      await agent.signIn('rina');
      const page = await agent.get('/incidents/reports');
      expect(page.status).to.equal(200);
      expect(idsOf(page.body)).to.deep.equal([`${ids.oldOpen}:open`, `${ids.newOpen}:open`, `${ids.acked}:acknowledged`]);
      expect(page.body).to.contain('Tidak bisa login sejak pagi').and.contain('Lampu router mati').and.not.contain('Sudah beres');
      expect(page.body).not.to.contain('/acknowledge"').and.not.to.contain('/resolve"');
      expect(page.body).to.contain('Hanya teknisi dan admin yang dapat menangani laporan.');
      expect(idsOf((await agent.get('/incidents/reports?status=resolved')).body)).to.deep.equal([`${ids.done}:resolved`]);
      expect(idsOf((await agent.get('/incidents/reports?kind=slow')).body)).to.deep.equal([`${ids.acked}:acknowledged`]);
      expect(idsOf((await agent.get('/incidents/reports?kecamatan=36.74.04&status=all')).body)).to.deep.equal([`${ids.newOpen}:open`, `${ids.acked}:acknowledged`]);

      const refused = await agent.post(`/incidents/reports/${ids.oldOpen}/acknowledge`, { note: 'coba' });
      expect(refused.status).to.equal(403);
      expect((await testDb()('problem_reports').where({ id: ids.oldOpen }).first()).status).to.equal('open');
      expect(await testDb()('audit_log').where('action', 'like', 'problem-report-%').select()).to.deep.equal([]);
    });

    it('lets an engineer acknowledge and resolve a report, with a CSRF token, audited, with who, when and the note', async () => {
      const ids = await seedReports();
      await agent.signIn('eka');
      await agent.get('/incidents/reports');
      const noToken = await agent.post(`/incidents/reports/${ids.oldOpen}/acknowledge`, {}, { csrf: false });
      expect(noToken.status).to.equal(403);
      expect((await testDb()('problem_reports').where({ id: ids.oldOpen }).first()).status).to.equal('open');

      const acked = await agent.post(`/incidents/reports/${ids.oldOpen}/acknowledge`, { note: 'Teknisi dikirim ke lokasi', back: '/incidents/reports?kind=no-internet' });
      expect(acked.status).to.equal(303);
      expect(acked.response.headers.get('location')).to.equal('/incidents/reports?kind=no-internet&done=acknowledged');
      let row = await testDb()('problem_reports').where({ id: ids.oldOpen }).first();
      expect(row).to.deep.include({ status: 'acknowledged', acknowledged_by: 'eka', note: 'Teknisi dikirim ke lokasi', resolved_at: null });
      expect(new Date(row.acknowledged_at).toISOString()).to.equal(new Date(NOW).toISOString());

      dashboard.clock.advance(2 * 3600);
      const shown = await agent.get(acked.response.headers.get('location')!);
      expect(shown.body).to.contain('Laporan ditandai sedang ditangani.').and.contain('Catatan: Teknisi dikirim ke lokasi');
      const resolved = await agent.post(`/incidents/reports/${ids.oldOpen}/resolve`, { note: '' });
      expect(resolved.status).to.equal(303);
      row = await testDb()('problem_reports').where({ id: ids.oldOpen }).first();
      expect(row).to.deep.include({ status: 'resolved', resolved_by: 'eka', note: 'Teknisi dikirim ke lokasi' });
      expect(new Date(row.resolved_at).toISOString()).to.equal(new Date(new Date(NOW).getTime() + 2 * 3600_000).toISOString());

      // Resolving an open report directly is allowed too; acting on a resolved one changes nothing.
      await agent.get('/incidents/reports');
      expect((await agent.post(`/incidents/reports/${ids.newOpen}/resolve`, { note: 'Adaptor diganti' })).status).to.equal(303);
      await agent.get('/incidents/reports');
      const again = await agent.post(`/incidents/reports/${ids.oldOpen}/acknowledge`, {});
      expect(again.status).to.equal(409);
      expect(again.body).to.contain('statusnya sudah selesai');
      expect((await agent.post('/incidents/reports/999999/resolve', {}, { csrf: agent.csrf() })).status).to.equal(404);

      const audit = await testDb()('audit_log').where('action', 'like', 'problem-report-%').orderBy('id').select('actor', 'action', 'target', 'details');
      expect(audit).to.deep.equal([
        { actor: 'eka', action: 'problem-report-acknowledge', target: `problem-report:${ids.oldOpen}`, details: { site: 'Q-CIATER', from: 'open', to: 'acknowledged', note: 'Teknisi dikirim ke lokasi' } },
        { actor: 'eka', action: 'problem-report-resolve', target: `problem-report:${ids.oldOpen}`, details: { site: 'Q-CIATER', from: 'acknowledged', to: 'resolved' } },
        { actor: 'eka', action: 'problem-report-resolve', target: `problem-report:${ids.newOpen}`, details: { site: 'Q-SAWAH', from: 'open', to: 'resolved', note: 'Adaptor diganti' } },
      ]);
      expect(idsOf((await agent.get('/incidents/reports')).body)).to.deep.equal([`${ids.acked}:acknowledged`]);
    });

    it('never sends a form elsewhere: a foreign back address goes to the queue', async () => {
      const ids = await seedReports();
      await agent.signIn('adi');
      await agent.get('/incidents/reports');
      const result = await agent.post(`/incidents/reports/${ids.acked}/resolve`, { back: '//evil.example/' });
      expect(result.response.headers.get('location')).to.equal('/incidents/reports?done=resolved');
    });
  });
});
