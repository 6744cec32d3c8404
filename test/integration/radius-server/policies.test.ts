import { expect } from 'chai';
import { issueCredential } from '../../../core/db/queries/credentials.js';
import { rememberDevice, setDeviceBlocked } from '../../../core/db/queries/devices.js';
import { CODE } from '../../../core/radius/index.js';
import { box, hotspotAttributes, seedBasics, startFixture, type RadiusFixture } from '../../helpers/radius-fixture.js';
import { testDb } from '../../helpers/test-db.js';

const MAC = 'AA:BB:CC:00:00:11';
const MAC2 = 'AA:BB:CC:00:00:12';

async function addSite(fields: Record<string, unknown>): Promise<number> {
  const [row] = await testDb()('sites')
    .insert({ code: 'TS-PAMULANG-001', name: 'Taman Pamulang', area_code: '36.74.06.1001', ...fields })
    .returning('id');
  await testDb()('nas').update({ site_id: row.id, updated_at: new Date() });
  return row.id;
}

async function credentialLogin(f: RadiusFixture, planId: number, mac = MAC, extra: Record<string, unknown> = {}) {
  const cred = await issueCredential(testDb(), box, { mac, method: 'click', planId, ttlSeconds: 300, now: f.clock(), ...extra });
  return f.auth(hotspotAttributes(cred.username, mac), { chap: { password: cred.password } });
}

/** One accounting cycle as the router would send it: Start, then Stop with the time and bytes used. */
async function useSession(f: RadiusFixture, acctSessionId: string, mac: string, classValue: string, seconds: number, bytes = 0) {
  const base = hotspotAttributes('someone', mac, [['Acct-Session-Id', acctSessionId], ['Class', classValue]]);
  await f.acct([...base, ['Acct-Status-Type', 'Start']]);
  f.clock.advance(seconds);
  await f.acct([
    ...base,
    ['Acct-Status-Type', 'Stop'],
    ['Acct-Session-Time', seconds],
    ['Acct-Input-Octets', Math.floor(bytes / 2)],
    ['Acct-Output-Octets', bytes - Math.floor(bytes / 2)],
    ['Acct-Terminate-Cause', 'User-Request'],
  ]);
}

