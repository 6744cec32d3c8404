import { expect } from 'chai';
import { addSite } from '../../../core/db/queries/sites.js';
import { API_SITES_MAX_LIMIT } from '../../../dashboard/routes/api-sites.js';
import { Agent, resetDashboardTables, seedAccounts, startDashboardFixture, type DashboardFixture } from '../../helpers/dashboard-fixture.js';
import { testDb } from '../../helpers/test-db.js';

const SAWAH = '36.74.04.1004';
const CIATER = '36.74.01.1001';

/** Five sites in two kelurahan, with states, dates, access and a router password that must never show. */
async function seedSites(): Promise<void> {
  const db = testDb();
  const rows: Array<[string, string, string, string, string | null]> = [
    ['ts-0001', 'Taman Kota Sawah', SAWAH, 'park', 'up'],
    ['ts-0002', 'Masjid Al-Ikhlas', SAWAH, 'mosque', 'down'],
    ['ts-0003', 'Kantor Kelurahan Ciater', CIATER, 'office', 'up'],
    ['ts-0004', 'RPTRA Ciater', CIATER, 'park', null],
    ['ts-0005', 'Taman Ciater Indah', CIATER, 'park', 'degraded'],
  ];
  for (const [code, name, areaCode, category, state] of rows) {
    const site = await addSite(db, { code, name, areaCode, category });
    if (state) {
      await db('site_status').insert({
        site_id: site.id, state, since: '2026-11-25T06:30:00+07:00', last_poll_at: '2026-11-25T08:59:00+07:00',
        cpu_load: 12, active_users: 7, uptime_seconds: 86400, ros_version: '7.18.2', board: 'hAP ax2', rtt_ms: 4,
        last_error: state === 'down' ? 'refused: connect ECONNREFUSED' : null,
      });
    }
  }
  await db('sites').where({ code: 'ts-0001' }).update({
    lat: -6.2985, lon: 106.7358, installed_on: '2026-01-10', commissioned_on: '2026-02-01',
    router_host: '10.20.0.7', router_user: 'citywifi', router_password_enc: 'v1:sealed-router-password', access: 'restricted',
    access_reason: 'renovasi taman', monitoring: 'api',
  });
  await db('sites').where({ code: 'ts-0004' }).update({ decommissioned_on: '2026-10-31', monitoring: 'heartbeat', access: 'closed' });
}

