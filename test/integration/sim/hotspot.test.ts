import { expect } from 'chai';
import { issueCredential } from '../../../core/db/queries/credentials.js';
import { rememberDevice } from '../../../core/db/queries/devices.js';
import { CODE, computeChapResponse, decodeRequest, decryptUserPassword, encodeResponse, type RadiusRequest } from '../../../core/radius/index.js';
import { fromOctalEscapes, MAC_COOKIE, startHotspot, type Hotspot, type HotspotOptions } from '../../../sim/hotspot/index.js';
import { findMetaRefresh, PhoneBrowser, textOf, type Page } from '../../helpers/phone-browser.js';
import { box, NAS_SECRET, seedBasics, startFixture, type RadiusFixture } from '../../helpers/radius-fixture.js';
import { testDb } from '../../helpers/test-db.js';
import { startResponder, type Responder } from '../../unit/core/radius/udp-responder.js';

const PHONE_MAC = 'AA:BB:CC:00:10:01';
const OTHER_MAC = 'AA:BB:CC:00:10:02';
/** Nothing listens there: these tests stop where the phone would leave for the portal. */
const PORTAL = 'http://127.0.0.1:9/portal/';
const OCTAL_BYTE = /^\\[0-3][0-7]{2}$/;
const OCTAL_CHALLENGE = /^(\\[0-3][0-7]{2}){16}$/;

function phoneWithMac(mac: string): PhoneBrowser {
  const phone = new PhoneBrowser();
  phone.setCookie('127.0.0.1', MAC_COOKIE, mac);
  return phone;
}

/** The phone asks for a web page and stops on the router's login.html, where it would leave for the portal. */
async function reachLoginPage(phone: PhoneBrowser, url: string): Promise<{ page: Page; portalLogin: URL; params: Record<string, string> }> {
  const page = await phone.open(url, { followRefresh: false });
  return loginPageTarget(page);
}

function loginPageTarget(page: Page): { page: Page; portalLogin: URL; params: Record<string, string> } {
  expect(page.status).to.equal(200);
  const target = findMetaRefresh(page.html, page.url);
  expect(target, 'login.html refreshes to the portal').to.be.a('string');
  const portalLogin = new URL(target!);
  return { page, portalLogin, params: Object.fromEntries(portalLogin.searchParams) };
}

/** What the portal's handoff form posts: the CHAP response from the page's chap-id and challenge. */
function handoffFields(params: Record<string, string>, username: string, password: string): Record<string, string> {
  const chapId = fromOctalEscapes(params['chap-id']);
  const challenge = fromOctalEscapes(params['chap-challenge']);
  const chap = params['chap-id'] !== '' && chapId && challenge;
  return {
    username,
    password: chap ? computeChapResponse(chapId[0], password, challenge).toString('hex') : password,
    dst: params['link-orig'],
    popup: 'false',
  };
}

async function sessionsOf(mac: string) {
  return testDb()('sessions').where({ mac }).orderBy('id');
}

