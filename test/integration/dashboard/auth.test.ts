import { expect } from 'chai';
import express from 'express';
import { addSite } from '../../../core/db/queries/sites.js';
import type { AdminRole } from '../../../core/domain/admin-roles.js';
import { buildDashboardApp, dashboardRoutes } from '../../../dashboard/app.js';
import { ADDRESS_FAILURE_LIMIT, USER_FAILURE_LIMIT } from '../../../dashboard/routes/sign-in.js';
import { ACCOUNTS, Agent, PASSWORD, resetDashboardTables, seedAccounts, startDashboardFixture, type DashboardFixture } from '../../helpers/dashboard-fixture.js';
import { testDb } from '../../helpers/test-db.js';

type Who = 'nobody' | AdminRole;

/**
 * Who may use each route, written out here rather than read from the app: a route added to the
 * dashboard without a line here fails the "every route is listed" test.
 */
const EXPECTED_ACCESS: Record<string, Who[]> = {
  'GET /healthz': ['nobody', 'reporter', 'engineer', 'admin'],
  'GET /sign-in': ['nobody', 'reporter', 'engineer', 'admin'],
  'POST /sign-in': ['nobody', 'reporter', 'engineer', 'admin'],
  'POST /sign-out': ['reporter', 'engineer', 'admin'],
  'GET /': ['reporter', 'engineer', 'admin'],
  'GET /map': ['reporter', 'engineer', 'admin'],
  'GET /sites': ['reporter', 'engineer', 'admin'],
  'GET /sites/export.csv': ['reporter', 'engineer', 'admin'],
  'GET /sites/import': ['engineer', 'admin'],
  'POST /sites/import': ['engineer', 'admin'],
  'GET /admin/audit': ['admin'],
  'GET /admin/accounts': ['admin'],
  'POST /admin/accounts': ['admin'],
  'POST /admin/accounts/:id/disable': ['admin'],
  'POST /admin/accounts/:id/enable': ['admin'],
  'GET /admin/tokens': ['admin'],
  'POST /admin/tokens': ['admin'],
  'POST /admin/tokens/:id/revoke': ['admin'],
  'GET /admin/plans': ['admin'],
  'POST /admin/plans': ['admin'],
  'GET /admin/plans/:id': ['admin'],
  'POST /admin/plans/:id': ['admin'],
  'GET /admin/vouchers': ['admin'],
  'POST /admin/vouchers': ['admin'],
  'GET /admin/vouchers/:id/cards': ['admin'],
  'POST /admin/vouchers/:id/revoke': ['admin'],
  'GET /admin/nas': ['admin'],
  'POST /admin/nas': ['admin'],
  'POST /admin/nas/:id/remove': ['admin'],
  'GET /admin/sites': ['engineer', 'admin'],
  'GET /admin/sites/:code': ['engineer', 'admin'],
  'POST /admin/sites/:code': ['engineer', 'admin'],
  'GET /admin/terms': ['admin'],
  'POST /admin/terms': ['admin'],
  'GET /account/password': ['reporter', 'engineer', 'admin'],
  'POST /account/password': ['reporter', 'engineer', 'admin'],
  'GET /api/whoami': ['reporter', 'engineer', 'admin'],
  'GET /api/sites/status': ['reporter', 'engineer', 'admin'],
  'GET /api/sites': ['reporter', 'engineer', 'admin'],
  'GET /api/sites/:code': ['reporter', 'engineer', 'admin'],
  'GET /api/overview': ['reporter', 'engineer', 'admin'],
  'GET /sites/:code': ['reporter', 'engineer', 'admin'],
  'POST /sites/:code/maintenance': ['engineer', 'admin'],
  'GET /incidents': ['reporter', 'engineer', 'admin'],
  'GET /incidents/reports': ['reporter', 'engineer', 'admin'],
  'POST /incidents/reports/:id/acknowledge': ['engineer', 'admin'],
  'POST /incidents/reports/:id/resolve': ['engineer', 'admin'],
  'GET /api/incidents': ['reporter', 'engineer', 'admin'],
  'GET /reports': ['reporter', 'engineer', 'admin'],
  'GET /reports/print': ['reporter', 'engineer', 'admin'],
  'GET /reports/export.csv': ['reporter', 'engineer', 'admin'],
  'GET /reports/export.xlsx': ['reporter', 'engineer', 'admin'],
  'GET /reports/open-data.csv': ['reporter', 'engineer', 'admin'],
  'GET /reports/open-data-metadata.json': ['reporter', 'engineer', 'admin'],
  'GET /reports/open-data-metadata.csv': ['reporter', 'engineer', 'admin'],
  'GET /api/reports': ['reporter', 'engineer', 'admin'],
  'GET /api/coverage': ['reporter', 'engineer', 'admin'],
  'GET /api/usage': ['reporter', 'engineer', 'admin'],
};

