import { expect } from 'chai';
import { loginUrl, portalBox, seedPortalSite, startPortalFixture, type PortalFixture } from '../../helpers/portal-fixture.js';
import { csrfTokenFor } from '../../../portal/csrf.js';

/** The hidden value of a field in the page's first form that has it. */
function hidden(html: string, name: string): string | undefined {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
}

describe('portal: the pre-rendered login page served ahead of the other layers', () => {
  let portal: PortalFixture;

  beforeEach(async () => {
    await seedPortalSite();
    portal = await startPortalFixture();
  });
  afterEach(() => portal.close());

  it('answers a repeated view with the same page and headers as the first, its own tokens and CSRF cookie', async () => {
    const first = await fetch(loginUrl(portal), { headers: { 'accept-language': 'en-US,en;q=0.9' } });
    const firstHtml = await first.text();
    const second = await fetch(loginUrl(portal), { headers: { 'accept-language': 'en-US,en;q=0.9' } });
    const secondHtml = await second.text();
    expect(second.status).to.equal(200);
    expect(secondHtml).to.match(/<html lang="en">/);
    for (const name of ['content-security-policy', 'x-frame-options', 'x-content-type-options', 'referrer-policy', 'cache-control', 'content-type']) {
      expect(second.headers.get(name), name).to.equal(first.headers.get(name));
    }
    const cookie = /^cw_csrf=([0-9a-f]{32}); Path=\/; HttpOnly; SameSite=Lax$/.exec(second.headers.get('set-cookie') ?? '');
    expect(cookie, 'a CSRF cookie as res.cookie writes it').to.not.equal(null);
    expect(hidden(secondHtml, '_csrf')).to.equal(csrfTokenFor(portalBox, cookie![1]));
    const strip = (html: string) => html.replace(/cw_csrf=[^&"]*|value="[^"]*"|ctx=[^&"]*/g, '');
    expect(strip(secondHtml)).to.equal(strip(firstHtml));
    expect(Number(second.headers.get('content-length'))).to.equal(Buffer.byteLength(secondHtml));

    // A phone that already has the cookie keeps it, and its token matches it.
    const again = await fetch(loginUrl(portal), { headers: { cookie: `cw_csrf=${cookie![1]}` } });
    const againHtml = await again.text();
    expect(again.headers.get('set-cookie')).to.equal(null);
    expect(hidden(againHtml, '_csrf')).to.equal(csrfTokenFor(portalBox, cookie![1]));
    expect(againHtml).to.match(/<html lang="id">/);
  });
});