describe('dashboard: the sites inventory API (/api/sites)', function () {
  this.timeout(60_000);
  let dashboard: DashboardFixture;
  let reporter: Agent;

  beforeEach(async () => {
    await resetDashboardTables();
    await seedAccounts();
    await seedSites();
    dashboard = await startDashboardFixture();
    reporter = new Agent(dashboard.url);
    expect((await reporter.signIn('rina')).status).to.equal(303);
  });
  afterEach(() => dashboard.close());

  const json = async (agent: Agent, path: string) => {
    const page = await agent.get(path);
    return { status: page.status, body: JSON.parse(page.body) };
  };

  it('lists every site by code with its place, dates, access, monitoring and state, and never a router credential', async () => {
    const { status, body } = await json(reporter, '/api/sites');
    expect(status).to.equal(200);
    expect(body).to.include({ total: 5, limit: 100, offset: 0 });
    expect(body.sites.map((s: { code: string }) => s.code)).to.deep.equal(['ts-0001', 'ts-0002', 'ts-0003', 'ts-0004', 'ts-0005']);
    expect(body.sites[0]).to.deep.equal({
      code: 'ts-0001',
      name: 'Taman Kota Sawah',
      kelurahan: { code: SAWAH, name: 'Sawah' },
      kecamatan: { code: '36.74.04', name: 'Ciputat' },
      category: 'park',
      lat: -6.2985,
      lon: 106.7358,
      installed_on: '2026-01-10',
      commissioned_on: '2026-02-01',
      decommissioned_on: null,
      access: 'restricted',
      access_reason: 'renovasi taman',
      access_until: null,
      monitoring: 'api',
      state: 'up',
      since: '2026-11-24T23:30:00.000Z',
    });
    expect(body.sites[3]).to.include({ code: 'ts-0004', state: 'unknown', since: null, decommissioned_on: '2026-10-31', monitoring: 'heartbeat', access: 'closed' });
    const text = JSON.stringify(body);
    expect(text).not.to.contain('10.20.0.7').and.not.to.contain('sealed-router-password').and.not.to.contain('router');
  });

  it('filters like the sites page (kecamatan, kelurahan, state, category, q) and pages with limit and offset, giving the total', async () => {
    const codes = async (query: string) => {
      const { status, body } = await json(reporter, `/api/sites?${query}`);
      expect(status, query).to.equal(200);
      return { total: body.total, codes: body.sites.map((s: { code: string }) => s.code) };
    };
    expect(await codes('kecamatan=36.74.01')).to.deep.equal({ total: 3, codes: ['ts-0003', 'ts-0004', 'ts-0005'] });
    expect(await codes(`kelurahan=${SAWAH}`)).to.deep.equal({ total: 2, codes: ['ts-0001', 'ts-0002'] });
    expect(await codes('state=up')).to.deep.equal({ total: 2, codes: ['ts-0001', 'ts-0003'] });
    expect(await codes('state=unknown')).to.deep.equal({ total: 1, codes: ['ts-0004'] });
    expect(await codes('category=PARK&kecamatan=36.74.01')).to.deep.equal({ total: 2, codes: ['ts-0004', 'ts-0005'] });
    expect(await codes('q=ciater')).to.deep.equal({ total: 3, codes: ['ts-0003', 'ts-0004', 'ts-0005'] });
    expect(await codes('q=TS-0002')).to.deep.equal({ total: 1, codes: ['ts-0002'] });
    expect(await codes('q=%25')).to.deep.equal({ total: 0, codes: [] });
    expect(await codes('limit=2')).to.deep.equal({ total: 5, codes: ['ts-0001', 'ts-0002'] });
    expect(await codes('limit=2&offset=4')).to.deep.equal({ total: 5, codes: ['ts-0005'] });
    expect(await codes('offset=9')).to.deep.equal({ total: 5, codes: [] });
  });

  it('refuses a malformed query with 400 and a plain message, instead of answering another list', async () => {
    const cases: Array<[string, RegExp]> = [
      ['limit=0', /limit must be a whole number from 1 to 1000/],
      [`limit=${API_SITES_MAX_LIMIT + 1}`, /limit must be a whole number/],
      ['offset=-1', /offset must be a whole number/],
      ['limit=ten', /limit must be a whole number/],
      ['kecamatan=Ciputat', /kecamatan must be a Kemendagri kecamatan code/],
      ['kelurahan=36.74.04', /kelurahan must be a Kemendagri kelurahan code/],
      ['state=broken', /state must be one of unknown, up, degraded, down, maintenance/],
      ['state=up&state=down', /state must be given once/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await json(reporter, `/api/sites?${query}`);
      expect(status, query).to.equal(400);
      expect(body.error, query).to.equal('bad-request');
      expect(body.message, query).to.match(message);
    }
  });

  it('gives one site with its status now, and 404 in JSON for an unknown code', async () => {
    const { status, body } = await json(reporter, '/api/sites/ts-0002');
    expect(status).to.equal(200);
    expect(body).to.include({ code: 'ts-0002', name: 'Masjid Al-Ikhlas', category: 'mosque', state: 'down' });
    expect(body.status).to.deep.equal({
      state: 'down',
      since: '2026-11-24T23:30:00.000Z',
      last_poll_at: '2026-11-25T01:59:00.000Z',
      cpu_load: 12,
      active_users: 7,
      uptime_seconds: 86400,
      version: '7.18.2',
      board: 'hAP ax2',
      rtt_ms: 4,
      last_error: 'refused: connect ECONNREFUSED',
    });
    const never = await json(reporter, '/api/sites/ts-0004');
    expect(never.body.status).to.include({ state: 'unknown', last_poll_at: null, active_users: null });
    const missing = await json(reporter, '/api/sites/tidak-ada');
    expect(missing.status).to.equal(404);
    expect(missing.body).to.deep.equal({ error: 'not-found', message: 'no site has the code "tidak-ada"' });
    // /api/sites/status is still the status list, not a site called "status"
    expect((await json(reporter, '/api/sites/status')).body).to.include.keys('counts', 'sites', 'total');
  });

  it('answers an API token with the same roles, and refuses a caller with neither session nor token', async () => {
    const admin = new Agent(dashboard.url);
    await admin.signIn('adi');
    await admin.get('/admin/tokens');
    const made = await admin.post('/admin/tokens', { name: 'inventaris', roles: 'reporter' });
    const token = /id="issued-token">([^<]+)</.exec(made.body)![1];
    const list = await fetch(`${dashboard.url}/api/sites?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(list.status).to.equal(200);
    expect(await list.json()).to.include({ total: 5, limit: 1 });
    const one = await fetch(`${dashboard.url}/api/sites/ts-0001`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await one.json()) as { code: string }).code).to.equal('ts-0001');
    const anonymous = await fetch(`${dashboard.url}/api/sites`);
    expect(anonymous.status).to.equal(401);
    expect(((await anonymous.json()) as { error: string }).error).to.equal('unauthenticated');
  });
});
