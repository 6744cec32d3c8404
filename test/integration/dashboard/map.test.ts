import { expect } from 'chai';
import { NO_FIGURE_FILL, SHADE_FILLS } from '../../../core/domain/map-shading.js';
import { Agent, openDashboard, type DashboardFixture } from '../../helpers/dashboard-fixture.js';
import { testDb } from '../../helpers/test-db.js';

/** Sites placed near the representative points of their kelurahan (shared/data/tangsel-wilayah.csv). */
const SITES: Array<{ code: string; kelurahan: string; lat: number | null; lon: number | null; state: string | null; commissioned: boolean }> = [
  // Ciater (Serpong): two in service, both up
  { code: 'CIA-1', kelurahan: '36.74.01.1001', lat: -6.3223, lon: 106.6943, state: 'up', commissioned: true },
  { code: 'CIA-2', kelurahan: '36.74.01.1001', lat: -6.3201, lon: 106.6962, state: 'up', commissioned: true },
  // Sawah (Ciputat): one in service and down, one degraded not yet commissioned
  { code: 'SAW-1', kelurahan: '36.74.04.1004', lat: -6.2985, lon: 106.7358, state: 'down', commissioned: true },
  { code: 'SAW-2', kelurahan: '36.74.04.1004', lat: -6.2995, lon: 106.7368, state: 'degraded', commissioned: false },
  // Pondok Betung (Pondok Aren): maintenance, never polled, and one without a position
  { code: 'PDA-1', kelurahan: '36.74.03.1001', lat: -6.2632, lon: 106.7492, state: 'maintenance', commissioned: true },
  { code: 'PDA-2', kelurahan: '36.74.03.1001', lat: -6.2642, lon: 106.7502, state: null, commissioned: true },
  { code: 'PDA-3', kelurahan: '36.74.03.1001', lat: null, lon: null, state: 'up', commissioned: true },
];

async function seedSites(): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const s of SITES) {
    const [row] = await testDb()('sites')
      .insert({ code: s.code, name: `Taman <${s.code}>`, area_code: s.kelurahan, lat: s.lat, lon: s.lon, category: 'park', commissioned_on: s.commissioned ? '2026-01-10' : null })
      .returning('id');
    ids.set(s.code, row.id);
    if (s.state) await testDb()('site_status').insert({ site_id: row.id, state: s.state, since: '2026-11-25T06:30:00+07:00' });
  }
  return ids;
}

/** The kelurahan paths of the map: code → fill. */
function kelurahanFills(body: string): Map<string, string> {
  const group = /<g class="kelurahan"[^>]*>([\s\S]*?)<\/g>/.exec(body)![1];
  const fills = new Map<string, string>();
  for (const m of group.matchAll(/<path data-code="([^"]+)" class="[^"]*" fill="([^"]+)" d="M[^"]+"><title>([^<]*)<\/title><\/path>/g)) fills.set(m[1], m[2]);
  return fills;
}

function kelurahanTitle(body: string, code: string): string {
  return new RegExp(`<path data-code="${code.replace(/\./g, '\\.')}"[^>]*><title>([^<]*)</title>`).exec(body)![1];
}

/** The dots of the map by state class: the site codes each links to. A dot carries no radius: map.css sizes it. */
function dotsByState(body: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const g of body.matchAll(/<g class="dots state-(\w+)"[^>]*>([\s\S]*?)<\/g>/g)) {
    result[g[1]] = [...g[2].matchAll(/<a href="\/sites\/([^"]+)"><title>[^<]+<\/title><circle cx="[\d.]+" cy="[\d.]+"\/><\/a>/g)].map((m) => decodeURIComponent(m[1]));
  }
  return result;
}

