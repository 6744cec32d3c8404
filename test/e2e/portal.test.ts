// A citizen's phone going online, end to end in a real browser: Debian's chromium at a phone's size
// opens a web page through the emulated MikroTik hotspot (sim/hotspot), lands on the portal, logs in
// (click-through, voucher, phone number and one-time code; once with JavaScript off) and ends on the
// page it first asked for, with a session in the database: real HTTP, real RADIUS over UDP, real
// PostgreSQL. Every request the phone makes is logged and must stay on 127.0.0.1. Screenshots of
// each page go to test-artifacts/portal/ for people to look at.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { pino } from 'pino';
import { loadConfig } from '../../core/config.js';
import { addNas } from '../../core/db/queries/nas.js';
import { addPlan } from '../../core/db/queries/plans.js';
import { addSite } from '../../core/db/queries/sites.js';
import { createVoucherBatch } from '../../core/db/queries/vouchers.js';
import { normalizeMac } from '../../core/domain/mac.js';
import { createRecordingSender, type RecordingSender } from '../../portal/otp/recording-sender.js';
import { startPortal } from '../../portal/server.js';
import { MAC_COOKIE, startHotspot, type Hotspot } from '../../sim/hotspot/index.js';
import { launchBrowser, measurePageWeight, openPhone, waitForUrlPrefix, type LoggedRequest, type Phone } from '../helpers/browser.js';
import { box, NAS_SECRET, startFixture, type RadiusFixture } from '../helpers/radius-fixture.js';
import { resetTables, TEST_SECRET_KEY, testDatabaseUrl, testDb } from '../helpers/test-db.js';

const SITE = { code: 'taman-kota-e2e', name: 'Taman Kota Serpong' };
const PHONE_NUMBER = { typed: '0812 3456 7890', e164: '+6281234567890' };
const MAX_PAGE_BYTES = 60 * 1024;