const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
/**
 * A concrete URL for a route path: ids that do not exist (an allowed role then gets 404, never 403),
 * and the site ROUTE_SITE (the role tests add it) where a page needs a site.
 */
const ROUTE_SITE = 'taman-rute';
const concrete = (path: string) => path.replace(':id', '999999').replace(':code', ROUTE_SITE);

async function auditActions(): Promise<Array<{ actor: string; action: string; target: string | null }>> {
  return testDb()('audit_log').orderBy('id').select('actor', 'action', 'target');
}

describe('dashboard: who signs in', function () {
  this.timeout(60_000);
  let dashboard: DashboardFixture;
  let agent: Agent;

  beforeEach(async () => {
    await resetDashboardTables();
    await seedAccounts();
    dashboard = await startDashboardFixture();
    agent = new Agent(dashboard.url);
  });
  afterEach(async () => {
    await dashboard.close();
  });

  describe('signing in and out', () => {
    it('signs in with the right password into a session kept in PostgreSQL, behind an HttpOnly SameSite=Strict cookie', async () => {
      const page = await agent.get('/sign-in');
      expect(page.status).to.equal(200);
      expect(page.body).to.contain('<html lang="id">').and.contain('Nama pengguna').and.contain('Kata sandi');
      const result = await agent.post('/sign-in', { username: 'adi', password: PASSWORD });
      expect(result.status).to.equal(303);
      expect(result.response.headers.get('location')).to.equal('/');
      const cookie = result.response.headers.getSetCookie().find((c) => c.startsWith('cw_dash_session='))!;
      expect(cookie).to.match(/HttpOnly/i).and.match(/SameSite=Strict/i).and.match(/Path=\//);
      const [row] = await testDb()('admin_sessions').select('id', 'expires_at');
      // Only a hash of the cookie's token is kept.
      expect(row.id).not.to.contain(agent.cookies.get('cw_dash_session'));
      expect(new Date(row.expires_at).toISOString()).to.equal(new Date(dashboard.clock().getTime() + 12 * 3600_000).toISOString());
      const overview = await agent.get('/');
      expect(overview.status).to.equal(200);
      expect(overview.body).to.contain('Masuk sebagai adi');
      expect((await testDb()('admin_users').where({ username: 'adi' }).first()).last_login_at).not.to.equal(null);
    });

    it('refuses a wrong password with a message in Bahasa Indonesia (English on request), and opens no session', async () => {
      await agent.get('/sign-in');
      const wrong = await agent.post('/sign-in', { username: 'adi', password: 'salah-sekali-123' });
      expect(wrong.status).to.equal(401);
      expect(wrong.body).to.contain('Nama pengguna atau kata sandi salah.');
      expect(agent.cookies.has('cw_dash_session')).to.equal(false);
      const unknown = await agent.post('/sign-in', { username: 'tidak-ada', password: PASSWORD });
      expect(unknown.status).to.equal(401);
      expect(unknown.body).to.contain('Nama pengguna atau kata sandi salah.');
      await agent.get('/sign-in?lang=en');
      const english = await agent.post('/sign-in', { username: 'adi', password: 'wrong-entirely-1' });
      expect(english.body).to.contain('Wrong username or password.');
      expect(await testDb()('admin_sessions').count('* as n').first()).to.deep.equal({ n: 0 });
    });

    it('sends a visitor who is not signed in to the sign-in page and back to where they were going', async () => {
      const first = await agent.get('/admin/audit?actor=adi');
      expect(first.status).to.equal(303);
      expect(first.response.headers.get('location')).to.equal('/sign-in?next=%2Fadmin%2Faudit%3Factor%3Dadi');
      await agent.get(first.response.headers.get('location')!);
      const signedIn = await agent.post('/sign-in', { username: 'adi', password: PASSWORD, next: '/admin/audit?actor=adi' });
      expect(signedIn.response.headers.get('location')).to.equal('/admin/audit?actor=adi');
      // Never to another host.
      await agent.post('/sign-out', {}, { csrf: (await agent.get('/')).body.match(/name="_csrf" value="([^"]*)"/)![1] });
      await agent.get('/sign-in');
      const offsite = await agent.post('/sign-in', { username: 'adi', password: PASSWORD, next: '//evil.example/' });
      expect(offsite.response.headers.get('location')).to.equal('/');
    });

    it('signs out: the session row is gone and the old cookie opens nothing', async () => {
      await agent.signIn('adi');
      const oldCookie = agent.cookies.get('cw_dash_session')!;
      const out = await agent.post('/sign-out', {});
      expect(out.status).to.equal(303);
      expect(out.response.headers.get('location')).to.equal('/sign-in');
      expect(agent.cookies.has('cw_dash_session')).to.equal(false);
      expect(await testDb()('admin_sessions').count('* as n').first()).to.deep.equal({ n: 0 });
      const replay = await fetch(`${dashboard.url}/`, { headers: { cookie: `cw_dash_session=${oldCookie}` }, redirect: 'manual' });
      expect(replay.status).to.equal(303);
    });

    it('ends a session after DASHBOARD_SESSION_HOURS', async () => {
      await agent.signIn('rina');
      expect((await agent.get('/')).status).to.equal(200);
      dashboard.clock.advance(12 * 3600 - 60);
      expect((await agent.get('/')).status).to.equal(200);
      dashboard.clock.advance(60);
      const after = await agent.get('/');
      expect(after.status).to.equal(303);
      expect(after.response.headers.get('location')).to.match(/^\/sign-in/);
    });
  });

  describe('lockout', () => {
    it(`locks a username after ${USER_FAILURE_LIMIT} failures for 15 minutes, refusing even the right password, then lets it in`, async () => {
      await agent.get('/sign-in');
      for (let i = 1; i < USER_FAILURE_LIMIT; i++) {
        const wrong = await agent.post('/sign-in', { username: 'adi', password: `salah-${i}-xxxxxxx` });
        expect(wrong.status, `failure ${i}`).to.equal(401);
      }
      const fifth = await agent.post('/sign-in', { username: 'adi', password: 'salah-5-xxxxxxx' });
      expect(fifth.status).to.equal(429);
      expect(fifth.body).to.contain('Terlalu banyak percobaan masuk yang gagal untuk nama pengguna ini. Coba lagi dalam 15 menit.');
      const right = await agent.post('/sign-in', { username: 'adi', password: PASSWORD });
      expect(right.status).to.equal(429);
      expect(right.response.headers.get('retry-after')).to.equal(String(15 * 60));
      expect(agent.cookies.has('cw_dash_session')).to.equal(false);
      // Another account is not affected.
      expect((await new Agent(dashboard.url).signIn('eka')).status).to.equal(303);

      dashboard.clock.advance(14 * 60);
      const stillLocked = await agent.post('/sign-in', { username: 'adi', password: PASSWORD });
      expect(stillLocked.status).to.equal(429);
      expect(stillLocked.body).to.contain('Coba lagi dalam 1 menit.');
      dashboard.clock.advance(60);
      const later = await agent.post('/sign-in', { username: 'adi', password: PASSWORD });
      expect(later.status).to.equal(303);
      // A success clears the count: four more failures do not lock.
      const other = new Agent(dashboard.url);
      await other.get('/sign-in');
      for (let i = 1; i < USER_FAILURE_LIMIT; i++) expect((await other.post('/sign-in', { username: 'adi', password: `x-${i}-yyyyyyyyy` })).status).to.equal(401);
      const audit = await auditActions();
      expect(audit.filter((e) => e.action === 'sign-in-locked')).to.deep.equal([{ actor: 'adi', action: 'sign-in-locked', target: 'user:adi' }]);
    });

    it('counts failures within 15 minutes: four, a pause, four more do not lock', async () => {
      await agent.get('/sign-in');
      for (let i = 0; i < USER_FAILURE_LIMIT - 1; i++) await agent.post('/sign-in', { username: 'adi', password: `salah-${i}-xxxxxxx` });
      dashboard.clock.advance(15 * 60);
      for (let i = 0; i < USER_FAILURE_LIMIT - 1; i++) expect((await agent.post('/sign-in', { username: 'adi', password: `salah-${i}-xxxxxxx` })).status).to.equal(401);
      expect((await agent.post('/sign-in', { username: 'adi', password: PASSWORD })).status).to.equal(303);
    });

    it('locks an unknown username exactly like a real one, so a lockout reveals no names', async () => {
      await agent.get('/sign-in');
      const statuses: number[] = [];
      for (let i = 0; i < USER_FAILURE_LIMIT + 1; i++) statuses.push((await agent.post('/sign-in', { username: 'bukan-siapa-siapa', password: `salah-${i}-xxxxxxx` })).status);
      expect(statuses).to.deep.equal([401, 401, 401, 401, 429, 429]);
    });

    it(`limits one client address to ${ADDRESS_FAILURE_LIMIT} failures in 15 minutes, whatever the usernames`, async () => {
      await agent.get('/sign-in');
      for (let i = 0; i < ADDRESS_FAILURE_LIMIT - 1; i++) {
        expect((await agent.post('/sign-in', { username: `tebak-${i}`, password: 'salah-xxxxxxxx' })).status).to.equal(401);
      }
      const last = await agent.post('/sign-in', { username: 'tebak-terakhir', password: 'salah-xxxxxxxx' });
      expect(last.status).to.equal(429);
      expect(last.body).to.contain('Terlalu banyak percobaan masuk yang gagal dari alamat ini.');
      const right = await agent.post('/sign-in', { username: 'eka', password: PASSWORD });
      expect(right.status).to.equal(429);
      dashboard.clock.advance(15 * 60);
      expect((await agent.post('/sign-in', { username: 'eka', password: PASSWORD })).status).to.equal(303);
    });

    it('keeps the lockout in PostgreSQL, so a second dashboard process refuses too', async () => {
      await agent.get('/sign-in');
      for (let i = 0; i < USER_FAILURE_LIMIT; i++) await agent.post('/sign-in', { username: 'adi', password: `salah-${i}-xxxxxxx` });
      const second = await startDashboardFixture();
      try {
        second.clock.set(dashboard.clock());
        const elsewhere = new Agent(second.url);
        expect((await elsewhere.signIn('adi')).status).to.equal(429);
      } finally {
        await second.close();
      }
    });
  });

  describe('CSRF', () => {
    const posts = dashboardRoutes().filter((r) => r.method === 'post');

    it('has POST routes to check', () => {
      expect(posts.map((r) => r.path)).to.include.members(['/sign-in', '/sign-out', '/admin/accounts', '/admin/tokens/:id/revoke']);
    });

    it('refuses every POST without a token, or with a token of another session, changing nothing', async () => {
      await agent.signIn('adi');
      const other = new Agent(dashboard.url);
      await other.signIn('eka');
      const foreignToken = other.csrf();
      const before = (await auditActions()).length;
      for (const route of posts) {
        const form = { username: 'baru', password: 'Sangat-Rahasia-2026', roles: 'admin', name: 'mesin' };
        const missing = await agent.post(concrete(route.path), form, { csrf: false });
        expect(missing.status, `${route.path} without a token`).to.equal(403);
        expect(missing.body).to.contain('Formulir ini sudah kedaluwarsa atau tidak berasal dari dasbor ini.');
        const foreign = await agent.post(concrete(route.path), form, { csrf: foreignToken });
        expect(foreign.status, `${route.path} with another session's token`).to.equal(403);
      }
      expect((await auditActions()).length).to.equal(before);
      expect(await testDb()('admin_users').where({ username: 'baru' }).first()).to.equal(undefined);
      expect(await testDb()('admin_sessions').count('* as n').first()).to.deep.equal({ n: 2 });
    });

    it('refuses a sign-in form posted without the token from the sign-in page', async () => {
      const result = await agent.post('/sign-in', { username: 'adi', password: PASSWORD }, { csrf: false });
      expect(result.status).to.equal(403);
      expect(agent.cookies.has('cw_dash_session')).to.equal(false);
    });
  });

  describe('roles', () => {
    it('lists every route of the app here, and the app has no route outside its declared list', () => {
      const declared = dashboardRoutes().map((r) => routeKey(r.method, r.path));
      expect(declared.slice().sort()).to.deep.equal(Object.keys(EXPECTED_ACCESS).sort());
      const app = buildDashboardApp({ config: dashboard.config, db: testDb(), box: undefined as never, logger: undefined as never, clock: dashboard.clock });
      const found: string[] = [];
      const walk = (stack: Array<{ route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown[] } }>) => {
        for (const layer of stack) {
          if (layer.route) for (const method of Object.keys(layer.route.methods)) found.push(routeKey(method, layer.route.path));
          else if (layer.handle?.stack) walk(layer.handle.stack as typeof stack);
        }
      };
      walk((app as unknown as { router: { stack: Parameters<typeof walk>[0] } }).router.stack);
      expect(found.sort()).to.deep.equal(declared.slice().sort());
      expect(express).to.be.a('function');
    });

    for (const who of ['nobody', 'reporter', 'engineer', 'admin'] as Who[]) {
      it(`enforces every route for ${who}`, async () => {
        await addSite(testDb(), { code: ROUTE_SITE, name: 'Taman Rute', areaCode: '36.74.04.1004' });
        const client = new Agent(dashboard.url);
        if (who !== 'nobody') expect((await client.signIn(ACCOUNTS[who])).status).to.equal(303);
        else await client.get('/sign-in');
        const token = client.csrf();
        // Sign-out last: it ends the session the other checks use.
        const routes = dashboardRoutes().sort((a, b) => Number(a.path === '/sign-out') - Number(b.path === '/sign-out'));
        for (const route of routes) {
          const key = routeKey(route.method, route.path);
          const allowed = EXPECTED_ACCESS[key].includes(who);
          const url = concrete(route.path);
          const result = route.method === 'get' ? await client.get(url) : await client.post(url, {}, { csrf: token });
          const what = `${who}: ${key} → ${result.status}`;
          if (allowed) {
            expect(result.status, what).not.to.be.oneOf([401, 403]);
            // A signed-in visitor of the sign-in page is sent on to the overview.
            if (route.method === 'get') expect(result.status, what).to.equal(route.path === '/sign-in' && who !== 'nobody' ? 303 : route.path.includes(':id') ? 404 : 200);
          } else if (route.path.startsWith('/api/')) {
            expect(result.status, what).to.equal(who === 'nobody' ? 401 : 403);
            expect(JSON.parse(result.body).error).to.equal(who === 'nobody' ? 'unauthenticated' : 'forbidden');
          } else if (who === 'nobody') {
            expect(result.status, what).to.be.oneOf(route.method === 'get' ? [303] : [401]);
          } else {
            expect(result.status, what).to.equal(403);
            expect(result.body, what).to.contain('Peran Anda tidak memberi izin');
          }
        }
      });
    }

    it('shows each role only the navigation it may use', async () => {
      await agent.signIn('rina');
      const page = await agent.get('/');
      expect(page.body).to.contain('href="/"').and.not.contain('/admin/audit').and.not.contain('/admin/accounts');
      const admin = new Agent(dashboard.url);
      await admin.signIn('adi');
      expect((await admin.get('/')).body).to.contain('/admin/audit').and.contain('/admin/accounts').and.contain('/admin/tokens');
    });

    it('applies a change of roles and a disabled account at once, to sessions already open', async () => {
      await agent.signIn('eka');
      expect((await agent.get('/admin/audit')).status).to.equal(403);
      await testDb()('admin_users').where({ username: 'eka' }).update({ roles: ['admin'] });
      expect((await agent.get('/admin/audit')).status).to.equal(200);
      const admin = new Agent(dashboard.url);
      await admin.signIn('adi');
      await admin.get('/admin/accounts');
      const eka = await testDb()('admin_users').where({ username: 'eka' }).first();
      expect((await admin.post(`/admin/accounts/${eka.id}/disable`, {})).status).to.equal(303);
      expect((await agent.get('/')).status).to.equal(303);
      const again = await new Agent(dashboard.url).signIn('eka');
      expect(again.status).to.equal(403);
      expect(again.body).to.contain('Akun ini dinonaktifkan.');
    });
  });

  describe('the overview', () => {
    it('shows live counts from site_status and the sites that are down, since when', async () => {
      const states: Array<[string, string | null]> = [['a-1', 'up'], ['a-2', 'up'], ['a-3', 'degraded'], ['a-4', 'down'], ['a-5', null]];
      for (const [code, state] of states) {
        const site = await addSite(testDb(), { code, name: `Taman ${code}`, areaCode: '36.74.04.1004' });
        if (state) await testDb()('site_status').insert({ site_id: site.id, state, since: '2026-11-25T06:30:00+07:00', last_error: state === 'down' ? 'refused: connect ECONNREFUSED' : null });
      }
      await agent.signIn('rina');
      const page = await agent.get('/');
      const figure = (state: string) => Number(new RegExp(`data-state="${state}">(\\d+)<`).exec(page.body)![1]);
      expect([figure('total'), figure('up'), figure('degraded'), figure('down'), figure('unknown'), figure('maintenance')]).to.deep.equal([5, 2, 1, 1, 1, 0]);
      expect(page.body).to.contain('Taman a-4').and.contain('refused: connect ECONNREFUSED').and.contain('06.30');
    });
  });

  describe('API tokens', () => {
    it('works with a live token, with the token\'s roles, and not once it is revoked', async () => {
      await agent.signIn('adi');
      await agent.get('/admin/tokens');
      const made = await agent.post('/admin/tokens', { name: 'satu-data', roles: 'reporter' });
      expect(made.status).to.equal(200);
      const token = /id="issued-token">([^<]+)</.exec(made.body)![1];
      expect(token).to.match(/^cwt_/);
      expect(JSON.stringify(await testDb()('api_tokens').select())).not.to.contain(token);
      // Shown once: the list never shows it again.
      expect((await agent.get('/admin/tokens')).body).not.to.contain(token);

      const machine = (path: string, bearer = token) => fetch(dashboard.url + path, { headers: { authorization: `Bearer ${bearer}` } });
      const whoami = await machine('/api/whoami');
      expect(whoami.status).to.equal(200);
      expect(await whoami.json()).to.deep.equal({ kind: 'token', name: 'satu-data', roles: ['reporter'], permissions: ['view-figures', 'export'] });
      const status = await machine('/api/sites/status');
      expect(status.status).to.equal(200);
      expect(await status.json()).to.include.keys('counts', 'sites', 'total');
      // A token opens the API only, never the pages.
      expect((await fetch(dashboard.url + '/', { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' })).status).to.equal(303);
      expect((await machine('/api/whoami', token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).status).to.equal(401);
      expect((await testDb()('api_tokens').where({ name: 'satu-data' }).first()).last_used_at).not.to.equal(null);

      const row = await testDb()('api_tokens').where({ name: 'satu-data' }).first();
      await agent.get('/admin/tokens');
      expect((await agent.post(`/admin/tokens/${row.id}/revoke`, {})).status).to.equal(303);
      const refused = await machine('/api/whoami');
      expect(refused.status).to.equal(401);
      expect(await refused.json()).to.deep.equal({ error: 'unauthenticated', message: 'the API token is unknown or revoked' });
    });

    it('answers the API to a signed-in session too, with the same roles', async () => {
      await agent.signIn('eka');
      const whoami = await agent.get('/api/whoami');
      expect(JSON.parse(whoami.body)).to.deep.include({ kind: 'session', name: 'eka', roles: ['engineer'] });
    });
  });

  describe('the audit log', () => {
    it('records sign-in, admin changes and sign-out, and only admins can read it', async () => {
      await agent.signIn('adi');
      await agent.get('/admin/accounts');
      const weak = await agent.post('/admin/accounts', { username: 'budi', password: 'pendek', roles: 'reporter' });
      expect(weak.status).to.equal(400);
      expect(weak.body).to.contain('Kata sandi terlalu lemah: gunakan minimal 12 karakter.');
      const added = await agent.post('/admin/accounts', { username: 'budi', password: 'Laporan-Bulanan-77', roles: ['reporter', 'engineer'] });
      expect(added.status).to.equal(303);
      const budi = await testDb()('admin_users').where({ username: 'budi' }).first();
      expect(budi.roles).to.deep.equal(['engineer', 'reporter']);
      expect(budi.password_hash).to.match(/^\$argon2id\$/);
      await agent.get('/admin/accounts');
      await agent.post(`/admin/accounts/${budi.id}/disable`, {});
      await agent.get('/admin/accounts');
      await agent.post(`/admin/accounts/${budi.id}/enable`, {});
      await agent.get('/');
      await agent.post('/sign-out', {});

      const entries = await auditActions();
      expect(entries).to.deep.equal([
        { actor: 'adi', action: 'sign-in', target: 'adi' },
        { actor: 'adi', action: 'admin-add', target: 'budi' },
        { actor: 'adi', action: 'admin-disable', target: 'budi' },
        { actor: 'adi', action: 'admin-enable', target: 'budi' },
        { actor: 'adi', action: 'sign-out', target: 'adi' },
      ]);
      const add = await testDb()('audit_log').where({ action: 'admin-add' }).first();
      expect(add.details).to.deep.equal({ roles: ['engineer', 'reporter'] });
      expect(JSON.stringify(await testDb()('audit_log').select())).not.to.contain('Laporan-Bulanan-77');

      await agent.signIn('adi');
      const page = await agent.get('/admin/audit');
      expect(page.status).to.equal(200);
      expect(page.body).to.contain('admin-disable').and.contain('budi');
      const filtered = await agent.get('/admin/audit?actor=nobody-at-all');
      expect(filtered.body).to.contain('Belum ada catatan.');
      const reporter = new Agent(dashboard.url);
      await reporter.signIn('rina');
      expect((await reporter.get('/admin/audit')).status).to.equal(403);
    });

    it('refuses to disable your own account, so an enabled admin always remains', async () => {
      await agent.signIn('adi');
      await agent.get('/admin/accounts');
      const adi = await testDb()('admin_users').where({ username: 'adi' }).first();
      const self = await agent.post(`/admin/accounts/${adi.id}/disable`, {});
      expect(self.status).to.equal(400);
      expect(self.body).to.contain('Anda tidak dapat menonaktifkan akun Anda sendiri.');
      expect((await testDb()('admin_users').where({ username: 'adi' }).first()).disabled).to.equal(false);
    });
  });

  describe('headers and metrics', () => {
    it('sends a strict Content-Security-Policy that names no other host', async () => {
      const page = await agent.get('/sign-in');
      const csp = page.response.headers.get('content-security-policy')!;
      expect(csp).to.contain("default-src 'self'").and.contain("script-src 'self'").and.contain("frame-ancestors 'none'");
      expect(csp).not.to.match(/https?:|\*/);
      expect(page.response.headers.get('cache-control')).to.equal('no-store');
      expect(page.body).not.to.match(/(src|href)="(https?:)?\/\//);
    });

    it('serves Prometheus metrics on their own listener only', async () => {
      await agent.signIn('adi');
      await new Agent(dashboard.url).post('/sign-in', { username: 'adi', password: 'x' }, { csrf: false });
      const metrics = await (await fetch(`http://127.0.0.1:${dashboard.metricsPort}/metrics`)).text();
      expect(metrics).to.contain('citywifi_dashboard_sign_ins_total{result="success"} 1');
      expect(metrics).to.match(/citywifi_dashboard_requests_total\{route="\/sign-in",method="POST",status="303"\} 1/);
      expect((await fetch(`${dashboard.url}/metrics`, { redirect: 'manual' })).status).to.equal(404);
    });
  });
});
