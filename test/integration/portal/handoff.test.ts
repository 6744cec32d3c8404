import { expect } from 'chai';
import { createVoucherBatch } from '../../../core/db/queries/vouchers.js';
import { parseForms, PhoneBrowser, textOf, type Page } from '../../helpers/phone-browser.js';
import {
  loginUrl,
  OTHER_MAC,
  PHONE_MAC,
  portalBox,
  referenceChapResponse,
  seedPortalSite,
  startPortalFixture,
  type PortalFixture,
} from '../../helpers/portal-fixture.js';
import { testDb } from '../../helpers/test-db.js';

function formTo(page: Page, path: string) {
  const form = parseForms(page.html, page.url).find((f) => new URL(f.action).pathname === path);
  if (!form) throw new Error(`no form to ${path} on the page: ${textOf(page.html).slice(0, 300)}`);
  return form;
}

function submitTo(phone: PhoneBrowser, page: Page, path: string, fill: Record<string, string | null> = {}): Promise<Page> {
  formTo(page, path);
  return phone.submit(page, { action: path }, fill, { followRefresh: false });
}

/** The handoff form as the browser would post it to the router. */
function handoff(page: Page) {
  const form = parseForms(page.html, page.url).find((f) => f.id === 'handoff');
  if (!form) throw new Error(`no handoff form: ${textOf(page.html).slice(0, 300)}`);
  return { action: form.action, fields: Object.fromEntries(form.fields.map((f) => [f.name, f.value])), html: form.html };
}

async function clearPassword(username: string): Promise<string> {
  const row = await testDb()('credentials').where({ username }).first('secret_enc');
  return portalBox.decrypt(row.secret_enc);
}