describe('dashboard: the map', function () {
  this.timeout(60_000);
  let dashboard: DashboardFixture;
  let agent: Agent;

  beforeEach(async () => {
    ({ dashboard, agent } = await openDashboard({ signedInAs: 'rina' }));
  });
  afterEach(async () => {
    await dashboard.close();
  });

  it('draws all 54 kelurahan with their codes, the 7 kecamatan borders over them, inline, loading nothing from another host', async () => {
    await seedSites();
    const page = await agent.get('/map');
    expect(page.status).to.equal(200);
    const fills = kelurahanFills(page.body);
    const codes = (await testDb()('areas').where({ level: 'kelurahan' }).orderBy('code').pluck('code')) as string[];
    expect(codes).to.have.length(54);
    expect([...fills.keys()].sort()).to.deep.equal(codes);
    const kecamatan = /<g class="kecamatan"[^>]*>([\s\S]*?)<\/g>/.exec(page.body)![1];
    expect([...kecamatan.matchAll(/data-code="([^"]+)"/g)].map((m) => m[1])).to.deep.equal(['36.74.01', '36.74.02', '36.74.03', '36.74.04', '36.74.05', '36.74.06', '36.74.07']);
    // kecamatan borders come after (over) the kelurahan
    expect(page.body.indexOf('<g class="kecamatan"')).to.be.greaterThan(page.body.indexOf('<g class="kelurahan"'));
    expect(page.body).not.to.match(/https?:\/\//);
    expect(page.body).not.to.match(/(src|href)="\/\//);
    for (const asset of page.body.matchAll(/(?:src|href)="(\/static\/[^"]+)"/g)) expect((await agent.get(asset[1])).status, asset[1]).to.equal(200);
    expect(page.body).to.contain('<a href="/map"');
    // borders between kelurahan are grey, not white on white; "no figure" is a hatch defined once, used by the legend too
    expect(/<g class="kelurahan" stroke="([^"]+)"/.exec(page.body)![1]).not.to.match(/^#f{3}(f{3})?$/i);
    expect(page.body.match(/<pattern id="no-figure"/g)).to.have.length(1);
    expect((await agent.get('/static/favicon.svg')).status).to.equal(200);
    expect(page.body).to.contain('<link rel="icon" href="/static/favicon.svg"');
  });

  it('draws a dot per site with a position, grouped by state class, each linking to its site with a title', async () => {
    await seedSites();
    const page = await agent.get('/map');
    expect(dotsByState(page.body)).to.deep.equal({ unknown: ['PDA-2'], up: ['CIA-1', 'CIA-2'], maintenance: ['PDA-1'], degraded: ['SAW-2'], down: ['SAW-1'] });
    // names are escaped; the title says the state in the user's language
    expect(page.body).to.contain('<title>Taman &lt;SAW-1&gt; (SAW-1): Mati</title>');
    expect(page.body).to.contain('1 titik tidak digambar');
    const legend = /data-legend="states">([\s\S]*?)<\/ul>/.exec(page.body)![1];
    expect(legend).to.match(/data-state="down"[^]*Mati <span class="count">1<\/span>/);
    expect(legend).to.match(/data-state="up"[^]*Aktif <span class="count">2<\/span>/);
    const english = await agent.get('/map?lang=en');
    expect(english.body).to.contain('(SAW-1): Down</title>');
  });

  it('shades kelurahan by coverage against this year\'s targets, and by uptime, switched by ?shade=', async () => {
    const ids = await seedSites();
    await testDb()('coverage_targets').insert([
      { year: 2026, area_code: '36.74.01.1001', target_sites: 2 }, // Ciater: 2 of 2
      { year: 2026, area_code: '36.74.04.1004', target_sites: 3 }, // Sawah: 1 of 3 (SAW-2 not commissioned)
      { year: 2025, area_code: '36.74.03.1001', target_sites: 1 }, // another year: no target this year
    ]);
    const coverage = kelurahanFills((await agent.get('/map?shade=coverage')).body);
    expect(coverage.get('36.74.01.1001')).to.equal(SHADE_FILLS[4]);
    expect(coverage.get('36.74.04.1004')).to.equal(SHADE_FILLS[1]);
    expect(coverage.get('36.74.03.1001')).to.equal(NO_FIGURE_FILL);
    // the legend's "no target yet" swatch is the same hatch
    expect(/data-legend="shade">([\s\S]*?)<\/ul>/.exec((await agent.get('/map?shade=coverage')).body)![1]).to.match(new RegExp(`fill="${NO_FIGURE_FILL.replace(/[()]/g, '\\$&')}"[^>]*/></svg>belum ada target`));
    const coveragePage = await agent.get('/map');
    expect(kelurahanFills(coveragePage.body)).to.deep.equal(coverage);
    expect(kelurahanTitle(coveragePage.body, '36.74.04.1004')).to.equal('Sawah (Ciputat): 1 titik aktif dari target 3 (33%)');
    expect(coveragePage.body).to.contain('aria-current="true" class="current">Cakupan<');

    // uptime with no daily rollups yet: the share of routers answering now
    const now = await agent.get('/map?shade=uptime');
    expect(kelurahanTitle(now.body, '36.74.01.1001')).to.equal('Ciater (Serpong): 2 dari 2 router menjawab saat ini (100%)');
    expect(kelurahanTitle(now.body, '36.74.03.1001')).to.equal('Pondok Betung (Pondok Aren): 1 dari 1 router menjawab saat ini (100%)');

    // with rollups over the last 30 days: maintenance left out
    const day = (d: string, siteCode: string, up: number, down: number, maintenance = 0) => ({
      site_id: ids.get(siteCode), day: d, up_seconds: up, down_seconds: down, maintenance_seconds: maintenance,
    });
    await testDb()('rollups_daily').insert([
      day('2026-11-20', 'CIA-1', 86_400, 0),
      day('2026-11-21', 'CIA-2', 86_400 - 3600, 0, 3600),
      day('2026-11-20', 'SAW-1', 43_200, 43_200),
      day('2026-10-01', 'PDA-1', 0, 86_400), // older than 30 days: not counted
    ]);
    const uptime = await agent.get('/map?shade=uptime');
    const fills = kelurahanFills(uptime.body);
    expect(fills.get('36.74.01.1001')).to.equal(SHADE_FILLS[4]);
    expect(fills.get('36.74.04.1004')).to.equal(SHADE_FILLS[0]);
    expect(fills.get('36.74.03.1001')).to.equal(NO_FIGURE_FILL);
    expect(kelurahanTitle(uptime.body, '36.74.01.1001')).to.equal('Ciater (Serpong): uptime 100% selama 30 hari');
    expect(kelurahanTitle(uptime.body, '36.74.04.1004')).to.equal('Sawah (Ciputat): uptime 50% selama 30 hari');
    expect(fills).not.to.deep.equal(coverage);
    expect(uptime.body).to.contain('aria-current="true" class="current">Uptime<');
    const legend = /data-legend="shade">([\s\S]*?)<\/ul>/.exec(uptime.body)![1];
    expect(legend).to.contain('di bawah 90%').and.contain('99,5% atau lebih');
  });

  it('shades by the count of active sites when no target is set this year', async () => {
    await seedSites();
    const page = await agent.get('/map');
    const fills = kelurahanFills(page.body);
    // Pondok Betung has the most in service (3, one without a position): darkest; Ciater 2 of 3; none: the lightest
    expect(fills.get('36.74.03.1001')).to.equal(SHADE_FILLS[4]);
    expect(fills.get('36.74.01.1001')).to.equal(SHADE_FILLS[3]);
    expect(fills.get('36.74.04.1004')).to.equal(SHADE_FILLS[2]);
    expect(fills.get('36.74.07.1001')).to.equal(SHADE_FILLS[0]);
    expect(page.body).to.contain('Target tahun ini belum diisi');
  });

  it('draws 5,000 sites in one page', async () => {
    const kelurahan = (await testDb()('areas').where({ level: 'kelurahan' }).orderBy('code').select('code', 'lat', 'lon')) as Array<{ code: string; lat: number; lon: number }>;
    const rows = Array.from({ length: 5000 }, (_, i) => {
      const k = kelurahan[i % kelurahan.length];
      return { code: `S-${String(i).padStart(4, '0')}`, name: `Titik ${i}`, area_code: k.code, lat: k.lat + ((i % 7) - 3) * 0.0004, lon: k.lon + ((i % 5) - 2) * 0.0004 };
    });
    for (let i = 0; i < rows.length; i += 1000) await testDb()('sites').insert(rows.slice(i, i + 1000));
    const page = await agent.get('/map');
    expect(page.status).to.equal(200);
    expect(dotsByState(page.body).unknown).to.have.length(5000);
    expect(page.body).to.contain('5000 titik di peta.');
    // a dot is a link, a centre and a title, nothing more: the page stays light for a phone
    expect(Buffer.byteLength(page.body) / 5000, 'bytes a site, outlines and page included').to.be.below(125);
  });

  it('sends a visitor who is not signed in to the sign-in page', async () => {
    const result = await new Agent(dashboard.url).get('/map');
    expect(result.status).to.equal(303);
  });
});
