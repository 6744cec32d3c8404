import { expect } from 'chai';
import { recordPortalLogin } from '../../../core/db/queries/credentials.js';
import { consumeRatePoints, type RateWindow } from '../../../core/db/queries/rate-limits.js';
import { fixedClock } from '../../../core/domain/clock.js';
import { PHONE_MAC, portalBox, seedPortalSite, SITE_CODE } from '../../helpers/portal-fixture.js';
import { testDb } from '../../helpers/test-db.js';

describe('portal: a login\'s writes in one statement', () => {
  beforeEach(() => seedPortalSite());

  it('count a window spread over several rows as one: the limit holds whichever row a point lands in', async () => {
    const clock = fixedClock('2026-11-23T10:00:00+07:00');
    const windows: RateWindow[] = [{ key: 'login-address:x', limit: 5, windowSeconds: 60, shards: 4 }];
    for (let i = 0; i < 5; i++) expect((await consumeRatePoints(testDb(), windows, clock())).allowed, `point ${i + 1}`).to.equal(true);
    clock.advance(10);
    const refused = await consumeRatePoints(testDb(), windows, clock());
    expect(refused.allowed).to.equal(false);
    expect(refused.retryAfterSeconds).to.be.within(1, 60);
    const rows = await testDb()('rate_limits').select('key', 'points');
    expect(rows.every((r: { key: string }) => /^login-address:x:[0-3]$/.test(r.key))).to.equal(true);
    expect(rows.reduce((n: number, r: { points: number }) => n + Number(r.points), 0)).to.equal(6);
    clock.advance(61);
    expect((await consumeRatePoints(testDb(), windows, clock())).allowed, 'a new window').to.equal(true);
  });

  it('record the device and the credential when the limits allow it, and nothing but the points when not', async () => {
    const clock = fixedClock('2026-11-23T10:00:00+07:00');
    const site = await testDb()('sites').where({ code: SITE_CODE }).first('id');
    const input = {
      windows: [
        { key: 'login:a', limit: 1, windowSeconds: 60 },
        { key: 'login-address:a', limit: 10, windowSeconds: 60, shards: 8 },
      ],
      mac: PHONE_MAC,
      method: 'click' as const,
      siteId: Number(site.id),
      rememberUntil: new Date(clock().getTime() + 7 * 86400_000),
      consent: { termsVersion: '2026-11', at: clock() },
      ttlSeconds: 300,
      now: clock(),
    };
    const first = await recordPortalLogin(testDb(), portalBox, input);
    expect(first.allowed).to.equal(true);
    if (!first.allowed) return;
    const device = await testDb()('devices').where({ mac: PHONE_MAC }).first();
    expect(Number(device.id)).to.equal(first.deviceId);
    expect(device.terms_version).to.equal('2026-11');
    const credential = await testDb()('credentials').where({ username: first.credential.username }).first();
    expect(credential).to.include({ mac: PHONE_MAC, method: 'click', site_id: Number(site.id) });
    expect(Number(credential.device_id)).to.equal(first.deviceId);
    expect(portalBox.decrypt(credential.secret_enc)).to.equal(first.credential.password);

    const second = await recordPortalLogin(testDb(), portalBox, input);
    expect(second.allowed).to.equal(false);
    expect(await testDb()('credentials').count('* as n').first()).to.deep.equal({ n: 1 });
  });
});