describe('sim/hotspot against the RADIUS server and PostgreSQL', () => {
  let f: RadiusFixture;
  let planId: number;
  const hotspots: Hotspot[] = [];

  async function hotspot(options: Partial<HotspotOptions> = {}): Promise<Hotspot> {
    const started = await startHotspot({
      portalUrl: PORTAL,
      radius: { host: '127.0.0.1', authPort: f.server.authPort, acctPort: f.server.acctPort, secret: NAS_SECRET, timeoutMs: 1500, retries: 0 },
      identity: 'taman-kota-1',
      clock: f.clock,
      ...options,
    });
    hotspots.push(started);
    return started;
  }

  beforeEach(async () => {
    planId = (await seedBasics()).plan.id;
    f = await startFixture();
  });
  afterEach(async () => {
    for (const h of hotspots.splice(0)) await h.close();
    await f.stop();
  });

  it('a remembered device goes online by MAC login without seeing the portal, with accounting Start', async () => {
    const h = await hotspot();
    await rememberDevice(testDb(), { mac: PHONE_MAC, planId, until: new Date(f.clock().getTime() + 86400_000), now: f.clock() });
    const phone = phoneWithMac(PHONE_MAC);

    const page = await phone.open(`${h.url}berita`);

    expect(page.status).to.equal(200);
    expect(textOf(page.html)).to.match(/You are online through the hotspot taman-kota-1/);
    expect(phone.requests.map((r) => r.url)).to.deep.equal([`${h.url}berita`]);
    const session = h.clients.get(PHONE_MAC)!.session!;
    expect(session.loginBy).to.equal('mac');
    expect(session.sessionTimeout).to.equal(7200);
    const rows = await sessionsOf(PHONE_MAC);
    expect(rows).to.have.length(1);
    expect(rows[0].username).to.equal(PHONE_MAC);
    expect(rows[0].acct_session_id).to.equal(session.acctSessionId);
    expect(new Date(rows[0].started_at).getTime()).to.equal(f.clock().getTime());
    expect(rows[0].stopped_at).to.equal(null);
  });

  it('a new device is sent to the portal /login with the router\'s variables in MikroTik\'s format, new CHAP values per view', async () => {
    const h = await hotspot();
    const phone = phoneWithMac(PHONE_MAC);
    const original = `${h.url}berita?id=7`;

    const { portalLogin, params } = await reachLoginPage(phone, original);

    expect(phone.requests.map((r) => [r.status, r.url])).to.deep.equal([
      [302, original],
      [200, `${h.linkLoginOnly}?dst=${encodeURIComponent(original)}`],
    ]);
    expect(`${portalLogin.origin}${portalLogin.pathname}`).to.equal(`${PORTAL}login`);
    expect(params).to.include({
      mac: PHONE_MAC,
      username: '',
      'link-login-only': h.linkLoginOnly,
      'link-login': `${h.linkLoginOnly}?dst=${encodeURIComponent(original)}`,
      'link-orig': original,
      error: '',
      identity: 'taman-kota-1',
      'server-name': 'hotspot1',
    });
    expect(params.ip).to.match(/^10\.5\.50\.\d+$/);
    expect(params['chap-id']).to.match(OCTAL_BYTE);
    expect(params['chap-challenge']).to.match(OCTAL_CHALLENGE);
    expect(h.clients.get(PHONE_MAC)!.session).to.equal(undefined);

    const again = await reachLoginPage(phone, original);
    expect(again.params['chap-challenge']).to.match(OCTAL_CHALLENGE).and.not.equal(params['chap-challenge']);

    // login-by=mac was tried first for the unknown device (the packets are checked below), and refused.
    expect(h.clients.get(PHONE_MAC)!.macLoginTried).to.equal(true);
  });

  it('a one-time credential posted as the handoff form would (CHAP) goes online; Start, Interim and Stop land in sessions', async () => {
    const h = await hotspot();
    const phone = phoneWithMac(PHONE_MAC);
    const { params } = await reachLoginPage(phone, `${h.url}berita`);
    const credential = await issueCredential(testDb(), box, { mac: PHONE_MAC, method: 'click', planId, ttlSeconds: 300, now: f.clock() });
    // A browser asks the router's address for login.html's icon; that is no new login page view.
    expect((await phone.open(`${h.url}favicon.ico`)).status).to.equal(404);

    const landed = await phone.post(params['link-login-only'], handoffFields(params, credential.username, credential.password));

    expect(landed.url).to.equal(`${h.url}berita`);
    expect(textOf(landed.html)).to.match(/You are online/);
    const session = h.clients.get(PHONE_MAC)!.session!;
    expect(session.loginBy).to.equal('http-chap');
    let rows = await sessionsOf(PHONE_MAC);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ username: credential.username, acct_session_id: session.acctSessionId, login_kind: 'click', stopped_at: null });

    f.clock.advance(300);
    expect((await h.interim(PHONE_MAC, { inputOctets: 1000, outputOctets: 5_000_000_000 })).code).to.equal(CODE.ACCOUNTING_RESPONSE);
    rows = await sessionsOf(PHONE_MAC);
    expect(rows[0]).to.include({ session_time: 300, input_octets: 1000, output_octets: 5_000_000_000 });

    f.clock.advance(60);
    await h.logout(PHONE_MAC);
    rows = await sessionsOf(PHONE_MAC);
    expect(rows[0]).to.include({ session_time: 360, terminate_cause: 'User-Request' });
    expect(new Date(rows[0].stopped_at).getTime()).to.equal(f.clock().getTime());

    const afterLogout = await phone.open(`${h.url}berita`, { followRefresh: false });
    expect(afterLogout.url).to.match(/\/login\?dst=/);
  });

  it('a second login post while the first is with RADIUS gets "already authorizing, retry later", as on a router', async () => {
    const h = await hotspot();
    const phone = phoneWithMac(PHONE_MAC);
    const { params } = await reachLoginPage(phone, `${h.url}berita`);
    const credential = await issueCredential(testDb(), box, { mac: PHONE_MAC, method: 'click', planId, ttlSeconds: 300, now: f.clock() });
    const fields = handoffFields(params, credential.username, credential.password);

    const [first, second] = await Promise.all([
      phone.post(params['link-login-only'], fields, { followRefresh: false }),
      phone.post(params['link-login-only'], fields, { followRefresh: false }),
    ]);

    const errors = [first, second].map((page) => (findMetaRefresh(page.html, page.url)?.startsWith(PORTAL) ? loginPageTarget(page).params.error : 'online'));
    expect(errors.sort()).to.deep.equal(['already authorizing, retry later', 'online']);
    expect(h.clients.get(PHONE_MAC)!.session!.username).to.equal(credential.username);
    expect(await sessionsOf(PHONE_MAC)).to.have.length(1);
  });

  it('with CHAP off the page carries empty CHAP values and a plain password (PAP) goes online', async () => {
    const h = await hotspot({ chap: false });
    const phone = phoneWithMac(PHONE_MAC);
    const { params } = await reachLoginPage(phone, h.url);
    expect(params['chap-id']).to.equal('');
    expect(params['chap-challenge']).to.equal('');
    const credential = await issueCredential(testDb(), box, { mac: PHONE_MAC, method: 'click', planId, ttlSeconds: 300, now: f.clock() });

    const landed = await phone.post(params['link-login-only'], handoffFields(params, credential.username, credential.password));

    expect(textOf(landed.html)).to.match(/You are online/);
    expect(h.clients.get(PHONE_MAC)!.session!.loginBy).to.equal('http-pap');
    expect(await sessionsOf(PHONE_MAC)).to.have.length(1);
  });

  it('a rejected login comes back through login.html to the portal with the Reply-Message as error', async () => {
    const h = await hotspot();
    const phone = phoneWithMac(PHONE_MAC);
    const first = await reachLoginPage(phone, `${h.url}berita`);
    const elsewhere = await issueCredential(testDb(), box, { mac: OTHER_MAC, method: 'click', planId, ttlSeconds: 300, now: f.clock() });

    const refused = await phone.post(first.params['link-login-only'], handoffFields(first.params, elsewhere.username, elsewhere.password), {
      followRefresh: false,
    });

    const back = loginPageTarget(refused);
    expect(`${back.portalLogin.origin}${back.portalLogin.pathname}`).to.equal(`${PORTAL}login`);
    expect(back.params.error).to.match(/perangkat lain/);
    expect(back.params).to.include({ mac: PHONE_MAC, username: elsewhere.username, 'link-orig': `${h.url}berita` });
    expect(back.params['chap-challenge']).to.match(OCTAL_CHALLENGE).and.not.equal(first.params['chap-challenge']);
    expect(h.clients.get(PHONE_MAC)!.session).to.equal(undefined);
    expect(await sessionsOf(PHONE_MAC)).to.have.length(0);

    const mine = await issueCredential(testDb(), box, { mac: PHONE_MAC, method: 'click', planId, ttlSeconds: 300, now: f.clock() });
    const wrong = await phone.post(back.params['link-login-only'], handoffFields(back.params, mine.username, 'not-the-password'), { followRefresh: false });
    expect(loginPageTarget(wrong).params.error).to.equal('Kode atau kata sandi salah. Silakan coba lagi.');
  });
});

