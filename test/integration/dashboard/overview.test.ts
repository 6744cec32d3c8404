import { expect } from 'chai';
import { addSite } from '../../../core/db/queries/sites.js';
import { Agent, resetDashboardTables, seedAccounts, startDashboardFixture, type DashboardFixture } from '../../helpers/dashboard-fixture.js';
import { testDb } from '../../helpers/test-db.js';

// The fixture's clock: 2026-11-25 09:00 in Jakarta (02:00 UTC).
const NOW = new Date('2026-11-25T09:00:00+07:00');
const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

interface SiteSpec {
  code: string;
  installed?: string;
  commissioned?: string;
  decommissioned?: string;
  state?: string;
  since?: string;
  lastOk?: Date;
  activeUsers?: number;
}

/**
 * The figures are checked against sums worked out here from the rows the test inserts, never
 * against the dashboard's own queries.
 */
const SITES: SiteSpec[] = [
  // answered a poll an hour ago: active
  { code: 'ov-a', installed: '2026-01-10', commissioned: '2026-02-01', state: 'up', since: '2026-11-20T00:00:00+07:00', lastOk: new Date(NOW.getTime() - HOUR), activeUsers: 7 },
  // down, last answer two days ago, but a session today: active
  { code: 'ov-b', installed: '2026-03-01', state: 'down', since: '2026-11-25T06:30:00+07:00', lastOk: at('2026-11-23T08:00:00+07:00') },
  // degraded, but no answer for two days and no session today: not active
  { code: 'ov-c', installed: '2026-03-01', commissioned: '2026-03-05', state: 'degraded', since: '2026-11-23T08:00:00+07:00', lastOk: at('2026-11-23T08:00:00+07:00'), activeUsers: 3 },
  // decommissioned in June: counts nowhere in coverage, though it still answers
  { code: 'ov-d', installed: '2025-01-01', commissioned: '2025-01-02', decommissioned: '2026-06-01', state: 'up', since: '2026-11-20T00:00:00+07:00', lastOk: NOW, activeUsers: 2 },
  // registered only: not installed, never polled
  { code: 'ov-e' },
  // down since last night, commissioned in 2026; answered 13 hours ago: active
  { code: 'ov-f', installed: '2026-04-01', commissioned: '2026-04-02', state: 'down', since: '2026-11-24T20:00:00+07:00', lastOk: at('2026-11-24T19:55:00+07:00') },
];