describe('RADIUS login policies', () => {
  let f: RadiusFixture | undefined;
  afterEach(async () => {
    await f?.stop();
    f = undefined;
  });

  it('time used earlier today shortens the next Session-Timeout, and none left is refused', async () => {
    const { plan } = await seedBasics({ dailyTime: 3600, sessionTimeout: 7200 });
    f = await startFixture({ now: '2026-11-23T09:00:00+07:00' });
    const deviceId = await rememberDevice(testDb(), { mac: MAC, planId: plan.id, until: new Date('2026-11-30T00:00:00+07:00'), now: f.clock() });
    const first = await f.auth(hotspotAttributes(MAC, MAC), { userPassword: '' });
    expect(first.code).to.equal(CODE.ACCESS_ACCEPT);
    expect(first.attributes['Session-Timeout']).to.equal(3600);

    await useSession(f, 'sess-1', MAC, first.attributes['Class'].toString(), 1000);
    const second = await f.auth(hotspotAttributes(MAC, MAC), { userPassword: '' });
    expect(second.attributes['Session-Timeout']).to.equal(2600);

    await useSession(f, 'sess-2', MAC, second.attributes['Class'].toString(), 2600);
    const third = await f.auth(hotspotAttributes(MAC, MAC), { userPassword: '' });
    expect(third.code).to.equal(CODE.ACCESS_REJECT);
    expect(third.attributes['Reply-Message']).to.match(/Kuota waktu.*hari ini sudah habis/);

    // A new day in Jakarta (midnight WIB, 17:00 UTC) brings the quota back.
    f.clock.set('2026-11-24T00:00:05+07:00');
    const tomorrow = await f.auth(hotspotAttributes(MAC, MAC), { userPassword: '' });
    expect(tomorrow.code).to.equal(CODE.ACCESS_ACCEPT);
    expect(tomorrow.attributes['Session-Timeout']).to.equal(3600);
    const sessions = await testDb()('sessions').where({ device_id: deviceId });
    expect(sessions).to.have.length(2);
  });

  it('a daily data quota becomes Mikrotik-Total-Limit with gigawords, and is refused when used up', async () => {
    const sixGiB = 6 * 1024 ** 3;
    const { plan } = await seedBasics({ dailyBytes: sixGiB });
    f = await startFixture();
    await rememberDevice(testDb(), { mac: MAC, planId: plan.id, until: new Date(f.clock().getTime() + 86400_000), now: f.clock() });
    const first = await f.auth(hotspotAttributes(MAC, MAC), { userPassword: '' });
    const vsa = first.attributes['Vendor-Specific'];
    expect(vsa['Mikrotik-Total-Limit-Gigawords']).to.equal(1);
    expect(vsa['Mikrotik-Total-Limit']).to.equal(sixGiB - 2 ** 32);

    await useSession(f, 'sess-data', MAC, first.attributes['Class'].toString(), 60, sixGiB);
    const after = await f.auth(hotspotAttributes(MAC, MAC), { userPassword: '' });
    expect(after.code).to.equal(CODE.ACCESS_REJECT);
    expect(after.attributes['Reply-Message']).to.match(/Kuota data/);
  });

  it('simultaneous use counts live sessions on other devices only', async () => {
    const { plan } = await seedBasics({ simultaneousUse: 1 });
    f = await startFixture();
    const [sub] = await testDb()('subscribers').insert({ phone_enc: box.encrypt('+628111'), phone_hash: box.keyedHash('+628111') }).returning('id');
    const first = await credentialLogin(f, plan.id, MAC, { subscriberId: sub.id, method: 'otp' });
    expect(first.code).to.equal(CODE.ACCESS_ACCEPT);
    await f.acct([...hotspotAttributes('x', MAC, [['Acct-Session-Id', 'live-1'], ['Class', first.attributes['Class'].toString()]]), ['Acct-Status-Type', 'Start']]);

    const sameDevice = await credentialLogin(f, plan.id, MAC, { subscriberId: sub.id, method: 'otp' });
    expect(sameDevice.code).to.equal(CODE.ACCESS_ACCEPT);
    const otherDevice = await credentialLogin(f, plan.id, MAC2, { subscriberId: sub.id, method: 'otp' });
    expect(otherDevice.code).to.equal(CODE.ACCESS_REJECT);
    expect(otherDevice.attributes['Reply-Message']).to.match(/bersamaan/);

    // A session that went silent for several interim intervals is not live any more.
    f.clock.advance(3 * 300 + 1);
    const later = await credentialLogin(f, plan.id, MAC2, { subscriberId: sub.id, method: 'otp' });
    expect(later.code).to.equal(CODE.ACCESS_ACCEPT);
  });

  it('a blocked device and a blocked citizen are refused', async () => {
    const { plan } = await seedBasics();
    f = await startFixture();
    await rememberDevice(testDb(), { mac: MAC, planId: plan.id, until: new Date(f.clock().getTime() + 86400_000), now: f.clock() });
    await setDeviceBlocked(testDb(), MAC, true, 'abuse');
    const device = await f.auth(hotspotAttributes(MAC, MAC), { userPassword: '' });
    expect(device.code).to.equal(CODE.ACCESS_REJECT);
    expect(device.attributes['Reply-Message']).to.match(/diblokir/);

    const [sub] = await testDb()('subscribers').insert({ phone_enc: box.encrypt('+628222'), phone_hash: box.keyedHash('+628222'), blocked: true }).returning('id');
    const citizen = await credentialLogin(f, plan.id, MAC2, { subscriberId: sub.id, method: 'otp' });
    expect(citizen.code).to.equal(CODE.ACCESS_REJECT);
    expect(citizen.attributes['Reply-Message']).to.match(/diblokir/);
  });

  it('a closed site refuses everyone; a restricted one lets staff accounts in', async () => {
    const { plan } = await seedBasics();
    await addSite({ access: 'closed', access_reason: 'Renovasi taman.' });
    f = await startFixture();
    const closed = await credentialLogin(f, plan.id);
    expect(closed.code).to.equal(CODE.ACCESS_REJECT);
    expect(closed.attributes['Reply-Message']).to.equal('Wi-Fi di lokasi ini sedang ditutup sementara. Renovasi taman.');

    await testDb()('sites').update({ access: 'restricted', updated_at: new Date() });
    await f.server.reloadClients();
    expect((await credentialLogin(f, plan.id)).code).to.equal(CODE.ACCESS_REJECT);
    expect((await f.auth(hotspotAttributes('petugas', MAC), { userPassword: 'rahasia-petugas' })).code).to.equal(CODE.ACCESS_ACCEPT);
  });

  it('opening hours: refused outside them, and a session never runs past closing time', async () => {
    const { plan } = await seedBasics({ sessionTimeout: 7200 });
    const everyDay = [['06:00', '22:00']];
    await addSite({ opening_hours: JSON.stringify({ sun: everyDay, mon: everyDay, tue: everyDay, wed: everyDay, thu: everyDay, fri: everyDay, sat: everyDay }) });
    f = await startFixture({ now: '2026-11-23T05:30:00+07:00' });
    const early = await credentialLogin(f, plan.id);
    expect(early.code).to.equal(CODE.ACCESS_REJECT);
    expect(early.attributes['Reply-Message']).to.contain('06:00–22:00');

    f.clock.set('2026-11-23T21:30:00+07:00');
    const late = await credentialLogin(f, plan.id);
    expect(late.code).to.equal(CODE.ACCESS_ACCEPT);
    expect(late.attributes['Session-Timeout']).to.equal(1800);
  });

  it('a site with no plan of its own and no default plan refuses MAC logins without one', async () => {
    await seedBasics();
    f = await startFixture();
    await rememberDevice(testDb(), { mac: MAC, until: new Date(f.clock().getTime() + 86400_000), now: f.clock() });
    const reply = await f.auth(hotspotAttributes(MAC, MAC), { userPassword: '' });
    expect(reply.code).to.equal(CODE.ACCESS_REJECT);
    expect(reply.attributes['Reply-Message']).to.match(/Layanan belum diatur/);
  });
});