describe('portal: logins and the handoff to the router', () => {
  let portal: PortalFixture;
  let planId: number;

  beforeEach(async () => {
    const seeded = await seedPortalSite();
    planId = seeded.plan.id;
    portal = await startPortalFixture();
  });
  afterEach(() => portal.close());

  it('click-through issues a credential bound to the MAC and answers the handoff form with the CHAP response', async () => {
    const phone = new PhoneBrowser();
    const login = await phone.open(loginUrl(portal));
    const page = await submitTo(phone, login, '/login/click', { accept_terms: 'yes' });
    expect(page.status).to.equal(200);
    const { action, fields, html } = handoff(page);
    expect(action).to.equal('http://10.5.50.1/login');
    expect(fields.username).to.match(/^cw-[a-z0-9]{16}$/);
    expect(fields.dst).to.equal('http://www.example.com/');
    expect(fields.popup).to.equal('false');
    expect(fields.password).to.equal(referenceChapResponse(await clearPassword(fields.username)));
    expect(html).to.match(/<button type="submit"/);
    expect(page.html).to.contain('<script src="/static/handoff.js"');
    expect(page.headers.get('content-security-policy')).to.contain("form-action 'self' http://10.5.50.1");

    const credential = await testDb()('credentials').where({ username: fields.username }).first();
    expect(credential).to.include({ mac: PHONE_MAC, method: 'click', used_at: null });
    expect(new Date(credential.expires_at).getTime() - portal.clock().getTime()).to.equal(180_000);
    const device = await testDb()('devices').where({ mac: PHONE_MAC }).first();
    expect(credential.device_id).to.equal(device.id);
    expect(device.terms_version).to.equal('2026-11');
    expect(new Date(device.consent_at).getTime()).to.equal(portal.clock().getTime());
    expect(new Date(device.remembered_until).getTime()).to.equal(portal.clock().getTime() + 7 * 86400_000);
  });

  it('posts the plain password when the router has CHAP off (PAP)', async () => {
    const phone = new PhoneBrowser();
    const login = await phone.open(loginUrl(portal, { 'chap-id': '', 'chap-challenge': '' }));
    const { fields } = handoff(await submitTo(phone, login, '/login/click', { accept_terms: 'yes' }));
    expect(fields.password).to.equal(await clearPassword(fields.username));
  });

  it('asks for the terms to be accepted before anything is issued', async () => {
    const phone = new PhoneBrowser();
    const login = await phone.open(loginUrl(portal));
    const page = await submitTo(phone, login, '/login/click', { accept_terms: null });
    expect(page.status).to.equal(400);
    expect(textOf(page.html)).to.contain('Centang persetujuan');
    expect(await testDb()('credentials').count('* as n').first()).to.deep.equal({ n: 0 });
  });

  it('a voucher issues a credential tied to it and locks it to the first device; another device is told why', async () => {
    const { codes } = await createVoucherBatch(testDb(), portalBox, { planName: 'warga', count: 1, validForSeconds: 86400, lockToFirstMac: true });
    const typed = `${codes[0].slice(0, 5).toUpperCase()}-${codes[0].slice(5)}`;
    const phone = new PhoneBrowser();
    const login = await phone.open(loginUrl(portal));
    const page = await submitTo(phone, login, '/login/voucher', { code: typed, accept_terms: 'yes' });
    const { fields } = handoff(page);
    expect(fields.password).to.equal(referenceChapResponse(await clearPassword(fields.username)));
    const credential = await testDb()('credentials').where({ username: fields.username }).first();
    const voucher = await testDb()('vouchers').first();
    expect(credential).to.include({ method: 'voucher', voucher_id: voucher.id, plan_id: planId, mac: PHONE_MAC });
    expect(voucher.locked_mac).to.equal(PHONE_MAC);
    expect(new Date(voucher.expires_at).getTime()).to.equal(portal.clock().getTime() + 86400_000);

    // The same phone may use it again while it is valid.
    const again = await submitTo(phone, await phone.open(loginUrl(portal)), '/login/voucher', { code: codes[0], accept_terms: 'yes' });
    expect(handoff(again).fields.username).to.match(/^cw-/);

    const other = new PhoneBrowser();
    const otherLogin = await other.open(loginUrl(portal, { mac: OTHER_MAC }));
    const refused = await submitTo(other, otherLogin, '/login/voucher', { code: codes[0], accept_terms: 'yes' });
    expect(refused.status).to.equal(400);
    expect(textOf(refused.html)).to.contain('sudah dipakai di perangkat lain');
    expect(parseForms(refused.html, refused.url).some((f) => f.id === 'handoff')).to.equal(false);

    portal.clock.advance(86401);
    const late = await submitTo(phone, await phone.open(loginUrl(portal)), '/login/voucher', { code: codes[0], accept_terms: 'yes' });
    expect(late.status).to.equal(400);
    expect(textOf(late.html)).to.contain('Masa berlaku voucher ini sudah habis');
  });

  it('refuses an unknown or revoked voucher with a clear message, in English too', async () => {
    const { codes } = await createVoucherBatch(testDb(), portalBox, { planName: 'warga', count: 1, validForSeconds: 3600, lockToFirstMac: true });
    await testDb()('vouchers').update({ revoked: true });
    const phone = new PhoneBrowser({ acceptLanguage: 'en' });
    const login = await phone.open(loginUrl(portal));
    const unknown = await submitTo(phone, login, '/login/voucher', { code: 'zzzzzzzzzz', accept_terms: 'yes' });
    expect(unknown.status).to.equal(400);
    expect(textOf(unknown.html)).to.contain('This voucher code is not known');
    const revoked = await submitTo(phone, login, '/login/voucher', { code: codes[0], accept_terms: 'yes' });
    expect(textOf(revoked.html)).to.contain('no longer valid');
    expect(await testDb()('credentials').count('* as n').first()).to.deep.equal({ n: 0 });
  });

  it('offers "continue" to a remembered device and issues a continue credential', async () => {
    const phone = new PhoneBrowser();
    await submitTo(phone, await phone.open(loginUrl(portal)), '/login/click', { accept_terms: 'yes' });
    const back = await phone.open(loginUrl(portal));
    const page = await submitTo(phone, back, '/login/continue');
    const { fields } = handoff(page);
    const credential = await testDb()('credentials').where({ username: fields.username }).first();
    expect(credential.method).to.equal('continue');

    // A device no longer remembered is told to sign in again.
    await testDb()('devices').update({ remembered_until: new Date(portal.clock().getTime() - 1000) });
    const refused = await submitTo(phone, await phone.open(loginUrl(portal)), '/login/continue');
    expect(refused.status).to.equal(400);
    expect(textOf(refused.html)).to.contain('Silakan masuk lagi');
  });

  it('refuses a form without a valid CSRF token, and a forged or expired router context', async () => {
    const phone = new PhoneBrowser();
    const login = await phone.open(loginUrl(portal));
    const noToken = await submitTo(phone, login, '/login/click', { accept_terms: 'yes', _csrf: null });
    expect(noToken.status).to.equal(403);
    expect(textOf(noToken.html)).to.contain('Formulir ini sudah kedaluwarsa');

    // Another browser's cookie does not go with this page's token.
    const stranger = new PhoneBrowser();
    await stranger.open(loginUrl(portal));
    const crossSite = await submitTo(stranger, login, '/login/click', { accept_terms: 'yes' });
    expect(crossSite.status).to.equal(403);

    const ctx = formTo(login, '/login/click').fields.find((f) => f.name === 'ctx')!.value;
    const tampered = await submitTo(phone, login, '/login/click', { accept_terms: 'yes', ctx: ctx.replace(/.(?=\.[^.]+$)/, (c) => (c === 'A' ? 'B' : 'A')) });
    expect(tampered.status).to.equal(400);

    portal.clock.advance(31 * 60);
    const expired = await submitTo(phone, login, '/login/click', { accept_terms: 'yes' });
    expect(expired.status).to.equal(400);
    expect(textOf(expired.html)).to.contain('kedaluwarsa');
    expect(await testDb()('credentials').count('* as n').first()).to.deep.equal({ n: 0 });
  });
});
