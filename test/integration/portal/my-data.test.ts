import { expect } from 'chai';
import { createSecretBox } from '../../../core/crypto.js';
import { rememberDevice } from '../../../core/db/queries/devices.js';
import { createOtpCode } from '../../../core/db/queries/otp.js';
import { deleteCitizenData, findCitizenData, recordSubscriberConsent } from '../../../core/db/queries/subscribers.js';
import { issueCredential } from '../../../core/db/queries/credentials.js';
import { parseForms, PhoneBrowser, textOf, type Page } from '../../helpers/phone-browser.js';
import { PHONE_MAC, seedPortalSite, startPortalFixture, type PortalFixture } from '../../helpers/portal-fixture.js';
import { resetTables, TEST_SECRET_KEY, testDb } from '../../helpers/test-db.js';

const box = createSecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));

describe('citizen data (queries)', () => {
  beforeEach(() => resetTables());
  const phone = '+6281234567890';
  const other = '+6285712345678';
  const now = new Date('2026-11-24T09:00:00+07:00');
  const later = new Date('2026-11-24T18:30:00+07:00');

  async function seedCitizen(): Promise<number> {
    const db = testDb();
    const first = await recordSubscriberConsent(db, box, { phone, termsVersion: '2026-10', now });
    const again = await recordSubscriberConsent(db, box, { phone, termsVersion: '2026-11', now: later });
    expect(again.id).to.equal(first.id);
    const until = new Date(later.getTime() + 7 * 86_400_000);
    const deviceId = await rememberDevice(db, { mac: 'AA:BB:CC:11:22:33', subscriberId: first.id, until, now: later });
    await rememberDevice(db, { mac: 'AA:BB:CC:44:55:66', until, now: later });
    await issueCredential(db, box, { mac: 'AA:BB:CC:11:22:33', method: 'otp', subscriberId: first.id, deviceId, ttlSeconds: 180, now: later });
    for (const [i, startedAt] of [now, later].entries()) {
      await db('sessions').insert({ nas_id: 1, acct_session_id: `s${i}`, username: 'u', subscriber_id: first.id, device_id: deviceId, started_at: startedAt, updated_at: startedAt });
    }
    const limits = { resendCooldownSeconds: 60, dailyPerNumber: 5, dailyPerDevice: 5, dailyPerAddress: 30 };
    const day = { dayStart: new Date('2026-11-24T00:00:00+07:00'), nextDayStart: new Date('2026-11-25T00:00:00+07:00'), limits };
    await createOtpCode(db, box, { phone, purpose: 'mydata', now: later, ...day });
    await createOtpCode(db, box, { phone: other, purpose: 'login', now: later, ...day });
    await recordSubscriberConsent(db, box, { phone: other, termsVersion: '2026-11', now: later });
    return first.id;
  }

  it('store the number encrypted and findable only through its keyed hash', async () => {
    await recordSubscriberConsent(testDb(), box, { phone, termsVersion: '2026-11', now });
    const stored = JSON.stringify(await testDb()('subscribers').select('*'));
    expect(stored).not.to.contain('81234567890');
  });

  it('show what is kept about a number: consent, bound devices masked, sessions and codes', async () => {
    await seedCitizen();
    const data = await findCitizenData(testDb(), box, phone);
    expect(data).to.deep.equal({
      subscriber: { phone, createdAt: now, consentAt: later, termsVersion: '2026-11', lastSeenAt: later, blocked: false },
      devices: [{ maskedMac: 'AA:BB:CC:XX:XX:XX', firstSeenAt: later, lastSeenAt: later, rememberedUntil: new Date(later.getTime() + 7 * 86_400_000) }],
      sessions: { count: 2, lastStartedAt: later },
      otpCodes: 1,
    });
    expect(await findCitizenData(testDb(), box, '+6281111111111')).to.equal(undefined);
  });

  it('delete the subscriber, its devices\' binding and its codes, and nothing of anyone else', async () => {
    const id = await seedCitizen();
    const db = testDb();
    expect(await deleteCitizenData(db, box, phone)).to.deep.equal({ subscriberDeleted: true, devicesUnbound: 1, otpCodesDeleted: 1 });
    expect(await findCitizenData(db, box, phone)).to.equal(undefined);
    expect(await db('subscribers').where({ id }).first()).to.equal(undefined);
    const device = await db('devices').where({ mac: 'AA:BB:CC:11:22:33' }).first();
    expect(device).to.include({ subscriber_id: null, remembered_until: null });
    expect(await db('credentials').where({ subscriber_id: id }).first()).to.equal(undefined);
    // Others keep theirs.
    expect(await findCitizenData(db, box, other)).not.to.equal(undefined);
    expect(await db('otp_codes').count('* as n').first()).to.deep.equal({ n: 1 });
    expect((await db('devices').where({ mac: 'AA:BB:CC:44:55:66' }).first()).remembered_until).not.to.equal(null);
    // Sessions stay for the city's statistics, with no number in them.
    expect(JSON.stringify(await db('sessions').select('*'))).not.to.contain('81234567890');
    expect(await deleteCitizenData(db, box, phone)).to.deep.equal({ subscriberDeleted: false, devicesUnbound: 0, otpCodesDeleted: 0 });
  });
});

