import { expect } from 'chai';
import { PhoneBrowser, textOf } from '../../helpers/phone-browser.js';
import { loginUrl, seedPortalSite, startPortalFixture, type PortalFixture } from '../../helpers/portal-fixture.js';

/** The value of one sample line (`name{labels} value`) of a Prometheus text page, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('portal: Prometheus metrics', () => {
  let portal: PortalFixture;

  beforeEach(async () => {
    await seedPortalSite();
    portal = await startPortalFixture();
  });
  afterEach(() => portal.close());

  async function scrape(): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${portal.metricsPort}/metrics`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/plain/);
    return response.text();
  }

  it('count page views, logins and unknown URLs by route, on their own listener only', async () => {
    expect(portal.metricsPort).to.be.a('number').and.not.equal(portal.port);

    const phone = new PhoneBrowser();
    const login = await phone.open(loginUrl(portal));
    expect(login.status, textOf(login.html)).to.equal(200);
    const handoff = await phone.submit(login, { action: '/login/click' }, { accept_terms: 'yes' }, { followRefresh: false });
    expect(handoff.status, textOf(handoff.html)).to.equal(200);
    expect(handoff.html).to.match(/id="handoff"/);
    const unknown = await fetch(`${portal.url}/no-such-page?mac=AA:BB:CC:00:20:01`);
    expect(unknown.status).to.equal(404);
    await unknown.text();
    const css = await fetch(`${portal.url}/static/portal.css`);
    expect(css.status).to.equal(200);
    await css.text();

    // Citizens reach the public port: it does not serve the metrics.
    const onPublic = await fetch(`${portal.url}/metrics`);
    expect(onPublic.status).to.equal(404);
    await onPublic.text();

    const text = await scrape();
    expect(sample(text, 'citywifi_portal_requests_total{route="/login",method="GET",status="200"}')).to.equal(1);
    expect(sample(text, 'citywifi_portal_requests_total{route="/login/click",method="POST",status="200"}')).to.equal(1);
    expect(sample(text, 'citywifi_portal_requests_total{route="not-found",method="GET",status="404"}')).to.equal(2);
    expect(sample(text, 'citywifi_portal_requests_total{route="static",method="GET",status="200"}')).to.equal(1);
    expect(sample(text, 'citywifi_portal_request_duration_seconds_count{route="/login"}')).to.equal(1);
    expect(sample(text, 'citywifi_portal_request_duration_seconds_count{route="/login/click"}')).to.equal(1);
    expect(sample(text, 'citywifi_portal_logins_total{method="click",result="issued"}')).to.equal(1);
    expect(text).to.match(/^citywifi_portal_process_cpu_user_seconds_total \d/m);
    expect(text).to.match(/^# TYPE citywifi_portal_otp_sent_total counter$/m);
    expect(text).to.match(/^# TYPE citywifi_portal_rate_limited_total counter$/m);
    expect(sample(text, 'citywifi_portal_rate_limited_total')).to.equal(0);

    // Route labels are route paths, never URLs with the router's variables.
    const routes = [...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]);
    expect([...new Set(routes)].sort()).to.deep.equal(['/login', '/login/click', 'not-found', 'static']);
    expect(text).not.to.match(/mac=|\?|no-such-page/);

    const other = await fetch(`http://127.0.0.1:${portal.metricsPort}/other`);
    expect(other.status).to.equal(404);
    await other.text();
  });

  it('count one-time codes sent, failed and limited, refused logins and rate-limit refusals', async () => {
    await portal.close();
    portal = await startPortalFixture({ env: { PORTAL_LOGIN_RATE_PER_MINUTE: '3' } });
    const phone = new PhoneBrowser();
    const login = await phone.open(loginUrl(portal));
    const codePage = await phone.submit(login, { action: '/login/otp' }, { phone: '0812 3456 7890', accept_terms: 'yes' });
    expect(codePage.status, textOf(codePage.html)).to.equal(200);
    const code = portal.sender.lastCodeFor('+6281234567890')!;
    const wrong = await phone.submit(codePage, { action: '/login/otp/verify' }, { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status, textOf(wrong.html)).to.equal(400);
    // Within the cooldown: no code, a 429 from the code limits (not the login rate limit).
    const resend = await phone.submit(wrong, { action: '/login/otp/resend' }, {});
    expect(resend.status, textOf(resend.html)).to.equal(429);
    // The fourth attempt in the minute: the login rate limit.
    const limited = await phone.submit(wrong, { action: '/login/otp/verify' }, { code });
    expect(limited.status, textOf(limited.html)).to.equal(429);
    // "My data" with a gateway that does not answer.
    portal.sender.fail = { ok: false, reason: 'gateway-timeout', detail: 'no answer' };
    const start = await phone.open(`${portal.url}/my-data`);
    const failed = await phone.submit(start, { action: '/my-data' }, { phone: '0857 1234 5678' });
    expect(failed.status, textOf(failed.html)).to.equal(503);

    const text = await scrape();
    expect(sample(text, 'citywifi_portal_otp_sent_total{result="sent"}')).to.equal(1);
    expect(sample(text, 'citywifi_portal_otp_sent_total{result="limited"}')).to.equal(1);
    expect(sample(text, 'citywifi_portal_otp_sent_total{result="failed"}')).to.equal(1);
    expect(sample(text, 'citywifi_portal_logins_total{method="otp",result="refused"}')).to.equal(1);
    expect(sample(text, 'citywifi_portal_logins_total{method="otp",result="issued"}')).to.equal(undefined);
    expect(sample(text, 'citywifi_portal_rate_limited_total')).to.equal(1);
    expect(sample(text, 'citywifi_portal_requests_total{route="/login/otp/resend",method="POST",status="429"}')).to.equal(1);
    expect(sample(text, 'citywifi_portal_requests_total{route="/login/otp/verify",method="POST",status="429"}')).to.equal(1);
    expect(sample(text, 'citywifi_portal_requests_total{route="/my-data",method="POST",status="503"}')).to.equal(1);
  });
});