describe('dashboard: the overview', function () {
  this.timeout(60_000);
  let dashboard: DashboardFixture;
  let agent: Agent;
  const ids = new Map<string, number>();
  const sessions: Array<{ site: string; started: string; subscriber?: number; mac?: string; inOct: number; outOct: number }> = [
    { site: 'ov-b', started: '2026-11-25T07:10:00+07:00', subscriber: 1, inOct: 1_000_000, outOct: 9_000_000 },
    { site: 'ov-b', started: '2026-11-25T08:10:00+07:00', subscriber: 1, inOct: 2_000_000, outOct: 3_000_000 },
    { site: 'ov-a', started: '2026-11-25T00:05:00+07:00', mac: 'AA:BB:CC:00:00:01', inOct: 500, outOct: 700 },
    // yesterday: not today
    { site: 'ov-c', started: '2026-11-24T23:59:00+07:00', subscriber: 2, inOct: 5, outOct: 5 },
  ];
  // [site, hours before the current hour, up, degraded, down, maintenance, unknown, mean users]
  const hourly: Array<[string, number, number, number, number, number, number, number]> = [
    ['ov-a', 1, 3600, 0, 0, 0, 0, 4],
    ['ov-a', 2, 3000, 300, 300, 0, 0, 6.5],
    ['ov-b', 1, 0, 0, 1800, 1800, 0, 0],
    // a whole hour of maintenance: must not lower uptime
    ['ov-b', 5, 0, 0, 0, 3600, 0, 0],
    ['ov-f', 3, 1200, 0, 2400, 0, 0, 1],
    ['ov-c', 23, 0, 0, 0, 0, 3600, 0],
    // 25 hours ago: outside the last 24 hours
    ['ov-f', 25, 0, 0, 3600, 0, 0, 0],
  ];
  // [site, days before today, up, degraded, down, maintenance, unknown, users]
  const daily: Array<[string, number, number, number, number, number, number, number]> = [];
  for (let d = 0; d < 31; d++) {
    daily.push(['ov-a', d, 80_000 - d * 100, 1000, d * 100 + 5400, 0, 0, 10 + d]);
    daily.push(['ov-b', d, d % 3 === 0 ? 0 : 60_000, 0, d % 3 === 0 ? 0 : 20_000, d % 3 === 0 ? 86_400 : 6400, 0, d]);
  }

  const dayOf = (daysBack: number) => new Date(Date.UTC(2026, 10, 25 - daysBack)).toISOString().slice(0, 10);

  before(async () => {
    await resetDashboardTables();
    await seedAccounts();
    const db = testDb();
    for (const s of SITES) {
      const site = await addSite(db, { code: s.code, name: `Taman ${s.code}`, areaCode: '36.74.04.1004' });
      ids.set(s.code, site.id);
      await db('sites').where({ id: site.id }).update({ installed_on: s.installed ?? null, commissioned_on: s.commissioned ?? null, decommissioned_on: s.decommissioned ?? null });
      if (s.state) {
        await db('site_status').insert({
          site_id: site.id,
          state: s.state,
          since: s.since,
          last_ok_at: s.lastOk ?? null,
          active_users: s.activeUsers ?? null,
          last_error: s.state === 'down' ? 'timeout: no answer in 5 s' : null,
        });
      }
    }
    await db('coverage_targets').insert([
      // Ciputat has its own target: its kelurahan's target is not added again
      { year: 2026, area_code: '36.74.04', target_sites: 10 },
      { year: 2026, area_code: '36.74.04.1004', target_sites: 4 },
      // a kelurahan of Serpong, whose kecamatan has no target
      { year: 2026, area_code: '36.74.01.1001', target_sites: 5 },
      { year: 2025, area_code: '36.74.01', target_sites: 99 },
    ]);
    let n = 0;
    for (const s of sessions) {
      n++;
      await db('sessions').insert({
        nas_id: 1,
        site_id: ids.get(s.site),
        acct_session_id: `ov-${n}`,
        username: `cw-${n}`,
        subscriber_id: s.subscriber ?? null,
        mac: s.mac ?? null,
        started_at: s.started,
        updated_at: s.started,
        session_time: 600,
        input_octets: s.inOct,
        output_octets: s.outOct,
      });
    }
    const hourNow = Math.floor(NOW.getTime() / HOUR) * HOUR;
    for (const [site, back, up, degraded, down, maintenance, unknown, users] of hourly) {
      await db('rollups_hourly').insert({
        site_id: ids.get(site),
        hour: new Date(hourNow - back * HOUR),
        up_seconds: up,
        degraded_seconds: degraded,
        down_seconds: down,
        maintenance_seconds: maintenance,
        unknown_seconds: unknown,
        avg_active_users: users,
        max_active_users: Math.ceil(users),
      });
    }
    for (const [site, back, up, degraded, down, maintenance, unknown, users] of daily) {
      await db('rollups_daily').insert({
        site_id: ids.get(site),
        day: dayOf(back),
        up_seconds: up,
        degraded_seconds: degraded,
        down_seconds: down,
        maintenance_seconds: maintenance,
        unknown_seconds: unknown,
        users,
      });
    }
    dashboard = await startDashboardFixture();
    agent = new Agent(dashboard.url);
    await agent.signIn('rina');
  });
  after(async () => {
    await dashboard?.close();
  });

  const uptime = (rows: Array<{ up: number; degraded: number; down: number }>) => {
    const up = rows.reduce((s, r) => s + r.up + r.degraded, 0);
    const all = up + rows.reduce((s, r) => s + r.down, 0);
    return up / all;
  };

  it('counts installed, commissioned and active sites against this year\'s target', async () => {
    const model = JSON.parse((await agent.get('/api/overview')).body);
    expect(model.coverage).to.deep.equal({ installed: 4, commissioned: 3, active: 3, target: 15 });
    expect(model.year).to.equal(2026);
  });

  it('gives uptime over 24 hours, 7 and 30 days with maintenance left out', async () => {
    const model = JSON.parse((await agent.get('/api/overview')).body);
    const h24 = uptime(hourly.filter((h) => h[1] <= 23).map(([, , up, degraded, down]) => ({ up, degraded, down })));
    const days = (n: number) => uptime(daily.filter((d) => d[1] < n).map(([, , up, degraded, down]) => ({ up, degraded, down })));
    expect(model.uptime.h24).to.be.closeTo(h24, 1e-9);
    expect(model.uptime.d7).to.be.closeTo(days(7), 1e-9);
    expect(model.uptime.d30).to.be.closeTo(days(30), 1e-9);
    // had maintenance counted as down, 24 hours would read lower
    const asDown = uptime(hourly.filter((h) => h[1] <= 23).map(([, , up, degraded, down, maintenance]) => ({ up, degraded, down: down + maintenance })));
    expect(model.uptime.h24).to.be.greaterThan(asDown + 0.1);
  });

  it('counts users, sessions and data of today from the sessions, and the users online now', async () => {
    const model = JSON.parse((await agent.get('/api/overview')).body);
    const todays = sessions.filter((s) => new Date(s.started) >= at('2026-11-25T00:00:00+07:00'));
    const people = new Set(todays.map((s) => (s.subscriber ? `s${s.subscriber}` : `m${s.mac}`)));
    expect(model.today).to.deep.equal({ users: people.size, sessions: todays.length, bytes: todays.reduce((sum, s) => sum + s.inOct + s.outOct, 0) });
    // up or degraded sites' last poll: ov-a 7, ov-c 3, ov-d 2
    expect(model.usersNow).to.equal(12);
    expect(model.states).to.deep.equal({ total: 6, up: 2, degraded: 1, down: 2, maintenance: 0, unknown: 1 });
  });

  it('charts users online per hour, users per day and uptime per day', async () => {
    const model = JSON.parse((await agent.get('/api/overview')).body);
    const active = model.charts.activeUsers.datasets[0].data as Array<number | null>;
    expect(active).to.have.length(24);
    // the hour now is not rolled up: it shows the users online now
    expect(active[23]).to.equal(12);
    expect(active[22]).to.equal(Math.round(4 + 0 + 0));
    expect(active[21]).to.equal(Math.round(6.5));
    expect(active[0]).to.equal(0);
    expect(active[10]).to.equal(null);
    const users = model.charts.dailyUsers.datasets[0].data as number[];
    expect(users).to.have.length(30);
    expect(users[29]).to.equal(10 + 0);
    expect(users[0]).to.equal(10 + 29 + 29);
    const daily30 = model.charts.dailyUptime.datasets[0].data as number[];
    const today = uptime(daily.filter((d) => d[1] === 0).map(([, , up, degraded, down]) => ({ up, degraded, down })));
    expect(daily30[29]).to.equal(Math.round(today * 1000) / 10);
    expect(model.charts.dailyUptime.labels[29]).to.equal('25 Nov');
  });

  it('lists the sites that are down, longest first, with a link to each', async () => {
    const model = JSON.parse((await agent.get('/api/overview')).body);
    expect(model.down.map((d: { code: string }) => d.code)).to.deep.equal(['ov-f', 'ov-b']);
    const page = await agent.get('/');
    expect(page.status).to.equal(200);
    expect(page.body).to.contain('href="/sites/ov-f"').and.contain('href="/sites/ov-b"').and.contain('timeout: no answer in 5 s');
    expect(page.body.indexOf('/sites/ov-f')).to.be.lessThan(page.body.indexOf('/sites/ov-b'));
  });

  it('shows every figure in the page without JavaScript, the same as the JSON', async () => {
    const page = await agent.get('/');
    const model = JSON.parse((await agent.get('/api/overview')).body);
    for (const key of ['installed', 'commissioned', 'active', 'target', 'uptime24h', 'uptime7d', 'uptime30d', 'usersToday', 'sessionsToday', 'bytesToday', 'usersNow']) {
      const match = new RegExp(`data-figure="${key}"[^>]*>([^<]*)<`).exec(page.body);
      expect(match, key).not.to.equal(null);
      expect(match![1], key).to.equal(model.figures[key]);
    }
    expect(model.figures.bytesToday).to.equal('15 MB');
    expect(page.body).to.contain('Cakupan tahun 2026');
    // the data for the charts is in the page as JSON, for the page's own script (no inline script runs)
    expect(page.body).to.match(/<script type="application\/json" id="overview-data"[^>]*>\{/);
    expect(page.body).to.contain('<script src="/static/vendor/chart.js/chart.umd.min.js" defer></script>');
  });

  it('serves Chart.js from its own package, and the page scripts', async () => {
    const chart = await fetch(`${dashboard.url}/static/vendor/chart.js/chart.umd.min.js`);
    expect(chart.status).to.equal(200);
    expect(chart.headers.get('content-type')).to.match(/javascript/);
    expect(await chart.text()).to.contain('Chart.js v4');
    for (const file of ['charts.js', 'overview.js', 'site.js', 'figures.css']) expect((await fetch(`${dashboard.url}/static/${file}`)).status, file).to.equal(200);
  });

  it('answers /api/overview only to the signed in, in JSON', async () => {
    const anonymous = await fetch(`${dashboard.url}/api/overview`);
    expect(anonymous.status).to.equal(401);
    expect(((await anonymous.json()) as { error: string }).error).to.equal('unauthenticated');
    const english = new Agent(dashboard.url);
    await english.signIn('eka');
    await english.get('/?lang=en');
    const model = JSON.parse((await english.get('/api/overview')).body);
    expect(model.figures.target).to.equal('15');
    expect(model.figures.ofTarget).to.equal('20.0% of the target are active');
  });
});
