import { expect } from 'chai';
import { issueCredential } from '../../../core/db/queries/credentials.js';
import { rememberDevice } from '../../../core/db/queries/devices.js';
import { createVoucherBatch } from '../../../core/db/queries/vouchers.js';
import { CODE } from '../../../core/radius/index.js';
import { box, hotspotAttributes, seedBasics, startFixture, type RadiusFixture } from '../../helpers/radius-fixture.js';
import { testDb } from '../../helpers/test-db.js';

const PHONE_MAC = 'AA:BB:CC:00:00:01';
const OTHER_MAC = 'AA:BB:CC:00:00:02';

describe('RADIUS logins', () => {
  let f: RadiusFixture;
  let planId: number;

  beforeEach(async () => {
    const seeded = await seedBasics();
    planId = seeded.plan.id;
    f = await startFixture();
  });
  afterEach(() => f.stop());

  describe('one-time credential from the portal', () => {
    it('is accepted once by CHAP with the plan\'s limits, then refused', async () => {
      const cred = await issueCredential(testDb(), box, { mac: PHONE_MAC, method: 'click', planId, ttlSeconds: 300, now: f.clock() });
      const first = await f.auth(hotspotAttributes(cred.username, PHONE_MAC), { chap: { password: cred.password } });
      expect(first.code).to.equal(CODE.ACCESS_ACCEPT);
      expect(first.attributes['Session-Timeout']).to.equal(7200);
      expect(first.attributes['Idle-Timeout']).to.equal(600);
      expect(first.attributes['Acct-Interim-Interval']).to.equal(300);
      expect(first.attributes['Vendor-Specific']['Mikrotik-Rate-Limit']).to.equal('2M/5M');

      const again = await f.auth(hotspotAttributes(cred.username, PHONE_MAC), { chap: { password: cred.password } });
      expect(again.code).to.equal(CODE.ACCESS_REJECT);
      expect(again.attributes['Reply-Message']).to.match(/sudah dipakai/);
    });

    it('is accepted by PAP too', async () => {
      const cred = await issueCredential(testDb(), box, { mac: PHONE_MAC, method: 'click', planId, ttlSeconds: 300, now: f.clock() });
      const reply = await f.auth(hotspotAttributes(cred.username, PHONE_MAC), { userPassword: cred.password });
      expect(reply.code).to.equal(CODE.ACCESS_ACCEPT);
    });

    it('is refused on another device, and the message says why', async () => {
      const cred = await issueCredential(testDb(), box, { mac: PHONE_MAC, method: 'click', planId, ttlSeconds: 300, now: f.clock() });
      const reply = await f.auth(hotspotAttributes(cred.username, OTHER_MAC), { chap: { password: cred.password } });
      expect(reply.code).to.equal(CODE.ACCESS_REJECT);
      expect(reply.attributes['Reply-Message']).to.match(/perangkat lain/);
    });

    it('is refused after it expires', async () => {
      const cred = await issueCredential(testDb(), box, { mac: PHONE_MAC, method: 'click', planId, ttlSeconds: 300, now: f.clock() });
      f.clock.advance(301);
      const reply = await f.auth(hotspotAttributes(cred.username, PHONE_MAC), { chap: { password: cred.password } });
      expect(reply.code).to.equal(CODE.ACCESS_REJECT);
      expect(reply.attributes['Reply-Message']).to.match(/habis/);
    });

    it('is refused with a wrong CHAP response', async () => {
      const cred = await issueCredential(testDb(), box, { mac: PHONE_MAC, method: 'click', planId, ttlSeconds: 300, now: f.clock() });
      const reply = await f.auth(hotspotAttributes(cred.username, PHONE_MAC), { chap: { password: 'not-it' } });
      expect(reply.code).to.equal(CODE.ACCESS_REJECT);
      expect(reply.attributes['Reply-Message']).to.equal('Kode atau kata sandi salah. Silakan coba lagi.');
    });
  });

  describe('MAC login of a remembered device', () => {
    it('goes online without the portal while remembered, and not after', async () => {
      await rememberDevice(testDb(), { mac: PHONE_MAC, planId, until: new Date(f.clock().getTime() + 86400_000), now: f.clock() });
      const ok = await f.auth(hotspotAttributes(PHONE_MAC, PHONE_MAC), { userPassword: '' });
      expect(ok.code).to.equal(CODE.ACCESS_ACCEPT);
      expect(ok.attributes['Session-Timeout']).to.equal(7200);

      f.clock.advance(86401);
      const late = await f.auth(hotspotAttributes(PHONE_MAC, PHONE_MAC), { userPassword: '' });
      expect(late.code).to.equal(CODE.ACCESS_REJECT);
      expect(late.attributes['Reply-Message']).to.match(/halaman login/);
    });

    it('refuses a device never seen', async () => {
      const reply = await f.auth(hotspotAttributes(OTHER_MAC, OTHER_MAC), { userPassword: '' });
      expect(reply.code).to.equal(CODE.ACCESS_REJECT);
    });
  });

  describe('vouchers', () => {
    it('start their validity at first use and stay locked to the first device', async () => {
      const { codes } = await createVoucherBatch(testDb(), box, { planName: 'warga', count: 1, validForSeconds: 3600, lockToFirstMac: true });
      const code = codes[0];
      const first = await f.auth(hotspotAttributes(code, PHONE_MAC), { chap: { password: code } });
      expect(first.code).to.equal(CODE.ACCESS_ACCEPT);
      const row = await testDb()('vouchers').first();
      expect(new Date(row.first_used_at).getTime()).to.equal(f.clock().getTime());
      expect(new Date(row.expires_at).getTime()).to.equal(f.clock().getTime() + 3600_000);
      expect(row.locked_mac).to.equal(PHONE_MAC);

      const elsewhere = await f.auth(hotspotAttributes(code, OTHER_MAC), { chap: { password: code } });
      expect(elsewhere.code).to.equal(CODE.ACCESS_REJECT);
      expect(elsewhere.attributes['Reply-Message']).to.match(/perangkat lain/);

      const again = await f.auth(hotspotAttributes(code.toUpperCase(), PHONE_MAC), { userPassword: code.toUpperCase() });
      expect(again.code).to.equal(CODE.ACCESS_ACCEPT);

      f.clock.advance(3601);
      const expired = await f.auth(hotspotAttributes(code, PHONE_MAC), { chap: { password: code } });
      expect(expired.code).to.equal(CODE.ACCESS_REJECT);
      expect(expired.attributes['Reply-Message']).to.match(/voucher sudah habis/);
    });

    it('never writes the code into the login log', async () => {
      const { codes } = await createVoucherBatch(testDb(), box, { planName: 'warga', count: 1, validForSeconds: 3600, lockToFirstMac: false });
      await f.auth(hotspotAttributes(codes[0], PHONE_MAC), { chap: { password: codes[0] } });
      await f.stop();
      f = await startFixture();
      const rows = await testDb()('post_auth_log').select('username', 'result');
      expect(rows).to.have.length(1);
      expect(rows[0].username).to.match(/^voucher#\d+$/);
      expect(rows[0].result).to.equal('accept');
    });
  });

  describe('named accounts', () => {
    it('log in by PAP and by CHAP, and a wrong password is refused', async () => {
      expect((await f.auth(hotspotAttributes('petugas', PHONE_MAC), { userPassword: 'rahasia-petugas' })).code).to.equal(CODE.ACCESS_ACCEPT);
      expect((await f.auth(hotspotAttributes('petugas', PHONE_MAC), { chap: { password: 'rahasia-petugas' } })).code).to.equal(CODE.ACCESS_ACCEPT);
      const wrong = await f.auth(hotspotAttributes('petugas', PHONE_MAC), { userPassword: 'tebakan' });
      expect(wrong.code).to.equal(CODE.ACCESS_REJECT);
      expect(wrong.attributes['Reply-Message']).to.match(/salah/);
    });

    it('an unknown user is refused with the same words as a wrong password', async () => {
      const reply = await f.auth(hotspotAttributes('nobody', PHONE_MAC), { userPassword: 'x' });
      expect(reply.code).to.equal(CODE.ACCESS_REJECT);
      expect(reply.attributes['Reply-Message']).to.equal('Kode atau kata sandi salah. Silakan coba lagi.');
    });
  });
});