describe('sim/hotspot RADIUS packets', () => {
  let responder: Responder;
  let h: Hotspot;
  const requests: RadiusRequest[] = [];

  afterEach(async () => {
    await h.close();
    await responder.close();
    requests.length = 0;
  });

  async function start(answer: boolean): Promise<void> {
    responder = await startResponder((raw) => {
      const decoded = decodeRequest(raw, NAS_SECRET, { requireMessageAuthenticator: true });
      if (!decoded.ok) return undefined;
      requests.push(decoded.request);
      return answer ? encodeResponse(decoded.request, CODE.ACCESS_REJECT, [['Reply-Message', 'Tidak boleh']], NAS_SECRET) : undefined;
    });
    h = await startHotspot({
      portalUrl: PORTAL,
      radius: { host: '127.0.0.1', authPort: responder.port, acctPort: responder.port, secret: NAS_SECRET, timeoutMs: 200, retries: 0 },
      identity: 'taman-kota-1',
      serverName: 'hotspot-taman',
      nasIp: '10.20.0.7',
    });
  }

  it('are the Access-Requests a MikroTik sends: MAC login first, then CHAP with the page\'s id and challenge', async () => {
    await start(true);
    const phone = phoneWithMac(PHONE_MAC);
    const { params } = await reachLoginPage(phone, h.url);
    await phone.post(params['link-login-only'], handoffFields(params, 'cw-user', 'secret'), { followRefresh: false });

    expect(requests.map((r) => r.code)).to.deep.equal([CODE.ACCESS_REQUEST, CODE.ACCESS_REQUEST]);
    const [mac, chap] = requests;
    for (const request of requests) {
      expect(request.hasMessageAuthenticator).to.equal(true);
      expect(request.attributes).to.include({
        'NAS-Identifier': 'taman-kota-1',
        'NAS-IP-Address': '10.20.0.7',
        'NAS-Port-Type': 'Wireless-802.11',
        'NAS-Port-Id': 'wlan1',
        'Calling-Station-Id': PHONE_MAC,
        'Called-Station-Id': 'hotspot-taman',
        'Framed-IP-Address': params.ip,
      });
      expect(request.attributes['Acct-Session-Id']).to.match(/^[0-9a-f]{8}$/);
      expect(request.attributes['Vendor-Specific']).to.deep.equal({ 'Mikrotik-Host-IP': params.ip, 'WISPr-Logoff-URL': `${h.url}logout` });
    }
    expect(mac.attributes['User-Name']).to.equal(PHONE_MAC);
    expect(decryptUserPassword(mac, NAS_SECRET)).to.equal('');
    expect(mac.attributes['CHAP-Password']).to.equal(undefined);

    expect(chap.attributes['User-Name']).to.equal('cw-user');
    expect(chap.attributes['User-Password']).to.equal(undefined);
    const chapId = fromOctalEscapes(params['chap-id'])!;
    const challenge = fromOctalEscapes(params['chap-challenge'])!;
    expect(chap.attributes['CHAP-Challenge'].equals(challenge)).to.equal(true);
    expect(chap.attributes['CHAP-Password'].equals(Buffer.concat([chapId, computeChapResponse(chapId[0], 'secret', challenge)]))).to.equal(true);
  });

  it('a RADIUS server that does not answer is the router\'s "RADIUS server is not responding", back on the portal', async () => {
    await start(false);
    const phone = phoneWithMac(PHONE_MAC);
    const { params } = await reachLoginPage(phone, h.url);
    const back = await phone.post(params['link-login-only'], handoffFields(params, 'cw-user', 'secret'), { followRefresh: false });
    expect(loginPageTarget(back).params.error).to.equal('RADIUS server is not responding');
  });
});
