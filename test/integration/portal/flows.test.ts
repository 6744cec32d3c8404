import { expect } from 'chai';
import { setDeviceBlocked } from '../../../core/db/queries/devices.js';
import { addNas } from '../../../core/db/queries/nas.js';
import { createVoucherBatch } from '../../../core/db/queries/vouchers.js';
import { MAC_COOKIE, startHotspot, type Hotspot } from '../../../sim/hotspot/index.js';
import { PhoneBrowser, textOf, type Page } from '../../helpers/phone-browser.js';
import { OTHER_MAC, PHONE_MAC, portalBox, seedPortalSite, SITE_CODE, startPortalFixture, type PortalFixture } from '../../helpers/portal-fixture.js';
import { NAS_SECRET, startFixture, type RadiusFixture } from '../../helpers/radius-fixture.js';
import { testDb } from '../../helpers/test-db.js';

/**
 * A citizen's whole way online, over real HTTP, real RADIUS and real PostgreSQL: a phone with
 * JavaScript off asks the emulated hotspot for a page, is sent through the router's login.html to
 * the portal, logs in there, presses the handoff button (the post goes from the phone to the router),
 * and the router asks RADIUS.
 */
describe('portal flows through the emulated hotspot', () => {
  let radius: RadiusFixture;
  let portal: PortalFixture;
  let hotspot: Hotspot;
  const extraHotspots: Hotspot[] = [];

  function phoneWithMac(mac: string): PhoneBrowser {
    const phone = new PhoneBrowser();
    phone.setCookie('127.0.0.1', MAC_COOKIE, mac);
    return phone;
  }

  async function startRouter(): Promise<Hotspot> {
    return startHotspot({
      portalUrl: portal.url,
      radius: { host: '127.0.0.1', authPort: radius.server.authPort, acctPort: radius.server.acctPort, secret: NAS_SECRET, timeoutMs: 1500, retries: 0 },
      identity: SITE_CODE,
      clock: radius.clock,
    });
  }

  /** The phone asks for a news page and lands on the portal's login page, through the router's login.html. */
  async function reachPortal(phone: PhoneBrowser): Promise<Page> {
    const page = await phone.open(`${hotspot.url}berita`);
    expect(page.url.startsWith(`${portal.url}/login?`), page.url).to.equal(true);
    expect(page.status, textOf(page.html)).to.equal(200);
    return page;
  }

  /** Presses the handoff page's button (JavaScript is off): the phone posts the credential to the router. */
  async function pressHandoff(phone: PhoneBrowser, handoff: Page): Promise<Page> {
    expect(handoff.status, textOf(handoff.html)).to.equal(200);
    return phone.submit(handoff, { id: 'handoff' });
  }

  /** Fills in and submits the portal's form that posts to `action`, as its button would. */
  function submitted(phone: PhoneBrowser, page: Page, action: string, fill: Record<string, string>): Promise<Page> {
    return phone.submit(page, { action }, fill);
  }

  async function sessionsOf(mac: string) {
    return testDb()('sessions').where({ mac }).orderBy('id');
  }

  function expectOnline(page: Page, phone: PhoneBrowser): void {
    expect(page.url).to.equal(`${hotspot.url}berita`);
    expect(textOf(page.html)).to.match(/You are online through the hotspot/);
    expect(phone.requests.every((r) => new URL(r.url).hostname === '127.0.0.1')).to.equal(true);
  }

  beforeEach(async () => {
    await seedPortalSite();
    await addNas(testDb(), portalBox, { name: 'taman-kota-1', address: '127.0.0.1', secret: NAS_SECRET, siteCode: SITE_CODE, nasIdentifier: SITE_CODE });
    radius = await startFixture();
    portal = await startPortalFixture();
    hotspot = await startRouter();
  });
  afterEach(async () => {
    for (const h of [hotspot, ...extraHotspots.splice(0)]) await h.close();
    await portal.close();
    await radius.stop();
  });

  it('click-through: the terms accepted, the phone ends online with a session, and comes back later by MAC login', async () => {
    const phone = phoneWithMac(PHONE_MAC);
    const login = await reachPortal(phone);
    expect(textOf(login.html)).to.contain('Taman Kota 1');

    const handoff = await submitted(phone, login, '/login/click', { accept_terms: 'yes' });
    const online = await pressHandoff(phone, handoff);

    expectOnline(online, phone);
    expect(hotspot.clients.get(PHONE_MAC)!.session!.loginBy).to.equal('http-chap');
    const rows = await sessionsOf(PHONE_MAC);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ login_kind: 'click', stopped_at: null, acct_session_id: hotspot.clients.get(PHONE_MAC)!.session!.acctSessionId });

    // Later the phone leaves and joins again (a router that has not seen it yet): MAC login, no portal.
    await hotspot.logout(PHONE_MAC);
    const again = await startRouter();
    extraHotspots.push(again);
    const back = phoneWithMac(PHONE_MAC);
    const page = await back.open(`${again.url}berita`);
    expect(textOf(page.html)).to.match(/You are online/);
    expect(back.requests.map((r) => r.url)).to.deep.equal([`${again.url}berita`]);
    expect(again.clients.get(PHONE_MAC)!.session!.loginBy).to.equal('mac');
    expect(await sessionsOf(PHONE_MAC)).to.have.length(2);
  });

  it('voucher: the code typed on the portal ends online with a session; the same code on another phone is refused with the portal\'s message', async () => {
    const { codes } = await createVoucherBatch(testDb(), portalBox, { planName: 'warga', count: 1, validForSeconds: 3600, lockToFirstMac: true });
    const phone = phoneWithMac(PHONE_MAC);
    const handoff = await submitted(phone, await reachPortal(phone), '/login/voucher', { code: codes[0].toUpperCase(), accept_terms: 'yes' });
    const online = await pressHandoff(phone, handoff);

    expectOnline(online, phone);
    const rows = await sessionsOf(PHONE_MAC);
    expect(rows).to.have.length(1);
    expect(rows[0].login_kind).to.equal('voucher');
    expect(rows[0].voucher_id).to.not.equal(null);

    const otherPhone = phoneWithMac(OTHER_MAC);
    const refused = await submitted(otherPhone, await reachPortal(otherPhone), '/login/voucher', { code: codes[0], accept_terms: 'yes' });
    expect(refused.status).to.equal(400);
    expect(textOf(refused.html)).to.contain('Voucher ini sudah dipakai di perangkat lain dan hanya berlaku di perangkat itu.');
    expect(refused.html).not.to.match(/id="handoff"/);
    expect(hotspot.clients.get(OTHER_MAC)!.session).to.equal(undefined);
    expect(await sessionsOf(OTHER_MAC)).to.have.length(0);
  });

  it('a login RADIUS rejects comes back to the portal, which shows the Reply-Message', async () => {
    const phone = phoneWithMac(PHONE_MAC);
    const handoff = await submitted(phone, await reachPortal(phone), '/login/click', { accept_terms: 'yes' });
    // Between the portal's answer and the button press, an operator blocks the device.
    await setDeviceBlocked(testDb(), PHONE_MAC, true, 'test');

    const back = await pressHandoff(phone, handoff);

    expect(back.url.startsWith(`${portal.url}/login?`), back.url).to.equal(true);
    expect(new URL(back.url).searchParams.get('error')).to.equal('Akses Anda diblokir. Silakan hubungi pengelola Wi-Fi di lokasi ini.');
    const text = textOf(back.html);
    expect(text).to.contain('Belum berhasil masuk');
    expect(text).to.contain('Akses Anda diblokir. Silakan hubungi pengelola Wi-Fi di lokasi ini.');
    expect(hotspot.clients.get(PHONE_MAC)!.session).to.equal(undefined);
    expect(await sessionsOf(PHONE_MAC)).to.have.length(0);
  });

  it('a credential that ran out before the button was pressed is refused, and the portal says so in the phone\'s language', async () => {
    const phone = new PhoneBrowser({ acceptLanguage: 'en-US,en;q=0.8' });
    phone.setCookie('127.0.0.1', MAC_COOKIE, PHONE_MAC);
    const handoff = await submitted(phone, await reachPortal(phone), '/login/click', { accept_terms: 'yes' });
    radius.clock.advance(portal.config.portal.credentialTtlSeconds + 1);

    const back = await pressHandoff(phone, handoff);

    expect(back.url.startsWith(`${portal.url}/login?`), back.url).to.equal(true);
    expect(new URL(back.url).searchParams.get('error')).to.equal('Waktu masuk sudah habis. Silakan masuk lagi dari halaman login.');
    const text = textOf(back.html);
    expect(text).to.contain('Not signed in yet');
    expect(text).to.contain('The time to sign in ran out. Please sign in again from the sign-in page.');
    expect(hotspot.clients.get(PHONE_MAC)!.session).to.equal(undefined);
  });
});
