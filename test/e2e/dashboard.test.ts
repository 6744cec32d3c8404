// The dashboard in a real browser: Debian's chromium signs in, opens the overview and a site's page
// at a desktop's and a phone's width, and checks that the charts are drawn (canvases with pixels),
// that the overview refreshes itself from /api/overview, that no script is refused by the page's
// strict CSP and that no request leaves 127.0.0.1. Screenshots go to test-artifacts/dashboard/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addSite } from '../../core/db/queries/sites.js';
import { ARTIFACTS_DIR, launchBrowser, NetworkLog, PHONE } from '../helpers/browser.js';
import { PASSWORD, resetDashboardTables, seedAccounts, startDashboardFixture, type DashboardFixture } from '../helpers/dashboard-fixture.js';
import { testDb } from '../helpers/test-db.js';

const NOW = new Date('2026-11-25T09:00:00+07:00');
const HOUR = 3_600_000;
const FOLDER = join(ARTIFACTS_DIR, 'dashboard');

const SCREENS = {
  desktop: { viewport: { width: 1366, height: 900 }, deviceScaleFactor: 1, locale: 'id-ID', timezoneId: 'Asia/Jakarta' },
  phone: PHONE,
} as const;

/** A few sites with a day of history, so every chart has something to draw. */
async function seedNetwork(): Promise<void> {
  const db = testDb();
  const hourNow = Math.floor(NOW.getTime() / HOUR) * HOUR;
  const kelurahan = ['36.74.04.1004', '36.74.01.1001', '36.74.03.1001'];
  for (let i = 0; i < 6; i++) {
    const site = await addSite(db, { code: `e2e-${i}`, name: `Taman E2E ${i}`, areaCode: kelurahan[i % kelurahan.length] });
    await db('sites').where({ id: site.id }).update({ installed_on: '2026-02-01', commissioned_on: '2026-02-10' });
    const down = i === 4;
    await db('site_status').insert({
      site_id: site.id,
      state: down ? 'down' : 'up',
      since: down ? '2026-11-25T07:15:00+07:00' : '2026-11-20T00:00:00+07:00',
      last_poll_at: NOW,
      last_ok_at: down ? '2026-11-25T07:14:00+07:00' : NOW,
      active_users: down ? null : 3 + i,
      cpu_load: 20 + i,
      last_error: down ? 'timeout: no answer in 5 s' : null,
    });
    await db('site_state_changes').insert({ site_id: site.id, at: '2026-11-10T08:00:00+07:00', from_state: 'unknown', to_state: 'up', reason: 'first answer' });
    if (down) await db('site_state_changes').insert({ site_id: site.id, at: '2026-11-25T07:15:00+07:00', from_state: 'up', to_state: 'down', reason: 'timeout (3 failed polls in a row)' });
    for (let back = 1; back <= 24; back++) {
      const users = Math.round(4 + 3 * Math.sin((back + i) / 4) + i);
      await db('rollups_hourly').insert({ site_id: site.id, hour: new Date(hourNow - back * HOUR), up_seconds: 3600, avg_active_users: users, max_active_users: users + 2, router_rx_bytes: 3.6e8, router_tx_bytes: 3.6e7 });
    }
    for (let back = 0; back < 30; back++) {
      const day = new Date(Date.UTC(2026, 10, 25 - back)).toISOString().slice(0, 10);
      await db('rollups_daily').insert({ site_id: site.id, day, up_seconds: 86_400 - ((back * 997 + i * 131) % 5000), down_seconds: (back * 997 + i * 131) % 5000, users: 20 + ((back * 7 + i * 3) % 15), sessions: 30 });
    }
    for (let k = 0; k < 60; k++) {
      await db('samples').insert({ site_id: site.id, at: new Date(NOW.getTime() - (k + 1) * 120_000), cpu_load: 15 + ((k * 7) % 30), active_users: 3 + (k % 5), rx_rate: 200_000 + k * 1000, tx_rate: 20_000 });
    }
  }
  await db('coverage_targets').insert({ year: 2026, area_code: '36.74.04', target_sites: 20 });
}

/** How many pixels of a canvas are drawn (not transparent). */
// (Browser-side code is written as text: this project compiles without the DOM's types.)
function drawnPixels(page: Page, selector: string): Promise<number> {
  return page.evaluate(`(() => {
    const c = document.querySelector(${JSON.stringify(selector)});
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
    return n;
  })()`);
}

/** Waits until Chart.js is loaded and the canvas `name` has a size. */
async function waitForChart(page: Page, name: string): Promise<void> {
  await page.waitForFunction(`typeof window.Chart === 'function' && (() => {
    const c = document.querySelector('canvas[data-chart="${name}"]');
    return !!c && c.width > 0 && c.height > 0;
  })()`);
}

