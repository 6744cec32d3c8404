import { expect } from 'chai';
import { parseForms, PhoneBrowser, textOf, type Page } from '../../helpers/phone-browser.js';
import { loginUrl, seedPortalSite, startPortalFixture, type PortalFixture } from '../../helpers/portal-fixture.js';
import { testDb } from '../../helpers/test-db.js';

function clickThrough(phone: PhoneBrowser, page: Page): Promise<Page> {
  return phone.submit(page, { action: '/login/click' }, { accept_terms: 'yes' }, { followRefresh: false });
}

describe('portal: login rate limits across processes', () => {
  let first: PortalFixture;
  let second: PortalFixture;

  beforeEach(async () => {
    await seedPortalSite();
    const env = { PORTAL_LOGIN_RATE_PER_MINUTE: '3' };
    first = await startPortalFixture({ env });
    second = await startPortalFixture({ env });
  });
  afterEach(async () => {
    await first.close();
    await second.close();
  });

  it('count attempts from one device in the database, so two portal processes share the limit', async () => {
    const phone = new PhoneBrowser();
    const onFirst = await phone.open(loginUrl(first));
    const onSecond = await phone.open(loginUrl(second));
    const results: number[] = [];
    for (const page of [onFirst, onSecond, onFirst]) results.push((await clickThrough(phone, page)).status);
    expect(results).to.deep.equal([200, 200, 200]);

    const refused = await clickThrough(phone, onSecond);
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 60);
    expect(textOf(refused.html)).to.contain('Terlalu banyak percobaan');
    expect(parseForms(refused.html, refused.url).some((f) => f.id === 'handoff')).to.equal(false);
    expect(await testDb()('credentials').count('* as n').first()).to.deep.equal({ n: 3 });

    // Wrong voucher codes count too: guessing codes is what the limit is for.
    const guess = await phone.submit(onFirst, { action: '/login/voucher' }, { code: 'abcdefghjk', accept_terms: 'yes' }, { followRefresh: false });
    expect(guess.status).to.equal(429);

    // A new minute, a new allowance.
    first.clock.advance(61);
    second.clock.advance(61);
    expect((await clickThrough(phone, await phone.open(loginUrl(second)))).status).to.equal(200);
  });

  it('keep another device behind the same address free to log in', async () => {
    const phone = new PhoneBrowser();
    const page = await phone.open(loginUrl(first));
    for (let i = 0; i < 4; i++) await clickThrough(phone, page);
    const neighbour = new PhoneBrowser();
    const theirs = await neighbour.open(loginUrl(second, { mac: 'AA:BB:CC:00:20:99' }));
    expect((await clickThrough(neighbour, theirs)).status).to.equal(200);
  });
});
