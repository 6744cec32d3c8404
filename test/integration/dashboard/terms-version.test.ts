import { expect } from 'chai';
import { SETTING_CACHE_SECONDS } from '../../../core/db/queries/settings.js';
import { Agent, seedAccounts, startDashboardFixture, type DashboardFixture } from '../../helpers/dashboard-fixture.js';
import { parseForms, PhoneBrowser, textOf, type Page } from '../../helpers/phone-browser.js';
import { loginUrl, OTHER_MAC, PHONE_MAC, seedPortalSite, startPortalFixture, type PortalFixture } from '../../helpers/portal-fixture.js';
import { testDb } from '../../helpers/test-db.js';

/** A phone goes online by click-through; resolves with the terms version recorded with its consent. */
async function clickThrough(portal: PortalFixture, mac: string): Promise<string> {
  const phone = new PhoneBrowser();
  const login: Page = await phone.open(loginUrl(portal, { mac }));
  const form = parseForms(login.html, login.url).find((f) => new URL(f.action).pathname === '/login/click');
  if (!form) throw new Error(`no click-through form: ${textOf(login.html).slice(0, 300)}`);
  const page = await phone.submit(login, { action: '/login/click' }, { accept_terms: 'yes' }, { followRefresh: false });
  expect(page.status, textOf(page.html).slice(0, 300)).to.equal(200);
  const device = await testDb()('devices').where({ mac }).first('terms_version');
  return device.terms_version;
}

describe('dashboard: the terms version an admin sets is the one the portal records', function () {
  this.timeout(60_000);
  let dashboard: DashboardFixture;
  let portal: PortalFixture;
  let admin: Agent;

  beforeEach(async () => {
    await seedPortalSite();
    await testDb()('settings').delete();
    await seedAccounts();
    dashboard = await startDashboardFixture();
    portal = await startPortalFixture();
    admin = new Agent(dashboard.url);
    expect((await admin.signIn('adi')).status).to.equal(303);
  });
  afterEach(async () => {
    await Promise.all([dashboard.close(), portal.close()]);
    // the setting outlives resetTables: leave the next tests on PORTAL_TERMS_VERSION
    await testDb()('settings').delete();
  });

  it('sets a new version in the dashboard; every consent in the portal records it from then on, and the page counts consents per version', async () => {
    expect(await clickThrough(portal, PHONE_MAC)).to.equal('2026-11');

    await admin.get('/admin/terms');
    const set = await admin.post('/admin/terms', { version: '2027-01' });
    expect(set.status).to.equal(303);
    expect(set.response.headers.get('location')).to.equal('/admin/terms?done=set');
    const page = await admin.get('/admin/terms?done=set');
    expect(page.body).to.contain('<strong id="terms-version">2027-01</strong>').and.contain('Versi ketentuan diubah.').and.contain('Diatur oleh adi pada');
    expect(await testDb()('audit_log').where({ action: 'terms-version-set' }).select('actor', 'target', 'details')).to.deep.equal([
      { actor: 'adi', target: '2027-01', details: { from: '2026-11', to: '2027-01' } },
    ]);

    // The portal reads the version through its short cache: the change reaches it within SETTING_CACHE_SECONDS.
    portal.clock.advance(SETTING_CACHE_SECONDS);
    expect(await clickThrough(portal, OTHER_MAC)).to.equal('2027-01');
    const terms = await fetch(`${portal.url}/terms`);
    expect(await terms.text()).to.contain('2027-01');

    const counts = await admin.get('/admin/terms');
    expect(counts.body).to.match(/2027-01 \(sekarang\)<\/td><td>1<\/td><td>0<\/td>/);
    expect(counts.body).to.match(/2026-11<\/td><td>1<\/td><td>0<\/td>/);
  });

  it('refuses a malformed version and changes nothing; setting the version in force changes nothing either', async () => {
    await admin.get('/admin/terms');
    for (const version of ['', ' ', 'versi baru', '-2027', 'x'.repeat(41), '2027/01', '<b>1</b>']) {
      const refused = await admin.post('/admin/terms', { version });
      expect(refused.status, version).to.equal(400);
      expect(refused.body).to.contain('Versi harus 1 sampai 40 huruf');
    }
    const same = await admin.post('/admin/terms', { version: '2026-11' });
    expect(same.response.headers.get('location')).to.equal('/admin/terms?done=unchanged');
    expect(await testDb()('settings').count('* as n').first()).to.deep.equal({ n: 0 });
    expect(await testDb()('audit_log').where({ action: 'terms-version-set' }).count('* as n').first()).to.deep.equal({ n: 0 });
    expect(await clickThrough(portal, PHONE_MAC)).to.equal('2026-11');
  });

  it('takes the form only from an admin with the session\'s CSRF token', async () => {
    const engineer = new Agent(dashboard.url);
    await engineer.signIn('eka');
    expect((await engineer.post('/admin/terms', { version: '2027-02' })).status).to.equal(403);
    await admin.get('/admin/terms');
    expect((await admin.post('/admin/terms', { version: '2027-02' }, { csrf: false })).status).to.equal(403);
    expect(await testDb()('settings').count('* as n').first()).to.deep.equal({ n: 0 });
  });
});