describe('e2e: the dashboard in a browser (chromium)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let dashboard: DashboardFixture;
  const network = new NetworkLog();
  const refused: string[] = [];
  const contexts: BrowserContext[] = [];

  before(async function () {
    this.timeout(120_000);
    await resetDashboardTables();
    await seedAccounts();
    await seedNetwork();
    dashboard = await startDashboardFixture();
    browser = await launchBrowser();
    mkdirSync(FOLDER, { recursive: true });
  });

  after(async function () {
    this.timeout(60_000);
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await dashboard?.close();
  });

  async function signedInPage(screen: keyof typeof SCREENS, username = 'adi'): Promise<Page> {
    const context = await browser.newContext({ ...SCREENS[screen] });
    contexts.push(context);
    context.setDefaultTimeout(30_000);
    context.on('request', (request) => network.record(request));
    const page = await context.newPage();
    page.on('console', (message) => {
      // every console error counts, a missing favicon too (the pages link /static/favicon.svg)
      if (message.type() === 'error') refused.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => refused.push(error.message));
    await page.goto(`${dashboard.url}/sign-in`);
    await page.fill('#username', username);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${dashboard.url}/`), page.click('button[type=submit]')]);
    return page;
  }

  for (const screen of Object.keys(SCREENS) as Array<keyof typeof SCREENS>) {
    it(`signs in and the overview draws its three charts (${screen})`, async () => {
      const page = await signedInPage(screen);
      expect(await page.locator('canvas[data-chart]').count()).to.equal(3);
      for (const name of ['activeUsers', 'dailyUsers', 'dailyUptime']) {
        await waitForChart(page, name);
        expect(await drawnPixels(page, `canvas[data-chart="${name}"]`), name).to.be.greaterThan(500);
      }
      expect(await page.textContent('[data-figure="state-down"]')).to.equal('1');
      expect(await page.textContent('[data-figure="active"]')).to.equal('6');
      await page.screenshot({ path: join(FOLDER, `overview-${screen}.png`), fullPage: true });
    });
  }

  it('refreshes the overview from /api/overview without a reload', async () => {
    const page = await signedInPage('desktop');
    await waitForChart(page, 'activeUsers');
    // a second site goes down; the page learns it at its next refresh, which the test brings forward
    // (the event the page's script listens for besides its 30-second timer)
    await testDb()('site_status').whereIn('site_id', testDb()('sites').select('id').where({ code: 'e2e-2' })).update({ state: 'down', since: '2026-11-25T08:40:00+07:00' });
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));
    const refreshed = page.waitForResponse((response) => response.url().endsWith('/api/overview') && response.status() === 200);
    await page.evaluate(`window.dispatchEvent(new Event('citywifi:refresh'))`);
    await refreshed;
    await page.waitForFunction(`document.querySelector('[data-figure="state-down"]').textContent === '2'`);
    expect(await page.locator('[data-down-rows] tr').count()).to.equal(2);
    expect(await page.getAttribute('[data-down-rows] a[href="/sites/e2e-2"]', 'href')).to.equal('/sites/e2e-2');
    expect(navigations).to.deep.equal([]);
    await testDb()('site_status').whereIn('site_id', testDb()('sites').select('id').where({ code: 'e2e-2' })).update({ state: 'up' });
  });

  for (const screen of Object.keys(SCREENS) as Array<keyof typeof SCREENS>) {
    it(`opens a site from the down list: timeline and four charts (${screen})`, async () => {
      const page = await signedInPage(screen, 'eka');
      await Promise.all([page.waitForURL(`${dashboard.url}/sites/e2e-4`), page.click('[data-down-rows] a[href="/sites/e2e-4"]')]);
      expect(await page.locator('svg[data-timeline] rect.seg-down').count()).to.equal(1);
      for (const name of ['cpu', 'users', 'traffic', 'month']) {
        await waitForChart(page, name);
        expect(await drawnPixels(page, `canvas[data-chart="${name}"]`), name).to.be.greaterThan(500);
      }
      expect(await page.locator('form.window').count()).to.equal(1);
      await page.screenshot({ path: join(FOLDER, `site-${screen}.png`), fullPage: true });
    });
  }

  it('kept every request on 127.0.0.1, with no script error or CSP refusal', () => {
    expect(network.requests.length).to.be.greaterThan(10);
    expect(network.outside()).to.deep.equal([]);
    expect(network.requests.some((r) => r.url.endsWith('/static/vendor/chart.js/chart.umd.min.js'))).to.equal(true);
    expect(refused).to.deep.equal([]);
  });
});
