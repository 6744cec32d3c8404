import { expect } from 'chai';
import { parseForms, PhoneBrowser, textOf } from '../../helpers/phone-browser.js';
import { loginUrl, seedPortalSite, SITE_CODE, startPortalFixture, type PortalFixture } from '../../helpers/portal-fixture.js';
import { testDb } from '../../helpers/test-db.js';

describe('portal: the login page', () => {
  let portal: PortalFixture;

  beforeEach(async () => {
    await seedPortalSite();
    portal = await startPortalFixture();
  });
  afterEach(() => portal.close());

  it('shows the site, its area and its login methods for the router\'s variables, in Bahasa Indonesia', async () => {
    const page = await new PhoneBrowser().open(loginUrl(portal));
    expect(page.status).to.equal(200);
    expect(page.html).to.match(/<html lang="id">/);
    const text = textOf(page.html);
    expect(text).to.contain('Taman Kota 1');
    expect(text).to.contain('Sawah, Kecamatan Ciputat');
    expect(text).to.contain('Hubungkan');
    const actions = parseForms(page.html, page.url).map((f) => new URL(f.action).pathname);
    expect(actions).to.include.members(['/login/click', '/login/otp', '/login/voucher']);
    for (const form of parseForms(page.html, page.url)) {
      expect(form.names, form.action).to.include.members(['ctx', '_csrf']);
    }
  });

  it('also takes the variables as a form post (the router\'s login.html with JavaScript off)', async () => {
    const vars = Object.fromEntries(new URL(loginUrl(portal)).searchParams);
    const page = await new PhoneBrowser().post(`${portal.url}/login`, vars);
    expect(page.status).to.equal(200);
    expect(textOf(page.html)).to.contain('Taman Kota 1');
  });

  it('finds the site through the NAS identifier too', async () => {
    const site = await testDb()('sites').where({ code: SITE_CODE }).first('id');
    await testDb()('nas').insert({ name: 'r1', address: '10.20.0.7', secret_enc: 'x', site_id: site.id, nas_identifier: 'MikroTik-Pamulang' });
    const page = await new PhoneBrowser().open(loginUrl(portal, { identity: 'MikroTik-Pamulang' }));
    expect(page.status).to.equal(200);
    expect(textOf(page.html)).to.contain('Taman Kota 1');
  });

  it('offers only the methods the site allows', async () => {
    await testDb()('sites').where({ code: SITE_CODE }).update({ login_methods: ['voucher'] });
    const page = await new PhoneBrowser().open(loginUrl(portal));
    const actions = parseForms(page.html, page.url).map((f) => new URL(f.action).pathname);
    expect(actions).to.deep.equal(['/login/voucher']);
  });

  it('tells a phone at an unknown router so, plainly', async () => {
    const page = await new PhoneBrowser().open(loginUrl(portal, { identity: 'router-nobody-knows' }));
    expect(page.status).to.equal(404);
    expect(textOf(page.html)).to.contain('Lokasi WiFi tidak dikenal');
    expect(parseForms(page.html, page.url)).to.have.length(0);
  });

  it('is sent with a strict content security policy, no inline script and nothing from another host', async () => {
    const page = await new PhoneBrowser().open(loginUrl(portal));
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).to.contain("script-src 'self'");
    expect(csp).to.contain("default-src 'self'");
    expect(csp).not.to.contain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(page.headers.get('cache-control')).to.contain('no-store');
    expect(page.html).not.to.match(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(page.html).not.to.match(/\son[a-z]+=/i);
    for (const m of page.html.matchAll(/\s(?:src|href)="([^"]*)"/g)) {
      expect(m[1].startsWith('/') || m[1].startsWith('#'), m[1]).to.equal(true);
    }
  });

  it('weighs, with everything it loads, well under 60 KB', async () => {
    const phone = new PhoneBrowser();
    const page = await phone.open(loginUrl(portal));
    let total = Buffer.byteLength(page.html);
    for (const m of page.html.matchAll(/<(?:link[^>]*href|script[^>]*src)="([^"]+)"/g)) {
      const asset = await fetch(new URL(m[1], page.url));
      expect(asset.status, m[1]).to.equal(200);
      total += (await asset.arrayBuffer()).byteLength;
    }
    expect(total).to.be.below(60 * 1024);
  });

  it('refuses a link-login-only that is not the router, and a destination that is not http(s)', async () => {
    const cases: Array<Record<string, string>> = [
      { 'link-login-only': 'http://evil.example/login' },
      { 'link-login-only': 'https://8.8.8.8/login' },
      { 'link-orig': 'javascript:alert(1)' },
    ];
    for (const over of cases) {
      const page = await new PhoneBrowser().open(loginUrl(portal, over));
      expect(page.status, JSON.stringify(over)).to.equal(400);
      expect(textOf(page.html)).to.contain('tidak sah');
      expect(parseForms(page.html, page.url)).to.have.length(0);
    }
  });

  it('accepts the site\'s registered hotspot host name as link-login-only', async () => {
    await testDb()('sites').where({ code: SITE_CODE }).update({ hotspot_host: 'hotspot.taman.example' });
    const page = await new PhoneBrowser().open(loginUrl(portal, { 'link-login-only': 'http://hotspot.taman.example/login' }));
    expect(page.status).to.equal(200);
  });

  it('speaks English from Accept-Language, and on request with ?lang=en kept in a cookie', async () => {
    const english = await new PhoneBrowser({ acceptLanguage: 'en-US,en;q=0.9' }).open(loginUrl(portal));
    expect(english.html).to.match(/<html lang="en">/);
    expect(textOf(english.html)).to.contain('Welcome to free WiFi');

    const french = await new PhoneBrowser({ acceptLanguage: 'fr-FR,fr;q=0.9' }).open(loginUrl(portal));
    expect(french.html).to.match(/<html lang="id">/);

    const phone = new PhoneBrowser();
    const asked = await phone.open(`${loginUrl(portal)}&lang=en`);
    expect(textOf(asked.html)).to.contain('Welcome to free WiFi');
    const later = await phone.open(loginUrl(portal));
    expect(textOf(later.html)).to.contain('Welcome to free WiFi');
    const back = await phone.open(`${loginUrl(portal)}&lang=id`);
    expect(textOf(back.html)).to.contain('Selamat datang');
  });

  it('shows the router\'s error, translated where the text is known, escaped where not', async () => {
    const quota = 'Kuota waktu internet Anda hari ini sudah habis. Silakan kembali besok.';
    const id = await new PhoneBrowser().open(loginUrl(portal, { error: quota }));
    expect(textOf(id.html)).to.contain(quota);
    const en = await new PhoneBrowser({ acceptLanguage: 'en' }).open(loginUrl(portal, { error: quota }));
    expect(textOf(en.html)).to.contain('Your internet time for today is used up');
    expect(textOf(en.html)).not.to.contain('Kuota');

    const stock = await new PhoneBrowser().open(loginUrl(portal, { error: 'invalid username or password' }));
    expect(textOf(stock.html)).to.contain('Kode atau kata sandi salah');

    const odd = await new PhoneBrowser().open(loginUrl(portal, { error: '<b>router says</b>' }));
    expect(odd.html).to.contain('&lt;b&gt;router says&lt;/b&gt;');
    expect(odd.html).not.to.contain('<b>router says</b>');
  });

  it('answers bad input with a 4xx page in Bahasa Indonesia, never a stack trace', async () => {
    const phone = new PhoneBrowser();
    const repeated = await phone.open(`${loginUrl(portal)}&mac=AA:BB:CC:00:00:09`);
    expect(repeated.status).to.equal(400);
    expect(textOf(repeated.html)).to.contain('tidak bisa diproses');

    const noMac = await phone.open(loginUrl(portal, { mac: '---' }));
    expect(noMac.status).to.equal(400);
    expect(textOf(noMac.html)).to.contain('alamat perangkat');

    const badUri = await fetch(`${portal.url}/login?identity=%E0%A4%A`);
    expect(badUri.status).to.be.within(400, 499);

    const huge = await fetch(`${portal.url}/report`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `comment=${'x'.repeat(20_000)}`,
    });
    expect(huge.status).to.equal(413);
    const hugeText = await huge.text();
    expect(textOf(hugeText)).to.contain('terlalu panjang');

    const missing = await phone.open(`${portal.url}/no-such-page`);
    expect(missing.status).to.equal(404);
    expect(textOf(missing.html)).to.contain('Halaman ini tidak ada');

    for (const html of [repeated.html, noMac.html, hugeText, missing.html]) {
      expect(html).not.to.match(/\bat [\w.<>]+ \(|node_modules|Error:/);
    }
  });

  it('serves the terms and the privacy notice in both languages', async () => {
    const terms = await new PhoneBrowser().open(`${portal.url}/terms`);
    expect(terms.status).to.equal(200);
    expect(textOf(terms.html)).to.contain('Versi 2026-11');
    const privacy = await new PhoneBrowser().open(`${portal.url}/privacy?lang=en`);
    expect(textOf(privacy.html)).to.contain('Law No. 27 of 2022');
  });
});
