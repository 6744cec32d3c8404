import { expect } from 'chai';
import { createSiteCache, findPortalSite } from '../../../../../core/db/queries/portal-sites.js';
import { consumeRatePoints, purgeRateWindows } from '../../../../../core/db/queries/rate-limits.js';
import { fixedClock } from '../../../../../core/domain/clock.js';
import { seedPortalSite, SITE_CODE } from '../../../../helpers/portal-fixture.js';
import { testDb } from '../../../../helpers/test-db.js';

describe('portal queries', () => {
  beforeEach(() => seedPortalSite());

  it('find a site by its code, with its area, methods and the plan\'s remember days', async () => {
    const site = await findPortalSite(testDb(), SITE_CODE);
    expect(site).to.include({ code: SITE_CODE, name: 'Taman Kota 1', areaName: 'Sawah', districtName: 'Ciputat', access: 'open', hotspotHost: '127.0.0.1', rememberDeviceDays: 7 });
    expect(site?.loginMethods).to.deep.equal(['click', 'otp', 'voucher']);
    expect(await findPortalSite(testDb(), 'nobody')).to.equal(undefined);
  });

  it('keep sites in memory for a minute and unknown routers for seconds', async () => {
    const clock = fixedClock('2026-11-23T10:00:00+07:00');
    const cache = createSiteCache(testDb(), { clock, ttlSeconds: 60, missTtlSeconds: 10 });
    expect((await cache.find(SITE_CODE))?.name).to.equal('Taman Kota 1');
    expect(await cache.find('new-router')).to.equal(undefined);
    await testDb()('sites').where({ code: SITE_CODE }).update({ name: 'Taman Kota Satu' });
    await testDb()('sites').insert({ code: 'new-router', name: 'Balai Warga' });

    clock.advance(5);
    expect((await cache.find(SITE_CODE))?.name, 'served from memory').to.equal('Taman Kota 1');
    expect(await cache.find('new-router')).to.equal(undefined);
    clock.advance(6);
    expect((await cache.find('new-router'))?.name, 'a new router is seen within seconds').to.equal('Balai Warga');
    clock.advance(50);
    expect((await cache.find(SITE_CODE))?.name, 'a change is seen within a minute').to.equal('Taman Kota Satu');
  });

  it('count rate points per fixed window, several keys in one statement', async () => {
    const clock = fixedClock('2026-11-23T10:00:00+07:00');
    const windows = [
      { key: 'a', limit: 2, windowSeconds: 60 },
      { key: 'b', limit: 3, windowSeconds: 60 },
    ];
    expect(await consumeRatePoints(testDb(), windows, clock())).to.deep.equal({ allowed: true, retryAfterSeconds: 0 });
    clock.advance(10);
    expect((await consumeRatePoints(testDb(), windows, clock())).allowed).to.equal(true);
    clock.advance(10);
    expect(await consumeRatePoints(testDb(), windows, clock())).to.deep.equal({ allowed: false, retryAfterSeconds: 40 });
    clock.advance(41);
    expect((await consumeRatePoints(testDb(), windows, clock())).allowed).to.equal(true);
    expect(await purgeRateWindows(testDb(), new Date(clock().getTime() + 3600_000))).to.equal(2);
  });
});
