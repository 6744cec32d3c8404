// Every page of the dashboard in a real browser (Debian's chromium through playwright-core), as an
// admin and as a reporter, at a desktop's width (1280×800) and a phone's (360×740), over a small
// city: nine sites in four kelurahan in every state, a month of rollups, sessions with MAC addresses,
// a power cut in Sawah that took three sites down together, citizens' problem reports and a voucher
// batch. Each page is signed into through the form and saved as test-artifacts/dashboard/<page>-<width>.png
// (the reporter's as reporter-<page>-<width>.png). Beside that: the map draws the 54 kelurahan and a
// dot per site, and a dot opens its site; the report downloads as CSV and XLSX from its links and
// both parse back; a reporter sees no admin link, gets the 403 page in Bahasa Indonesia on every
// admin page and masked MAC addresses; no request leaves 127.0.0.1, no script fails, no CSP refusal.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { recordAudit } from '../../core/db/queries/audit.js';
import { addNas } from '../../core/db/queries/nas.js';
import { addPlan } from '../../core/db/queries/plans.js';
import { createVoucherBatch } from '../../core/db/queries/vouchers.js';
import { ARTIFACTS_DIR, launchBrowser, NetworkLog, PHONE } from '../helpers/browser.js';
import { dashboardBox, PASSWORD, resetDashboardTables, seedAccounts, startDashboardFixture, type DashboardFixture } from '../helpers/dashboard-fixture.js';
import { testDb } from '../helpers/test-db.js';

const NOW = new Date('2026-11-25T09:00:00+07:00');
const HOUR = 3_600_000;
const FOLDER = join(ARTIFACTS_DIR, 'dashboard');

const WIDTHS = { 1280: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: 'id-ID', timezoneId: 'Asia/Jakarta' }, 360: PHONE } as const;
type Width = keyof typeof WIDTHS;
const WIDTH_LIST = Object.keys(WIDTHS)
  .map(Number)
  .sort((a, b) => b - a) as Width[];

const CIATER = '36.74.01.1001';
const SAWAH = '36.74.04.1004';
const PONDOK_BETUNG = '36.74.03.1001';
const PAMULANG_BARAT = '36.74.06.1001';

type SeededState = 'up' | 'down' | 'degraded' | 'maintenance' | 'unknown';

/** The city in miniature: each site near its kelurahan's representative point (areas.lat/lon). */
const SITES: Array<{ code: string; name: string; kelurahan: string; category: string; state: SeededState; commissioned: boolean; dLat: number; dLon: number }> = [
  { code: 'CIA-01', name: 'Taman Kota Ciater', kelurahan: CIATER, category: 'park', state: 'up', commissioned: true, dLat: 0, dLon: 0 },
  { code: 'CIA-02', name: 'SDN Ciater 01', kelurahan: CIATER, category: 'school', state: 'up', commissioned: true, dLat: 0.004, dLon: 0.004 },
  { code: 'SAW-01', name: 'Kantor Kelurahan Sawah', kelurahan: SAWAH, category: 'kelurahan-office', state: 'down', commissioned: true, dLat: 0, dLon: 0 },
  { code: 'SAW-02', name: 'RPTRA Sawah', kelurahan: SAWAH, category: 'rptra', state: 'up', commissioned: true, dLat: 0.004, dLon: -0.004 },
  { code: 'SAW-03', name: 'Masjid Al-Ikhlas Sawah', kelurahan: SAWAH, category: 'mosque', state: 'up', commissioned: true, dLat: -0.004, dLon: 0.004 },
  { code: 'PDB-01', name: 'Puskesmas Pondok Betung', kelurahan: PONDOK_BETUNG, category: 'puskesmas', state: 'degraded', commissioned: true, dLat: 0, dLon: 0 },
  { code: 'PDB-02', name: 'Balai Warga RW 05', kelurahan: PONDOK_BETUNG, category: 'balai-warga', state: 'maintenance', commissioned: true, dLat: 0.004, dLon: 0.004 },
  { code: 'PDB-03', name: 'Taman Bintaro', kelurahan: PONDOK_BETUNG, category: 'park', state: 'up', commissioned: true, dLat: -0.004, dLon: -0.004 },
  // installed last week, never polled yet
  { code: 'PAM-01', name: 'Taman Pamulang Barat', kelurahan: PAMULANG_BARAT, category: 'park', state: 'unknown', commissioned: false, dLat: 0, dLon: 0 },
];