describe('"My data" pages', () => {
  const NUMBER = { typed: '0812 3456 7890', e164: '+6281234567890', masked: '+62812*****890' };
  let portal: PortalFixture;

  beforeEach(async () => {
    await seedPortalSite();
    portal = await startPortalFixture();
  });
  afterEach(() => portal.close());

  /** A citizen who logged in with their number: subscriber, bound device, two sessions. */
  async function seedCitizen(): Promise<number> {
    const db = testDb();
    const now = portal.clock();
    const { id } = await recordSubscriberConsent(db, box, { phone: NUMBER.e164, termsVersion: portal.config.portal.termsVersion, now });
    const deviceId = await rememberDevice(db, { mac: PHONE_MAC, subscriberId: id, until: new Date(now.getTime() + 7 * 86_400_000), now });
    for (const [i, startedAt] of ['2026-11-20T08:15:00+07:00', '2026-11-22T19:40:00+07:00'].entries()) {
      await db('sessions').insert({ nas_id: 1, acct_session_id: `s${i}`, username: 'u', subscriber_id: id, device_id: deviceId, mac: PHONE_MAC, started_at: new Date(startedAt), updated_at: new Date(startedAt) });
    }
    return id;
  }

  async function verified(phone: PhoneBrowser, number = NUMBER.typed): Promise<Page> {
    const start = await phone.open(`${portal.url}/my-data`);
    expect(start.status).to.equal(200);
    const codePage = await phone.submit(start, { action: '/my-data' }, { phone: number });
    expect(codePage.status, textOf(codePage.html)).to.equal(200);
    const e164 = portal.sender.sent.at(-1)!.phone;
    return phone.submit(codePage, { action: '/my-data/verify' }, { code: portal.sender.lastCodeFor(e164)! });
  }

  it('show what is kept about the number after a right code: consent, masked devices, sessions, and what is anonymous', async () => {
    await seedCitizen();
    const phone = new PhoneBrowser();
    const page = await verified(phone);
    expect(page.status).to.equal(200);
    expect(portal.sender.sent.at(-1)).to.deep.include({ phone: NUMBER.e164, purpose: 'mydata' });
    const text = textOf(page.html);
    expect(text).to.contain(`Nomor ${NUMBER.masked} terverifikasi.`);
    expect(text).to.contain(`Versi syarat yang disetujui ${portal.config.portal.termsVersion}`);
    expect(text).to.contain('Persetujuan diberikan 23 November 2026 pukul 10.00');
    expect(text).to.contain('Jumlah sesi internet 2');
    expect(text).to.contain('Sesi terakhir 22 November 2026 pukul 19.40');
    expect(text).to.contain('AA:BB:CC:XX:XX:XX');
    expect(text).to.contain('Penilaian dan laporan masalah disimpan tanpa identitas');
    expect(page.html).not.to.contain('81234567890');
    expect(page.html).not.to.contain('00:20:01');
    expect(page.headers.get('cache-control')).to.equal('no-store');
  });

  it('delete only after a confirmation, and then keep nothing about the number', async () => {
    const id = await seedCitizen();
    const phone = new PhoneBrowser();
    const view = await verified(phone);
    const confirm = await phone.submit(view, { action: '/my-data/delete' });
    expect(confirm.status).to.equal(200);
    expect(textOf(confirm.html)).to.contain(`Data berikut tentang nomor ${NUMBER.masked} akan dihapus`);
    expect(await testDb()('subscribers').where({ id }).first()).not.to.equal(undefined);

    // "Cancel" goes back to the data, still there.
    const back = await phone.submit(confirm, { action: '/my-data/view' });
    expect(textOf(back.html)).to.contain('Jumlah sesi internet 2');
    expect(await testDb()('subscribers').where({ id }).first()).not.to.equal(undefined);

    const deleted = await phone.submit(await phone.submit(back, { action: '/my-data/delete' }), { action: '/my-data/delete/confirm' });
    expect(deleted.status).to.equal(200);
    expect(textOf(deleted.html)).to.contain(`Data yang disimpan tentang nomor ${NUMBER.masked} sudah dihapus.`);
    const db = testDb();
    expect(await db('subscribers').count('* as n').first()).to.deep.equal({ n: 0 });
    expect(await db('otp_codes').count('* as n').first()).to.deep.equal({ n: 0 });
    expect(await db('devices').where({ mac: PHONE_MAC }).first()).to.include({ subscriber_id: null, remembered_until: null });
    expect(await db('sessions').count('* as n').first()).to.deep.equal({ n: 2 });

    // Asked again, with a new code: nothing is kept.
    portal.clock.advance(portal.config.otp.resendCooldownSeconds);
    const after = await verified(new PhoneBrowser());
    expect(textOf(after.html)).to.contain('Tidak ada data yang disimpan tentang nomor ini.');
    expect(parseForms(after.html, after.url).some((f) => f.action.endsWith('/my-data/delete'))).to.equal(false);
  });

  it('send a code to any valid number, so the page never tells whether a number is known', async () => {
    const phone = new PhoneBrowser();
    const start = await phone.open(`${portal.url}/my-data`);
    const codePage = await phone.submit(start, { action: '/my-data' }, { phone: '0857 1234 5678' });
    expect(codePage.status).to.equal(200);
    expect(textOf(codePage.html)).to.contain('Kode 6 angka dikirim ke +62857*****678.');
    expect(portal.sender.sent).to.have.length(1);
  });

  it('show nothing for a wrong code, and refuse a forged, expired or wrong-kind grant', async () => {
    await seedCitizen();
    const phone = new PhoneBrowser();
    const start = await phone.open(`${portal.url}/my-data`);
    const codePage = await phone.submit(start, { action: '/my-data' }, { phone: NUMBER.typed });
    const code = portal.sender.lastCodeFor(NUMBER.e164)!;
    const wrong = await phone.submit(codePage, { action: '/my-data/verify' }, { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).to.equal(400);
    expect(textOf(wrong.html)).to.contain('Kode salah. Sisa percobaan: 4.');
    expect(wrong.html).not.to.contain('Jumlah sesi internet');

    const view = await phone.submit(codePage, { action: '/my-data/verify' }, { code });
    const deleteForm = parseForms(view.html, view.url).find((f) => f.action.endsWith('/my-data/delete'))!;
    const fields = Object.fromEntries(deleteForm.fields.map((f) => [f.name, f.value]));
    const grant = fields.grant;
    const forged = await phone.post(`${portal.url}/my-data/delete/confirm`, { ...fields, grant: 'v1.AAAA.BBBB.CCCC' });
    expect(forged.status).to.equal(400);
    // The verify page's sealed number is not a grant.
    const ref = parseForms(codePage.html, codePage.url).find((f) => f.action.endsWith('/my-data/verify'))!.fields.find((f) => f.name === 'ref')!.value;
    expect((await phone.submit(view, { action: '/my-data/delete' }, { grant: ref })).status).to.equal(400);

    portal.clock.advance(10 * 60);
    const expired = await phone.submit(view, { action: '/my-data/delete' }, { grant });
    expect(expired.status).to.equal(400);
    expect(textOf(expired.html)).to.contain('Halaman ini sudah kedaluwarsa.');
    expect(await testDb()('subscribers').count('* as n').first()).to.deep.equal({ n: 1 });
  });

  it('refuse a form without its CSRF token', async () => {
    const phone = new PhoneBrowser();
    const start = await phone.open(`${portal.url}/my-data`);
    const refused = await phone.submit(start, { action: '/my-data' }, { phone: NUMBER.typed, _csrf: null });
    expect(refused.status).to.equal(403);
    expect(portal.sender.sent).to.have.length(0);
  });

  it('speak English when asked, with dates in Jakarta time', async () => {
    await seedCitizen();
    const phone = new PhoneBrowser({ acceptLanguage: 'en' });
    const page = await verified(phone);
    const text = textOf(page.html);
    expect(text).to.contain(`Number ${NUMBER.masked} verified.`);
    expect(text).to.contain('Consent given 23 November 2026 at 10:00');
    expect(text).to.contain('Ratings and problem reports are kept without identity');
  });
});