describe('e2e: a phone goes online through the hotspot and the portal (chromium)', function () {
  // Starting a browser and walking through several pages on a busy machine takes a while; no test
  // here asserts how long anything takes.
  this.timeout(120_000);

  let browser: Browser;
  let radius: RadiusFixture;
  let portal: Awaited<ReturnType<typeof startPortal>>;
  let hotspot: Hotspot;
  let sender: RecordingSender;
  let voucherCodes: string[];
  const phones: Phone[] = [];
  const everyRequest: LoggedRequest[] = [];

  before(async function () {
    this.timeout(120_000);
    const db = testDb();
    await resetTables(db);
    await addPlan(db, { name: 'warga', rateLimit: '2M/5M', sessionTimeout: 7200, idleTimeout: 600, interimInterval: 300, dailyTime: 4 * 3600 });
    const area = await db('areas').whereNotNull('parent_code').orderBy('code').first('code');
    await addSite(db, { ...SITE, areaCode: area?.code, planName: 'warga', loginMethods: ['click', 'otp', 'voucher'], hotspotHost: '127.0.0.1' });
    await addNas(db, box, { name: 'e2e-hotspot', address: '127.0.0.1', secret: NAS_SECRET, siteCode: SITE.code, nasIdentifier: SITE.code });
    voucherCodes = (await createVoucherBatch(db, box, { planName: 'warga', count: 2, validForSeconds: 3600, lockToFirstMac: true })).codes;

    radius = await startFixture();
    sender = createRecordingSender();
    const config = loadConfig({
      DATABASE_URL: testDatabaseUrl(),
      CITYWIFI_SECRET_KEY: TEST_SECRET_KEY,
      PORTAL_HOST: '127.0.0.1',
      PORTAL_PORT: '0',
      PORTAL_METRICS_PORT: '0',
      // Every phone here comes from 127.0.0.1; the default (20 a minute per address) is for the street.
      PORTAL_LOGIN_RATE_PER_MINUTE: '1000',
    });
    portal = await startPortal({ config, db, box, logger: pino({ level: 'silent' }), clock: radius.clock, sender, host: '127.0.0.1', port: 0 });
    hotspot = await startHotspot({
      portalUrl: portal.url,
      radius: { host: '127.0.0.1', authPort: radius.server.authPort, acctPort: radius.server.acctPort, secret: NAS_SECRET },
      identity: SITE.code,
      clock: radius.clock,
    });
    browser = await launchBrowser();
  });

  after(async function () {
    this.timeout(60_000);
    for (const phone of phones) await phone.close().catch(() => undefined);
    await browser?.close();
    await hotspot?.close();
    await portal?.close();
    await radius?.stop();
  });

  const portalPath = (path: string) => new URL(path, portal.url).href;

  async function newPhone(options: { javaScript?: boolean } = {}): Promise<Phone> {
    const phone = await openPhone(browser, { javaScript: options.javaScript });
    phones.push(phone);
    return phone;
  }

  /** Nothing the phone asked for went anywhere but 127.0.0.1 (the portal, the hotspot, its "internet"). */
  function expectNothingLeftTheMachine(phone: Phone): void {
    everyRequest.push(...phone.network.requests);
    expect(phone.network.requests.length, 'the network log is empty: it logged nothing').to.be.greaterThan(0);
    expect(phone.network.outside().map((r) => r.url)).to.deep.equal([]);
  }

  /** The phone asks for a web page; the hotspot sends it to login.html, which sends it to the portal. */
  async function arriveAtPortal(phone: Phone): Promise<{ wanted: string }> {
    const wanted = `${hotspot.url}berita/hari-ini?kota=tangsel`;
    await phone.page.goto(wanted);
    await waitForUrlPrefix(phone.page, portalPath('/login'));
    await phone.page.locator('form[action="/login/click"]').waitFor();
    return { wanted };
  }

  /** The MAC the hotspot knows this phone by (its cookie). */
  async function macOf(phone: Phone): Promise<string> {
    const cookie = (await phone.context.cookies()).find((c) => c.name === MAC_COOKIE);
    const mac = normalizeMac(cookie?.value);
    if (!mac) throw new Error(`the hotspot set no ${MAC_COOKIE} cookie`);
    return mac;
  }

  /** The phone is on the page it first asked for, served through the hotspot, with a live session in the database. */
  async function expectOnline(phone: Phone, wanted: string, method: 'click' | 'otp' | 'voucher'): Promise<void> {
    await waitForUrlPrefix(phone.page, wanted);
    expect(await phone.page.locator('body').innerText()).to.contain(`You are online through the hotspot ${SITE.code}`);
    const mac = await macOf(phone);
    const sessions = await testDb()('sessions').where({ mac }).whereNull('stopped_at').select('login_kind', 'site_id', 'username');
    expect(sessions, `one live session for ${mac}`).to.have.length(1);
    expect(sessions[0].login_kind).to.equal(method);
    expect(sessions[0].site_id).to.not.equal(null);
  }

  async function acceptTerms(phone: Phone, formAction: string): Promise<void> {
    await phone.page.locator(`form[action="${formAction}"] input[name="accept_terms"]`).check();
  }

  it('click-through: the phone lands on the login page in Bahasa Indonesia, accepts the terms and is online', async () => {
    const phone = await newPhone();
    const { wanted } = await arriveAtPortal(phone);
    expect(await phone.page.locator('html').getAttribute('lang')).to.equal('id');
    expect(await phone.page.locator('body').innerText()).to.contain(SITE.name);
    await phone.screenshot('login');
    await acceptTerms(phone, '/login/click');
    await phone.page.locator('form[action="/login/click"] button[type="submit"]').click();
    await expectOnline(phone, wanted, 'click');
    await phone.screenshot('online');
    expectNothingLeftTheMachine(phone);
  });

  it('voucher: the code from the card puts the phone online', async () => {
    const phone = await newPhone();
    const { wanted } = await arriveAtPortal(phone);
    // Typed as people type it: lower case, with a space in the middle.
    const typed = `${voucherCodes[0].slice(0, 5)} ${voucherCodes[0].slice(5)}`.toLowerCase();
    await phone.page.getByLabel(/kode voucher/i).fill(typed);
    await acceptTerms(phone, '/login/voucher');
    await phone.page.locator('form[action="/login/voucher"] button[type="submit"]').click();
    await expectOnline(phone, wanted, 'voucher');
    expectNothingLeftTheMachine(phone);
  });

  it('a wrong voucher code gets a plain message on the login page, not an error trace', async () => {
    const phone = await newPhone();
    await arriveAtPortal(phone);
    await phone.page.getByLabel(/kode voucher/i).fill('SALAH12345');
    await acceptTerms(phone, '/login/voucher');
    await phone.page.locator('form[action="/login/voucher"] button[type="submit"]').click();
    const alert = phone.page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).to.match(/voucher/i);
    expect(await phone.page.locator('body').innerText()).to.not.match(/Error:|at .*\.js:\d+/);
    await phone.screenshot('error');
    expectNothingLeftTheMachine(phone);
  });

  it('phone number and one-time code: the code sent to the number puts the phone online', async () => {
    const phone = await newPhone();
    const { wanted } = await arriveAtPortal(phone);
    const sentBefore = sender.sent.length;
    await phone.page.locator('form[action="/login/otp"] input[name="phone"]').fill(PHONE_NUMBER.typed);
    await acceptTerms(phone, '/login/otp');
    await phone.page.locator('form[action="/login/otp"] button[type="submit"]').click();
    const codeInput = phone.page.locator('form[action="/login/otp/verify"] input[name="code"]');
    await codeInput.waitFor();
    await phone.screenshot('otp-code');
    expect(sender.sent.length).to.equal(sentBefore + 1);
    const code = sender.lastCodeFor(PHONE_NUMBER.e164);
    expect(code, `a code was sent to ${PHONE_NUMBER.e164}`).to.match(/^\d{6}$/);
    await codeInput.fill(code!);
    await phone.page.locator('form[action="/login/otp/verify"] button[type="submit"]').click();
    await expectOnline(phone, wanted, 'otp');
    expectNothingLeftTheMachine(phone);
  });

  it('with JavaScript off the phone gets online too: the handoff page has a button to press', async () => {
    const phone = await newPhone({ javaScript: false });
    const { wanted } = await arriveAtPortal(phone);
    await acceptTerms(phone, '/login/click');
    await phone.page.locator('form[action="/login/click"] button[type="submit"]').click();
    const handoff = phone.page.locator('form#handoff');
    await handoff.waitFor();
    expect(await handoff.getAttribute('action')).to.equal(hotspot.linkLoginOnly);
    const button = handoff.locator('button[type="submit"]');
    expect(await button.isVisible()).to.equal(true);
    await phone.screenshot('handoff');
    await button.click();
    await expectOnline(phone, wanted, 'click');
    expectNothingLeftTheMachine(phone);
  });

  it('the login page, with everything it loads, weighs under 60 KB and loads nothing from another host', async () => {
    const phone = await newPhone();
    await arriveAtPortal(phone);
    const weight = await measurePageWeight(phone, phone.page.url());
    const detail = weight.resources.map((r) => `${r.bytes} ${r.url}`).join('\n');
    expect(weight.resources.length, detail).to.be.greaterThan(0);
    expect(weight.totalBytes, `the login page loads:\n${detail}`).to.be.lessThan(MAX_PAGE_BYTES);
    for (const resource of weight.resources) expect(new URL(resource.url).hostname, resource.url).to.equal('127.0.0.1');
    expectNothingLeftTheMachine(phone);
  });

  it('after logging in, the status page shows the day\'s allowance and takes a one-tap rating', async () => {
    const phone = await newPhone();
    const { wanted } = await arriveAtPortal(phone);
    await acceptTerms(phone, '/login/click');
    await phone.page.locator('form[action="/login/click"] button[type="submit"]').click();
    await expectOnline(phone, wanted, 'click');
    const mac = await macOf(phone);
    await phone.page.goto(portalPath(`/status?mac=${encodeURIComponent(mac)}&identity=${encodeURIComponent(SITE.code)}`));
    await phone.page.locator('form[action="/feedback"]').waitFor();
    // Online, and the whole daily allowance of the plan (4 hours) still left: nothing used yet.
    expect(await phone.page.getByRole('status').isVisible()).to.equal(true);
    expect(await phone.page.locator('main').innerText()).to.match(/4 jam/);
    await phone.screenshot('status');
    await phone.page.locator('form[action="/feedback"] button[name="rating"][value="5"]').click();
    await phone.page.waitForLoadState('load');
    const feedback = await testDb()('feedback').select('rating');
    expect(feedback.map((f) => Number(f.rating))).to.deep.equal([5]);
    expectNothingLeftTheMachine(phone);
  });

  it('the terms and privacy notice open from the login page, and a problem can be reported for the site', async () => {
    const phone = await newPhone();
    await arriveAtPortal(phone);
    await phone.page.locator('footer a[href^="/terms"]').click();
    await waitForUrlPrefix(phone.page, portalPath('/terms'));
    await phone.screenshot('terms');
    await phone.page.goBack();
    await phone.page.locator('footer a[href^="/privacy"]').click();
    await waitForUrlPrefix(phone.page, portalPath('/privacy'));
    await phone.screenshot('privacy');
    await phone.page.goBack();
    await phone.page.locator('footer a[href^="/report"]').click();
    await waitForUrlPrefix(phone.page, portalPath('/report'));
    await phone.page.locator('form[action="/report"]').waitFor();
    await phone.screenshot('report');
    await phone.page.locator('form[action="/report"] input[name="kind"][value="slow"]').check();
    await phone.page.locator('form[action="/report"] textarea[name="comment"]').fill('Lambat sekali sore ini');
    await phone.page.locator('form[action="/report"] button[type="submit"]').click();
    await phone.page.waitForLoadState('load');
    await phone.screenshot('report-sent');
    const reports = await testDb()('problem_reports').select('kind', 'site_id');
    expect(reports).to.have.length(1);
    expect(reports[0].kind).to.equal('slow');
    expect(reports[0].site_id).to.not.equal(null);
    expectNothingLeftTheMachine(phone);
  });

  it('over every page of every phone, no request left 127.0.0.1', function () {
    // The sum of the tests above; alone (--grep) there is nothing to sum.
    if (everyRequest.length === 0) this.skip();
    const hosts = new Set(everyRequest.map((r) => new URL(r.url)).filter((u) => u.protocol.startsWith('http')).map((u) => u.hostname));
    expect([...hosts]).to.deep.equal(['127.0.0.1']);
  });
});