const MAC = 'A4:5E:60:D2:19:7B';
const MASKED_MAC = 'A4:5E:60:XX:XX:XX';
const VOUCHERS = 12;

interface Seeded {
  siteIds: Map<string, number>;
  planId: number;
  batchId: number;
  /** sessions in November (the month's report) in Ciater, from the daily rollups */
  ciaterSessions: number;
}

const day = (offset: number) => new Date(Date.UTC(2026, 10, 25 + offset)).toISOString().slice(0, 10);

async function seedCity(): Promise<Seeded> {
  const db = testDb();
  const siteIds = new Map<string, number>();
  const plan = await addPlan(db, { name: 'Harian 2 jam', rateLimit: '5M/5M', sessionTimeout: 7200, dailyTime: 7200, simultaneousUse: 1 });
  for (const s of SITES) {
    const area = await db('areas').where({ code: s.kelurahan }).first('lat', 'lon');
    const [row] = await db('sites')
      .insert({
        code: s.code,
        name: s.name,
        area_code: s.kelurahan,
        category: s.category,
        lat: Number(area.lat) + s.dLat,
        lon: Number(area.lon) + s.dLon,
        installed_on: s.commissioned ? '2026-03-02' : '2026-11-18',
        commissioned_on: s.commissioned ? '2026-03-16' : null,
        plan_id: plan.id,
      })
      .returning('id');
    siteIds.set(s.code, row.id);
  }
  const id = (code: string) => siteIds.get(code)!;

  // live state and the changes that led to it: a power cut in Sawah at 07:15 took three sites down
  // within two minutes; two came back, the kelurahan office did not
  for (const s of SITES) {
    if (s.state === 'unknown') continue;
    const since = { up: '2026-11-20T06:00:00+07:00', down: '2026-11-25T07:15:00+07:00', degraded: '2026-11-25T08:20:00+07:00', maintenance: '2026-11-25T08:00:00+07:00' }[s.state];
    await db('site_status').insert({
      site_id: id(s.code),
      state: s.state,
      since: s.code === 'SAW-02' ? '2026-11-25T08:05:00+07:00' : s.code === 'SAW-03' ? '2026-11-25T08:10:00+07:00' : since,
      last_poll_at: NOW,
      last_ok_at: s.state === 'down' ? '2026-11-25T07:14:00+07:00' : NOW,
      active_users: s.state === 'down' || s.state === 'maintenance' ? null : 4 + (id(s.code) % 5),
      cpu_load: s.state === 'degraded' ? 97 : 18,
      last_error: s.state === 'down' ? 'timeout: no answer in 5 s' : s.state === 'degraded' ? 'CPU at 97%' : null,
    });
    await db('site_state_changes').insert({ site_id: id(s.code), at: '2026-11-01T08:00:00+07:00', from_state: 'unknown', to_state: 'up', reason: 'first answer' });
  }
  await db('site_state_changes').insert([
    { site_id: id('SAW-01'), at: '2026-11-25T07:15:00+07:00', from_state: 'up', to_state: 'down', reason: 'timeout (3 failed polls in a row)' },
    { site_id: id('SAW-02'), at: '2026-11-25T07:16:00+07:00', from_state: 'up', to_state: 'down', reason: 'timeout (3 failed polls in a row)' },
    { site_id: id('SAW-03'), at: '2026-11-25T07:17:00+07:00', from_state: 'up', to_state: 'down', reason: 'timeout (3 failed polls in a row)' },
    { site_id: id('SAW-02'), at: '2026-11-25T08:05:00+07:00', from_state: 'down', to_state: 'up', reason: 'answers again' },
    { site_id: id('SAW-03'), at: '2026-11-25T08:10:00+07:00', from_state: 'down', to_state: 'up', reason: 'answers again' },
    { site_id: id('PDB-02'), at: '2026-11-25T08:00:00+07:00', from_state: 'up', to_state: 'maintenance', reason: 'maintenance window' },
    { site_id: id('PDB-01'), at: '2026-11-25T08:20:00+07:00', from_state: 'up', to_state: 'degraded', reason: 'CPU at 97%' },
  ]);
  await db('maintenance_windows').insert({ site_id: id('PDB-02'), starts_at: '2026-11-25T08:00:00+07:00', ends_at: '2026-11-25T12:00:00+07:00', reason: 'Ganti kabel LAN', created_by: 'eka' });

  // November so far in daily rollups, the last day in hourly rollups, the last two hours in samples
  let ciaterSessions = 0;
  const hourNow = Math.floor(NOW.getTime() / HOUR) * HOUR;
  for (const s of SITES.filter((x) => x.commissioned)) {
    const n = id(s.code);
    for (let back = 0; back < 25; back++) {
      const down = (back * 997 + n * 131) % 4000;
      const sessions = 25 + ((back * 7 + n * 3) % 20);
      if (s.kelurahan === CIATER) ciaterSessions += sessions;
      await db('rollups_daily').insert({
        site_id: n,
        day: day(-back),
        up_seconds: 86_400 - down,
        down_seconds: down,
        users: 15 + ((back * 5 + n) % 12),
        sessions,
        session_time: sessions * 1500,
        input_octets: sessions * 4e6,
        output_octets: sessions * 6e7,
        avg_active_users: 3 + (n % 4),
        max_active_users: 9,
        router_rx_bytes: sessions * 7e7,
        router_tx_bytes: sessions * 5e6,
      });
    }
    for (let back = 1; back <= 24; back++) {
      const users = Math.round(4 + 3 * Math.sin((back + n) / 4) + (n % 3));
      await db('rollups_hourly').insert({
        site_id: n,
        hour: new Date(hourNow - back * HOUR),
        up_seconds: 3600,
        avg_active_users: users,
        max_active_users: users + 2,
        sessions: 2,
        users,
        router_rx_bytes: 3.6e8,
        router_tx_bytes: 3.6e7,
      });
    }
    for (let k = 0; k < 60; k++) {
      await db('samples').insert({
        site_id: n,
        at: new Date(NOW.getTime() - (k + 1) * 120_000),
        cpu_load: 15 + ((k * 7) % 30),
        active_users: 3 + (k % 5),
        rx_rate: 200_000 + k * 1000,
        tx_rate: 20_000,
      });
    }
  }
  await db('coverage_targets').insert([
    { year: 2026, area_code: CIATER, target_sites: 4 },
    { year: 2026, area_code: SAWAH, target_sites: 5 },
    { year: 2026, area_code: '36.74.03', target_sites: 12 },
  ]);

  // a RADIUS client, citizens' sessions with their devices' MAC addresses, ratings and problem reports
  const nas = await addNas(db, dashboardBox, { name: 'router-cia-01', address: '10.20.1.1', secret: 'rahasia-bersama-cia', siteCode: 'CIA-01', nasIdentifier: 'CIA-01' });
  await db('devices').insert([
    { mac: MAC, consent_at: '2026-11-25T08:00:00+07:00', terms_version: '2026-01', last_site_id: id('CIA-01') },
    { mac: '3C:28:6D:01:AA:10', consent_at: '2026-11-24T16:00:00+07:00', terms_version: '2026-01', last_site_id: id('CIA-01') },
  ]);
  await db('sessions').insert([
    {
      nas_id: nas.id,
      site_id: id('CIA-01'),
      acct_session_id: 'e2e-1',
      username: 'cw-e2e-0001',
      login_kind: 'click',
      mac: MAC,
      started_at: '2026-11-25T08:00:00+07:00',
      updated_at: '2026-11-25T08:55:00+07:00',
      session_time: 3300,
      input_octets: 8e6,
      output_octets: 1.2e8,
    },
    {
      nas_id: nas.id,
      site_id: id('CIA-01'),
      acct_session_id: 'e2e-2',
      username: 'cw-e2e-0002',
      login_kind: 'voucher',
      mac: '3C:28:6D:01:AA:10',
      started_at: '2026-11-24T16:00:00+07:00',
      updated_at: '2026-11-24T17:00:00+07:00',
      stopped_at: '2026-11-24T17:00:00+07:00',
      session_time: 3600,
      input_octets: 5e6,
      output_octets: 9e7,
      terminate_cause: 'Session-Timeout',
      closed_by: 'stop',
    },
  ]);
  await db('feedback').insert([
    { site_id: id('CIA-01'), at: '2026-11-20T10:00:00+07:00', rating: 5 },
    { site_id: id('CIA-01'), at: '2026-11-22T10:00:00+07:00', rating: 4 },
    { site_id: id('SAW-02'), at: '2026-11-23T10:00:00+07:00', rating: 2, comment: 'Sering putus' },
  ]);
  await db('problem_reports').insert([
    { site_id: id('SAW-01'), at: '2026-11-25T07:40:00+07:00', kind: 'no-internet', comment: 'Tidak bisa tersambung sejak pagi' },
    {
      site_id: id('CIA-01'),
      at: '2026-11-24T19:30:00+07:00',
      kind: 'slow',
      comment: 'Lambat sekali saat malam',
      status: 'acknowledged',
      acknowledged_at: '2026-11-25T08:10:00+07:00',
      acknowledged_by: 'eka',
    },
    { site_id: id('PDB-01'), at: '2026-11-21T11:00:00+07:00', kind: 'device-broken', status: 'resolved', resolved_at: '2026-11-22T09:00:00+07:00', resolved_by: 'eka', note: 'Adaptor diganti' },
  ]);

  const batch = await createVoucherBatch(db, dashboardBox, { planName: plan.name, count: VOUCHERS, validForSeconds: 86_400, lockToFirstMac: true, note: 'Car free day Ciater', createdBy: 'adi' });
  await recordAudit(db, { actor: 'adi', action: 'voucher-batch-create', target: String(batch.batchId), details: { count: VOUCHERS, plan: plan.name }, at: new Date('2026-11-24T10:00:00+07:00') });
  await recordAudit(db, { actor: 'eka', action: 'maintenance-add', target: 'PDB-02', details: { reason: 'Ganti kabel LAN' }, at: new Date('2026-11-25T07:50:00+07:00') });
  return { siteIds, planId: plan.id, batchId: batch.batchId, ciaterSessions };
}

interface PageSpec {
  name: string;
  path: string;
  /** what a user would see on it when it works (beyond a heading and no error page) */
  check?: (page: Page) => Promise<unknown>;
  /** laid out for A4 paper (print.css), not for a screen: exempt from fitting a phone's width */
  paper?: boolean;
}

/** Waits until every canvas on the page has a chart drawn into it (pixels that are not transparent). */
async function waitForCharts(page: Page, count: number): Promise<void> {
  expect(await page.locator('canvas[data-chart]').count(), 'charts on the page').to.equal(count);
  await page.waitForFunction(`typeof window.Chart === 'function' && [...document.querySelectorAll('canvas[data-chart]')].every((c) => {
    if (c.width === 0 || c.height === 0) return false;
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
    return n > 500;
  })`);
}

const count = (page: Page, selector: string) => page.locator(selector).count();

/** Date and hour labels under the charts that touch or overlap their neighbour, as "chart: a | b". */
async function overlappingChartLabels(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('canvas[data-chart]')].flatMap((canvas) => {
    const chart = window.Chart.getChart(canvas);
    const items = chart.scales.x.getLabelItems();
    const boxes = items.map((item) => {
      chart.ctx.font = item.font.string;
      const width = chart.ctx.measureText(String(item.label)).width;
      return { label: String(item.label), from: item.options.translation[0] - width / 2, to: item.options.translation[0] + width / 2 };
    });
    const touching = [];
    for (let i = 1; i < boxes.length; i++) if (boxes[i].from < boxes[i - 1].to + 4) touching.push(canvas.dataset.chart + ': ' + boxes[i - 1].label + ' | ' + boxes[i].label);
    return touching;
  })`);
}

/** Pages every role that sees figures opens. */
function figurePages(): PageSpec[] {
  return [
    {
      name: 'overview',
      path: '/',
      check: async (page) => {
        await waitForCharts(page, 3);
        expect(await overlappingChartLabels(page)).to.deep.equal([]);
        expect(await page.textContent('[data-figure="state-down"]')).to.equal('1');
        expect(await count(page, '[data-down-rows] a[href="/sites/SAW-01"]')).to.equal(1);
      },
    },
    {
      name: 'map',
      path: '/map',
      check: async (page) => {
        expect(await count(page, 'svg.city-map g.kelurahan path[data-code]')).to.equal(54);
        expect(await count(page, 'svg.city-map g.dots circle')).to.equal(SITES.length);
        // dots big enough to see and tap on a phone too, kelurahan borders not white on white
        const sizes = await page.$$eval('svg.city-map g.dots circle', (circles) => circles.map((c) => c.getBoundingClientRect().width));
        expect(Math.min(...sizes), 'the smallest dot, CSS px across').to.be.at.least(8);
        const outline = await page.$eval('svg.city-map g.kelurahan path', (p) => p.ownerDocument.defaultView!.getComputedStyle(p).stroke);
        expect(outline).not.to.equal('rgb(255, 255, 255)');
      },
    },
    { name: 'map-uptime', path: '/map?shade=uptime', check: async (page) => expect(await count(page, 'svg.city-map g.kelurahan path[data-code]')).to.equal(54) },
    {
      name: 'sites',
      path: '/sites',
      check: async (page) => {
        expect(await page.getAttribute('#site-total', 'data-total')).to.equal(String(SITES.length));
        expect(await count(page, 'table.sites tbody tr')).to.equal(SITES.length);
      },
    },
    {
      name: 'sites-filtered',
      path: `/sites?kelurahan=${SAWAH}`,
      check: async (page) => {
        expect(await page.$$eval('table.sites tbody tr', (rows) => rows.map((r) => r.getAttribute('data-code')))).to.deep.equal(['SAW-01', 'SAW-02', 'SAW-03']);
      },
    },
    {
      name: 'site',
      path: '/sites/CIA-01',
      check: async (page) => {
        await waitForCharts(page, 4);
        expect(await overlappingChartLabels(page)).to.deep.equal([]);
        expect(await page.textContent('main')).to.contain('Lambat sekali saat malam');
        // dates read like every other date on the page; no label takes more than 40% of the list
        expect(await page.textContent('dl.facts')).to.contain('dipasang 2 Mar 2026').and.contain('beroperasi 16 Mar 2026').and.not.match(/\d{4}-\d{2}-\d{2}/);
        const [label, list] = await page.$eval('dl.facts', (dl) => [dl.querySelector('dt')!.getBoundingClientRect().width, dl.getBoundingClientRect().width]);
        expect(label / list).to.be.at.most(0.41);
      },
    },
    { name: 'site-down', path: '/sites/SAW-01', check: async (page) => expect(await count(page, 'svg[data-timeline] rect.seg-down')).to.equal(1) },
    {
      name: 'incidents',
      path: '/incidents',
      check: async (page) => {
        // the power cut in Sawah: one group row of three outages, one still going on
        expect(await page.getAttribute(`tr.group[data-group="${SAWAH}"]`, 'data-count')).to.equal('3');
        expect(await count(page, 'tr.outage[data-site="SAW-01"][data-ongoing]')).to.equal(1);
      },
    },
    {
      name: 'incidents-reports',
      path: '/incidents/reports',
      check: async (page) => {
        // the queue: open and acknowledged reports, not the resolved one
        expect(await page.$$eval('tr[data-report]', (rows) => rows.map((r) => r.getAttribute('data-status')).sort())).to.deep.equal(['acknowledged', 'open']);
      },
    },
    {
      name: 'reports',
      path: '/reports',
      check: async (page) => {
        expect(await page.textContent('main')).to.contain('November 2026');
        expect(await count(page, `tr[data-code="${CIATER}"]`)).to.be.greaterThan(0);
        // "Per kecamatan" shows once, as the heading; the table keeps it as its caption for screen readers
        expect(await page.getByText('Per kecamatan', { exact: true }).evaluateAll((all) => all.filter((e) => e.getBoundingClientRect().width > 1).length)).to.equal(1);
        expect(await page.getByRole('table', { name: 'Per kecamatan' }).count()).to.equal(1);
      },
    },
    { name: 'reports-print', path: '/reports/print', paper: true, check: async (page) => expect(await count(page, `tr[data-code="${SAWAH}"]`)).to.be.greaterThan(0) },
  ];
}

/** Pages only admins (and, for sites, engineers) open. */
function adminPages(seeded: () => Seeded): PageSpec[] {
  return [
    { name: 'sites-import', path: '/sites/import', check: async (page) => expect(await count(page, 'input[type=file]')).to.equal(1) },
    { name: 'admin-accounts', path: '/admin/accounts', check: async (page) => expect(await page.textContent('main')).to.contain('rina') },
    { name: 'admin-tokens', path: '/admin/tokens', check: async (page) => expect(await count(page, 'form[action="/admin/tokens"]')).to.equal(1) },
    { name: 'admin-audit', path: '/admin/audit', check: async (page) => expect(await page.textContent('main')).to.contain('maintenance-add') },
    { name: 'admin-plans', path: '/admin/plans', check: async (page) => expect(await page.textContent('main')).to.contain('Harian 2 jam') },
    { name: 'admin-plan', path: `/admin/plans/${seeded().planId}`, check: async (page) => expect(await page.inputValue('input[name="name"]')).to.equal('Harian 2 jam') },
    { name: 'admin-vouchers', path: '/admin/vouchers', check: async (page) => expect(await count(page, `a[href="/admin/vouchers/${seeded().batchId}/cards"]`)).to.equal(1) },
    { name: 'admin-voucher-cards', path: `/admin/vouchers/${seeded().batchId}/cards?site=CIA-01`, check: async (page) => expect(await count(page, '.voucher-card .vc-code')).to.equal(VOUCHERS) },
    {
      name: 'admin-nas',
      path: '/admin/nas',
      check: async (page) =>
        expect(await page.textContent('main'))
          .to.contain('router-cia-01')
          .and.not.contain('rahasia-bersama-cia'),
    },
    { name: 'admin-sites', path: '/admin/sites', check: async (page) => expect(await count(page, 'a[href="/admin/sites/CIA-01"]')).to.equal(1) },
    { name: 'admin-site', path: '/admin/sites/CIA-01', check: async (page) => expect(await page.inputValue('input[name="name"]')).to.equal('Taman Kota Ciater') },
    { name: 'admin-terms', path: '/admin/terms', check: async (page) => expect(await page.textContent('main')).to.contain('2026-01') },
  ];
}

/** The admin pages a reporter must not reach (every GET under /admin, and the site import). */
const FORBIDDEN_TO_REPORTER = [
  '/sites/import',
  '/admin/accounts',
  '/admin/tokens',
  '/admin/audit',
  '/admin/plans',
  '/admin/plans/1',
  '/admin/vouchers',
  '/admin/vouchers/1/cards',
  '/admin/nas',
  '/admin/sites',
  '/admin/sites/CIA-01',
  '/admin/terms',
];

describe('e2e: every dashboard page, as admin and as reporter, at desktop and phone widths (chromium)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let dashboard: DashboardFixture;
  let seeded: Seeded;
  const network = new NetworkLog();
  const problems: string[] = [];
  /** pages answered 403 on purpose: chromium logs "Failed to load resource" for them */
  const expectedRefusals = new Set<string>();
  /** pages wider than the phone's screen (a sideways scroll for the whole page) */
  const overflowing: string[] = [];
  const contexts: BrowserContext[] = [];

  before(async function () {
    this.timeout(120_000);
    await resetDashboardTables();
    await seedAccounts();
    seeded = await seedCity();
    // three sites down within three minutes in one kelurahan make one group row
    dashboard = await startDashboardFixture({ now: NOW.toISOString(), env: { ALERT_AREA_MIN_SITES: '3', PORTAL_TERMS_VERSION: '2026-01' } });
    browser = await launchBrowser();
    mkdirSync(FOLDER, { recursive: true });
  });

  after(async function () {
    this.timeout(60_000);
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await dashboard?.close();
  });

  async function newPage(width: Width): Promise<Page> {
    const context = await browser.newContext({ ...WIDTHS[width], acceptDownloads: true });
    contexts.push(context);
    context.setDefaultTimeout(30_000);
    context.on('request', (request) => network.record(request));
    // a CSP refusal is also an event of the document: say it on the console, where it is collected
    await context.addInitScript(`document.addEventListener('securitypolicyviolation', (e) => console.error('CSP refused ' + e.blockedURI + ' (' + e.violatedDirective + ')'))`);
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const url = message.location().url;
      // chromium asks for /favicon.ico by itself; the dashboard has none
      if (url.endsWith('/favicon.ico')) return;
      if (expectedRefusals.has(url) && message.text().includes('status of 403')) return;
      problems.push(`console: ${message.text()} (${url})`);
    });
    page.on('pageerror', (error) => problems.push(`script: ${error.message} (${page.url()})`));
    return page;
  }

  /** Signs in through the form, as a person would; the sign-in page is saved once per width. */
  async function signIn(width: Width, username: string, screenshot = false): Promise<Page> {
    const page = await newPage(width);
    await page.goto(`${dashboard.url}/sign-in`);
    if (screenshot) await page.screenshot({ path: join(FOLDER, `sign-in-${width}.png`), fullPage: true });
    await page.fill('#username', username);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${dashboard.url}/`), page.click('button[type=submit]')]);
    return page;
  }

  /** Opens a page: it answers 200 with a heading and no error page, shows what it should, and is saved. */
  async function visit(page: Page, spec: PageSpec, width: Width, prefix = ''): Promise<void> {
    const response = await page.goto(dashboard.url + spec.path);
    expect(response?.status(), spec.path).to.equal(200);
    expect((await page.textContent('h1'))?.trim(), `${spec.path}: heading`).to.not.equal('');
    expect(await page.textContent('h1'), `${spec.path}: an error page`).to.not.equal('Tidak dapat dilanjutkan');
    if (spec.check) await spec.check(page);
    if (width === 360 && !spec.paper) {
      const [scrollWidth, clientWidth] = await page.evaluate<[number, number]>(`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`);
      if (scrollWidth > clientWidth + 1) overflowing.push(`${prefix}${spec.name} (${spec.path}): ${scrollWidth} px wide on a ${clientWidth} px screen`);
    }
    await page.screenshot({ path: join(FOLDER, `${prefix}${spec.name}-${width}.png`), fullPage: true });
  }

  for (const width of WIDTH_LIST) {
    it(`an admin signs in and opens every page at ${width} px`, async () => {
      const page = await signIn(width, 'adi', true);
      for (const spec of [...figurePages(), ...adminPages(() => seeded)]) await visit(page, spec, width);
      // the admin sees the devices' MAC addresses in full
      await page.goto(`${dashboard.url}/sites/CIA-01`);
      expect(await page.textContent('main'))
        .to.contain(MAC)
        .and.not.contain(MASKED_MAC);
    });
  }

  for (const width of WIDTH_LIST) {
    it(`a reporter signs in and opens every page with figures at ${width} px, with MAC addresses masked`, async () => {
      const page = await signIn(width, 'rina');
      for (const spec of figurePages()) await visit(page, spec, width, 'reporter-');
      await page.goto(`${dashboard.url}/sites/CIA-01`);
      const main = await page.textContent('main');
      expect(main).to.contain(MASKED_MAC).and.not.contain(MAC).and.not.contain('3C:28:6D:01:AA:10');
      // figures and exports only: no maintenance form, no import, no queue actions
      expect(await count(page, 'form.window')).to.equal(0);
      await page.goto(`${dashboard.url}/sites`);
      expect(await count(page, 'a[href="/sites/import"]')).to.equal(0);
      await page.goto(`${dashboard.url}/incidents/reports`);
      expect(await count(page, 'tr[data-report] form')).to.equal(0);
    });
  }

  it('a reporter sees no admin link and gets the 403 page in Bahasa Indonesia on every admin page', async () => {
    for (const width of WIDTH_LIST) {
      const page = await signIn(width, 'rina');
      const links = await page.$$eval('header nav a', (as) => as.map((a) => a.getAttribute('href')));
      expect(links).to.deep.equal(['/', '/map', '/sites', '/incidents', '/reports']);
      for (const path of FORBIDDEN_TO_REPORTER) {
        expectedRefusals.add(dashboard.url + path);
        const response = await page.goto(dashboard.url + path);
        expect(response?.status(), path).to.equal(403);
        expect(await page.getAttribute('html', 'lang'), path).to.equal('id');
        expect(await page.textContent('h1'), path).to.equal('Tidak dapat dilanjutkan');
        expect(await page.textContent('[role=alert]'), path).to.equal('Peran Anda tidak memberi izin untuk membuka halaman ini atau melakukan tindakan ini.');
        expect(await count(page, 'header nav a[href^="/admin"]'), path).to.equal(0);
      }
      await page.screenshot({ path: join(FOLDER, `reporter-forbidden-${width}.png`), fullPage: true });
    }
  });

  it('the map draws the 54 kelurahan and each site as a dot coloured by its state; a click on a dot opens the site', async () => {
    const page = await signIn(1280, 'eka');
    await page.goto(`${dashboard.url}/map`);
    const codes = await page.$$eval('svg.city-map g.kelurahan path', (paths) => paths.map((p) => p.getAttribute('data-code')));
    expect(codes).to.have.length(54);
    expect(new Set(codes).size).to.equal(54);
    expect(codes).to.include.members([CIATER, SAWAH, PONDOK_BETUNG, PAMULANG_BARAT]);
    // every path is drawn (has an outline), not an empty shape
    expect(await page.$$eval('svg.city-map g.kelurahan path', (paths) => paths.filter((p) => (p.getAttribute('d') ?? '').length < 20).length)).to.equal(0);
    const dots: Record<string, string[]> = {};
    for (const state of ['up', 'down', 'degraded', 'maintenance', 'unknown']) {
      dots[state] = (await page.$$eval(`svg.city-map g.dots.state-${state} a`, (as) => as.map((a) => a.getAttribute('href')))).map((h) => String(h).replace('/sites/', '')).sort();
    }
    const expected: Record<string, string[]> = { up: [], down: [], degraded: [], maintenance: [], unknown: [] };
    for (const s of SITES) expected[s.state].push(s.code);
    for (const state of Object.keys(expected)) expected[state].sort();
    expect(dots).to.deep.equal(expected);
    // the dots lie on the drawing, not off its edge
    const box = await page.locator('svg.city-map').boundingBox();
    const dot = await page.locator('svg.city-map g.dots.state-down a[href="/sites/SAW-01"] circle').boundingBox();
    expect(box && dot && dot.x >= box.x && dot.y >= box.y && dot.x + dot.width <= box.x + box.width && dot.y + dot.height <= box.y + box.height).to.equal(true);
    await Promise.all([page.waitForURL(`${dashboard.url}/sites/SAW-01`), page.click('svg.city-map g.dots.state-down a[href="/sites/SAW-01"] circle')]);
    expect(await page.textContent('h1')).to.contain('Kantor Kelurahan Sawah');
  });

  it('a reporter downloads the month report as CSV and XLSX from the reports page, and both parse back', async () => {
    const page = await signIn(1280, 'rina');
    await page.goto(`${dashboard.url}/reports`);

    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('ul.downloads a[href^="/reports/export.csv"]')]);
    expect(csvDownload.suggestedFilename()).to.match(/\.csv$/);
    const csvPath = join(FOLDER, `report-${csvDownload.suggestedFilename()}`);
    await csvDownload.saveAs(csvPath);
    const records = parseCsv(readFileSync(csvPath), { bom: true, columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
    expect(Object.keys(records[0])).to.deep.equal([
      'tingkat',
      'kode',
      'nama',
      'kode kecamatan',
      'nama kecamatan',
      'titik terpasang',
      'titik beroperasi',
      'titik aktif',
      'target titik',
      'uptime (%)',
      'jam pemeliharaan',
      'kunjungan pengguna',
      'sesi',
      'jam penggunaan',
      'data (GB)',
      'rata-rata penilaian',
      'puas (%)',
      'jumlah penilaian',
      'laporan masalah',
    ]);
    // the city, 7 kecamatan, 54 kelurahan
    expect(records).to.have.length(62);
    const ciater = records.find((r) => r.kode === CIATER)!;
    expect(ciater, 'Ciater in the CSV').to.not.equal(undefined);
    expect(ciater['nama']).to.equal('Ciater');
    expect(ciater['kode kecamatan']).to.equal('36.74.01');
    expect(ciater['titik terpasang']).to.equal('2');
    expect(ciater['target titik']).to.equal('4');
    expect(ciater['sesi']).to.equal(String(seeded.ciaterSessions));
    const pamulangBarat = records.find((r) => r.kode === PAMULANG_BARAT)!;
    expect(pamulangBarat['titik terpasang']).to.equal('1');
    expect(pamulangBarat['titik beroperasi']).to.equal('0');

    const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.click('ul.downloads a[href^="/reports/export.xlsx"]')]);
    expect(xlsxDownload.suggestedFilename()).to.match(/\.xlsx$/);
    const xlsxPath = join(FOLDER, `report-${xlsxDownload.suggestedFilename()}`);
    await xlsxDownload.saveAs(xlsxPath);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsxPath);
    expect(workbook.worksheets.map((w) => w.name)).to.deep.equal(['Kota', 'Kecamatan', 'Kelurahan', 'Metadata']);
    const sheet = workbook.getWorksheet('Kelurahan')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    expect(header.slice(0, 6)).to.deep.equal(['kode kecamatan', 'nama kecamatan', 'kode', 'nama', 'titik terpasang', 'titik beroperasi']);
    const rows: Array<Record<string, unknown>> = [];
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      const values = (row.values as unknown[]).slice(1);
      rows.push(Object.fromEntries(header.map((h, i) => [h, values[i]])));
    });
    expect(rows).to.have.length(54);
    const row = rows.find((r) => r.kode === CIATER)!;
    expect(row['titik terpasang']).to.equal(2);
    expect(row['sesi']).to.equal(seeded.ciaterSessions);
  });

  it('kept every request on 127.0.0.1, with no script error or CSP refusal, and every page fits a phone', () => {
    expect(network.requests.length).to.be.greaterThan(100);
    expect(network.outside()).to.deep.equal([]);
    expect(network.requests.some((r) => r.url.endsWith('/static/vendor/chart.js/chart.umd.min.js'))).to.equal(true);
    expect(problems).to.deep.equal([]);
    expect(overflowing).to.deep.equal([]);
  });
});
