import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../../../core/config.js';
import { createSecretBox } from '../../../core/crypto.js';
import { createOtpCode, discardOtpCode, normalizeOtpInput, purgeOtpCodes, verifyOtpCode } from '../../../core/db/queries/otp.js';
import { addNas } from '../../../core/db/queries/nas.js';
import { fixedClock } from '../../../core/domain/clock.js';
import { createLogger } from '../../../core/logger.js';
import { createConsoleSender } from '../../../portal/otp/console-sender.js';
import { startPortal } from '../../../portal/server.js';
import { MAC_COOKIE, startHotspot, type Hotspot } from '../../../sim/hotspot/index.js';
import { parseForms, PhoneBrowser, textOf, type Page } from '../../helpers/phone-browser.js';
import { loginUrl, OTHER_MAC, PHONE_MAC, portalBox, seedPortalSite, SITE_CODE, startPortalFixture, type PortalFixture } from '../../helpers/portal-fixture.js';
import { NAS_SECRET, startFixture, type RadiusFixture } from '../../helpers/radius-fixture.js';
import { resetTables, TEST_SECRET_KEY, testDatabaseUrl, testDb } from '../../helpers/test-db.js';

const box = createSecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));

describe('one-time codes (queries)', () => {
  beforeEach(() => resetTables());
  const db = () => testDb();
  const phone = '+6281234567890';
  const start = new Date('2026-11-24T09:00:00+07:00');
  const dayStart = new Date('2026-11-24T00:00:00+07:00');
  const nextDayStart = new Date('2026-11-25T00:00:00+07:00');
  const limits = { resendCooldownSeconds: 60, dailyPerNumber: 3, dailyPerDevice: 4, dailyPerAddress: 5 };
  const create = (over: Partial<Parameters<typeof createOtpCode>[2]> = {}) =>
    createOtpCode(db(), box, { phone, purpose: 'login', mac: 'AA:BB:CC:00:00:01', address: '10.5.50.2', now: start, dayStart, nextDayStart, limits, ...over });

  it('keep a code only as a keyed hash, valid five minutes, and accept it once', async () => {
    const made = await create();
    if (!made.ok) throw new Error('refused');
    expect(made.code).to.match(/^\d{6}$/);
    expect(made.expiresAt.getTime() - start.getTime()).to.equal(5 * 60 * 1000);
    const rows = await db()('otp_codes').select('*');
    expect(rows).to.have.length(1);
    const stored = JSON.stringify(rows);
    expect(stored).not.to.contain(made.code);
    expect(stored).not.to.contain('81234567890');
    expect(stored).not.to.contain('10.5.50.2');
    const verify = (code: string, now = start) => verifyOtpCode(db(), box, { phone, purpose: 'login', mac: 'AA:BB:CC:00:00:01', code, now });
    expect(await verify(made.code)).to.deep.equal({ ok: true });
    expect(await verify(made.code)).to.deep.equal({ ok: false, reason: 'no-code' });
  });

  it('refuse an expired code and one meant for another purpose or device', async () => {
    const made = await create();
    if (!made.ok) throw new Error('refused');
    expect(await verifyOtpCode(db(), box, { phone, purpose: 'mydata', mac: null, code: made.code, now: start })).to.deep.equal({ ok: false, reason: 'no-code' });
    expect(await verifyOtpCode(db(), box, { phone, purpose: 'login', mac: 'AA:BB:CC:00:00:02', code: made.code, now: start })).to.deep.equal({ ok: false, reason: 'no-code' });
    const late = new Date(start.getTime() + 5 * 60 * 1000);
    expect(await verifyOtpCode(db(), box, { phone, purpose: 'login', mac: 'AA:BB:CC:00:00:01', code: made.code, now: late })).to.deep.equal({ ok: false, reason: 'expired' });
  });

  it('allow five tries per code, then none even for the right code', async () => {
    const made = await create();
    if (!made.ok) throw new Error('refused');
    const wrong = made.code === '000000' ? '111111' : '000000';
    const verify = (code: string) => verifyOtpCode(db(), box, { phone, purpose: 'login', mac: 'AA:BB:CC:00:00:01', code, now: start });
    for (const left of [4, 3, 2, 1, 0]) expect(await verify(wrong)).to.deep.equal({ ok: false, reason: 'wrong-code', triesLeft: left });
    expect(await verify(made.code)).to.deep.equal({ ok: false, reason: 'too-many-tries' });
  });

  it('spend each try once however many guesses arrive together', async () => {
    const made = await create();
    if (!made.ok) throw new Error('refused');
    const guesses = Array.from({ length: 12 }, (_, i) => String(i).padStart(6, '9')).filter((g) => g !== made.code);
    const results = await Promise.all(guesses.map((code) => verifyOtpCode(db(), box, { phone, purpose: 'login', mac: 'AA:BB:CC:00:00:01', code, now: start })));
    expect(results.filter((r) => !r.ok && r.reason === 'wrong-code')).to.have.length(5);
    expect((await db()('otp_codes').first('attempts')).attempts).to.equal(5);
  });

  it('accept only the latest code sent to a number', async () => {
    const first = await create();
    const second = await create({ now: new Date(start.getTime() + 61_000) });
    if (!first.ok || !second.ok) throw new Error('refused');
    const now = new Date(start.getTime() + 62_000);
    if (first.code !== second.code) {
      expect(await verifyOtpCode(db(), box, { phone, purpose: 'login', mac: 'AA:BB:CC:00:00:01', code: first.code, now })).to.include({ reason: 'wrong-code' });
    }
    expect(await verifyOtpCode(db(), box, { phone, purpose: 'login', mac: 'AA:BB:CC:00:00:01', code: second.code, now })).to.deep.equal({ ok: true });
  });

  it('make a number wait for the resend cooldown', async () => {
    expect((await create()).ok).to.equal(true);
    expect(await create({ now: new Date(start.getTime() + 45_000) })).to.deep.equal({ ok: false, reason: 'cooldown', retryAfterSeconds: 15 });
    expect((await create({ now: new Date(start.getTime() + 60_000) })).ok).to.equal(true);
  });

  it('cap codes per number, per device and per address each day, and start again the next day', async () => {
    const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);
    for (let i = 0; i < 3; i++) expect((await create({ now: at(i * 2) })).ok).to.equal(true);
    const capped = await create({ now: at(10) });
    expect(capped).to.deep.include({ ok: false, reason: 'daily-number' });
    expect((capped as { retryAfterSeconds: number }).retryAfterSeconds).to.equal((nextDayStart.getTime() - at(10).getTime()) / 1000);

    // The same device (4 a day) with other numbers.
    expect((await create({ phone: '+6281200000001', now: at(11) })).ok).to.equal(true);
    expect(await create({ phone: '+6281200000002', now: at(12) })).to.deep.include({ ok: false, reason: 'daily-device' });

    // The same address (5 a day) from other devices.
    expect((await create({ phone: '+6281200000003', mac: 'AA:BB:CC:00:00:09', now: at(13) })).ok).to.equal(true);
    expect(await create({ phone: '+6281200000004', mac: 'AA:BB:CC:00:00:0A', now: at(14) })).to.deep.include({ ok: false, reason: 'daily-address' });
    // A device elsewhere is not held back by this address.
    expect((await create({ phone: '+6281200000004', mac: 'AA:BB:CC:00:00:0A', address: '10.9.0.7', now: at(15) })).ok).to.equal(true);

    const tomorrow = { now: new Date(nextDayStart.getTime() + 60_000), dayStart: nextDayStart, nextDayStart: new Date(nextDayStart.getTime() + 86_400_000) };
    expect((await create(tomorrow)).ok).to.equal(true);
  });

  it('hold the caps when requests race from several processes', async () => {
    const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => create({ phone: `+628120000010${i}`, mac: `AA:BB:CC:00:01:0${i}`, now: at(i) })),
    );
    expect(results.filter((r) => r.ok)).to.have.length(5);
    expect(results.filter((r) => !r.ok && r.reason === 'daily-address')).to.have.length(5);
  });

  it('forget a code that never left, so it neither counts nor delays a resend', async () => {
    const made = await create();
    if (!made.ok) throw new Error('refused');
    await discardOtpCode(db(), made.id);
    expect((await create({ now: new Date(start.getTime() + 1000) })).ok).to.equal(true);
  });

  it('purge codes past their retention, and only those', async () => {
    await create();
    await create({ phone: '+6281200000001', now: new Date(start.getTime() + 3600_000) });
    expect(await purgeOtpCodes(db(), new Date(start.getTime() + 60_000))).to.equal(1);
    expect(await db()('otp_codes').count('* as n').first()).to.deep.equal({ n: 1 });
  });

  it('read a typed code leniently and refuse what cannot be one', () => {
    expect(normalizeOtpInput(' 123 456 ')).to.equal('123456');
    expect(normalizeOtpInput('123-456')).to.equal('123456');
    expect(normalizeOtpInput('12345')).to.equal(undefined);
    expect(normalizeOtpInput('12345a')).to.equal(undefined);
    expect(normalizeOtpInput(undefined)).to.equal(undefined);
  });
});

describe('phone number and one-time code login', () => {
  const NUMBER = { typed: '0812-3456-7890', e164: '+6281234567890', masked: '+62812*****890' };
  let portal: PortalFixture;

  beforeEach(async () => {
    await seedPortalSite();
    portal = await startPortalFixture();
  });
  afterEach(() => portal.close());

  async function loginPage(phone: PhoneBrowser, over: Record<string, string> = {}): Promise<Page> {
    const page = await phone.open(loginUrl(portal, over));
    expect(page.status, textOf(page.html)).to.equal(200);
    return page;
  }

  async function askCode(phone: PhoneBrowser, number = NUMBER.typed, over: Record<string, string> = {}): Promise<Page> {
    return phone.submit(await loginPage(phone, over), { action: '/login/otp' }, { phone: number, accept_terms: 'yes' });
  }

  const typeCode = (phone: PhoneBrowser, page: Page, code: string) => phone.submit(page, { action: '/login/otp/verify' }, { code });
  const codeOf = (number = NUMBER.e164) => portal.sender.lastCodeFor(number)!;
  const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');

  it('send a code to the number as typed, show where it went, and never put the number or code in the page', async () => {
    const phone = new PhoneBrowser();
    const page = await askCode(phone);
    expect(page.status).to.equal(200);
    expect(portal.sender.sent).to.deep.equal([{ phone: NUMBER.e164, code: codeOf(), purpose: 'login' }]);
    const text = textOf(page.html);
    expect(text).to.contain(`Kode 6 angka dikirim ke ${NUMBER.masked}. Kode berlaku 5 menit.`);
    expect(page.html).not.to.contain('81234567890');
    expect(page.html).not.to.contain(codeOf());
    const form = parseForms(page.html, page.url).find((f) => f.action.endsWith('/login/otp/verify'))!;
    expect(form.names).to.include.members(['ctx', '_csrf', 'ref', 'code']);
    expect(page.headers.get('cache-control')).to.equal('no-store');
  });

  it('on the right code: record the citizen with consent, bind the device, issue an OTP credential, and hand off', async () => {
    const phone = new PhoneBrowser();
    const codePage = await askCode(phone);
    const handoff = await typeCode(phone, codePage, codeOf());
    expect(handoff.status, textOf(handoff.html)).to.equal(200);
    const form = parseForms(handoff.html, handoff.url).find((f) => f.id === 'handoff')!;
    expect(form.action).to.equal('http://10.5.50.1/login');
    const username = form.fields.find((f) => f.name === 'username')!.value;

    const db = testDb();
    const subscriber = await db('subscribers').first();
    expect(subscriber).to.include({ phone_hash: portalBox.keyedHash(NUMBER.e164), terms_version: portal.config.portal.termsVersion });
    expect(portalBox.decrypt(subscriber.phone_enc)).to.equal(NUMBER.e164);
    expect(new Date(subscriber.consent_at)).to.deep.equal(portal.clock());
    const device = await db('devices').where({ mac: PHONE_MAC }).first();
    expect(device.subscriber_id).to.equal(subscriber.id);
    expect(new Date(device.remembered_until).getTime()).to.be.greaterThan(portal.clock().getTime());
    const credential = await db('credentials').where({ username }).first();
    expect(credential).to.include({ method: 'otp', mac: PHONE_MAC, subscriber_id: subscriber.id, device_id: device.id });
    expect((await db('otp_codes').first()).used_at).not.to.equal(null);

    // The code is spent: the same code posted again does not log in again.
    const again = await typeCode(phone, codePage, codeOf());
    expect(again.status).to.equal(400);
    expect(textOf(again.html)).to.contain('Kode ini sudah tidak berlaku. Minta kode baru.');
    expect(await db('credentials').count('* as n').first()).to.deep.equal({ n: 1 });
  });

  it('allow five tries, saying how many are left, then only a new code helps', async () => {
    const phone = new PhoneBrowser();
    const page = await askCode(phone);
    const code = codeOf();
    let last = page;
    for (const left of [4, 3, 2, 1]) {
      last = await typeCode(phone, page, wrongFor(code));
      expect(last.status).to.equal(400);
      expect(textOf(last.html)).to.contain(`Kode salah. Sisa percobaan: ${left}.`);
    }
    last = await typeCode(phone, page, wrongFor(code));
    expect(textOf(last.html)).to.contain('Kode salah, dan kode ini tidak bisa dicoba lagi. Minta kode baru.');
    const refused = await typeCode(phone, page, code);
    expect(refused.status).to.equal(400);
    expect(textOf(refused.html)).to.contain('Terlalu banyak percobaan untuk kode ini. Minta kode baru.');
    expect(refused.html).not.to.match(/id="handoff"/);

    portal.clock.advance(portal.config.otp.resendCooldownSeconds);
    const resent = await phone.submit(refused, { action: '/login/otp/resend' });
    expect(textOf(resent.html)).to.contain('Kode baru sudah dikirim.');
    const handoff = await typeCode(phone, resent, codeOf());
    expect(handoff.html).to.match(/id="handoff"/);
  });

  it('refuse a code after five minutes', async () => {
    const phone = new PhoneBrowser();
    const page = await askCode(phone);
    portal.clock.advance(5 * 60);
    const late = await typeCode(phone, page, codeOf());
    expect(late.status).to.equal(400);
    expect(textOf(late.html)).to.contain('Kode sudah kedaluwarsa. Minta kode baru.');
    expect(await testDb()('subscribers').count('* as n').first()).to.deep.equal({ n: 0 });
  });

  it('keep a typo in the code from spending a try', async () => {
    const phone = new PhoneBrowser();
    const page = await askCode(phone);
    const typo = await typeCode(phone, page, '12345');
    expect(typo.status).to.equal(400);
    expect(textOf(typo.html)).to.contain('Kode terdiri dari 6 angka.');
    expect((await testDb()('otp_codes').first()).attempts).to.equal(0);
    expect((await typeCode(phone, page, ` ${codeOf().slice(0, 3)} ${codeOf().slice(3)} `)).html).to.match(/id="handoff"/);
  });

  it('make a resend wait for the cooldown, keeping the code page, and then send a code that replaces the first', async () => {
    const phone = new PhoneBrowser();
    const page = await askCode(phone);
    const first = codeOf();
    portal.clock.advance(20);
    const early = await phone.submit(page, { action: '/login/otp/resend' });
    expect(early.status).to.equal(429);
    expect(early.headers.get('retry-after')).to.equal(String(portal.config.otp.resendCooldownSeconds - 20));
    expect(textOf(early.html)).to.contain(`Anda bisa meminta kode baru dalam ${portal.config.otp.resendCooldownSeconds - 20} detik.`);
    expect(portal.sender.sent).to.have.length(1);

    portal.clock.advance(portal.config.otp.resendCooldownSeconds);
    const resent = await phone.submit(early, { action: '/login/otp/resend' });
    expect(resent.status).to.equal(200);
    expect(portal.sender.sent).to.have.length(2);
    if (codeOf() !== first) expect((await typeCode(phone, resent, first)).status).to.equal(400);
    expect((await typeCode(phone, resent, codeOf())).html).to.match(/id="handoff"/);
  });

  it('refuse a code asked for on another device', async () => {
    const phone = new PhoneBrowser();
    const page = await askCode(phone);
    const thief = new PhoneBrowser();
    const otherPage = await askCode(thief, '0857 1234 5678', { mac: OTHER_MAC });
    // The other device's form with the first device's sealed number: refused as a stale page.
    const ref = parseForms(page.html, page.url).find((f) => f.action.endsWith('/login/otp/verify'))!.fields.find((f) => f.name === 'ref')!.value;
    const stolen = await thief.submit(otherPage, { action: '/login/otp/verify' }, { ref, code: codeOf() });
    expect(stolen.status).to.equal(400);
    expect(textOf(stolen.html)).to.contain('Halaman kode ini sudah kedaluwarsa.');
    expect(await testDb()('subscribers').count('* as n').first()).to.deep.equal({ n: 0 });
  });

  it('say plainly what is wrong with a number, and send nothing', async () => {
    const cases: Array<[string, string]> = [
      ['', 'Masukkan nomor HP Anda.'],
      ['0812-abc', 'Nomor HP tidak terbaca.'],
      ['+1 202 555 0123', 'Hanya nomor HP Indonesia (+62) yang bisa dipakai.'],
      ['021 555 1234', 'Nomor ini bukan nomor HP.'],
    ];
    for (const [typed, message] of cases) {
      const page = await askCode(new PhoneBrowser(), typed);
      expect(page.status, typed).to.equal(400);
      expect(textOf(page.html), typed).to.contain(message);
      expect(parseForms(page.html, page.url).some((f) => f.action.endsWith('/login/otp')), typed).to.equal(true);
    }
    const phone = new PhoneBrowser();
    const unticked = await phone.submit(await loginPage(phone), { action: '/login/otp' }, { phone: NUMBER.typed });
    expect(unticked.status).to.equal(400);
    expect(textOf(unticked.html)).to.contain('Centang persetujuan syarat penggunaan terlebih dahulu.');
    expect(portal.sender.sent).to.have.length(0);
    expect(await testDb()('otp_codes').count('* as n').first()).to.deep.equal({ n: 0 });
  });

  it('refuse the phone method where the site does not offer it', async () => {
    await testDb()('sites').update({ login_methods: ['click'] });
    const phone = new PhoneBrowser();
    const page = await loginPage(phone);
    expect(parseForms(page.html, page.url).some((f) => f.action.endsWith('/login/otp'))).to.equal(false);
    const form = parseForms(page.html, page.url).find((f) => f.action.endsWith('/login/click'))!;
    const fields = Object.fromEntries(form.fields.map((f) => [f.name, f.value]));
    const refused = await phone.post(`${portal.url}/login/otp`, { ...fields, phone: NUMBER.typed, accept_terms: 'yes' });
    expect(refused.status).to.equal(403);
    expect(portal.sender.sent).to.have.length(0);
  });

  it('tell the citizen when the gateway fails, and let them ask again at once', async () => {
    portal.sender.fail = { ok: false, reason: 'gateway-timeout', detail: 'the OTP gateway http://gw/ did not answer within 10000 ms' };
    const phone = new PhoneBrowser();
    const failed = await askCode(phone);
    expect(failed.status).to.equal(503);
    expect(textOf(failed.html)).to.contain('Maaf, kode tidak bisa dikirim saat ini.');
    expect(await testDb()('otp_codes').count('* as n').first()).to.deep.equal({ n: 0 });
    portal.sender.fail = undefined;
    const page = await askCode(phone);
    expect(page.status).to.equal(200);
    expect(portal.sender.sent).to.have.length(1);
  });

  it('speak English when asked', async () => {
    const phone = new PhoneBrowser({ acceptLanguage: 'en-US,en;q=0.9' });
    const page = await askCode(phone);
    expect(textOf(page.html)).to.contain(`A 6-digit code was sent to ${NUMBER.masked}. It is valid for 5 minutes.`);
    const wrong = await typeCode(phone, page, wrongFor(codeOf()));
    expect(textOf(wrong.html)).to.contain('Wrong code. Tries left: 4.');
  });
});

describe('one-time code daily caps over HTTP', () => {
  let portal: PortalFixture;
  beforeEach(async () => {
    await seedPortalSite();
    portal = await startPortalFixture({ env: { OTP_DAILY_PER_NUMBER: '2', OTP_DAILY_PER_DEVICE: '3', OTP_DAILY_PER_ADDRESS: '4', OTP_RESEND_COOLDOWN_SECONDS: '30' } });
  });
  afterEach(() => portal.close());

  async function ask(number: string, mac: string): Promise<Page> {
    const phone = new PhoneBrowser();
    const login = await phone.open(loginUrl(portal, { mac }));
    const page = await phone.submit(login, { action: '/login/otp' }, { phone: number, accept_terms: 'yes' });
    portal.clock.advance(31);
    return page;
  }

  it('cap codes per number, per device and per address, with a clear message, until the next day in Jakarta', async () => {
    expect((await ask('081200000001', 'AA:BB:CC:00:30:01')).status).to.equal(200);
    expect((await ask('081200000001', 'AA:BB:CC:00:30:01')).status).to.equal(200);
    const number = await ask('081200000001', 'AA:BB:CC:00:30:01');
    expect(number.status).to.equal(429);
    expect(textOf(number.html)).to.contain('Nomor ini sudah menerima terlalu banyak kode hari ini.');
    expect(Number(number.headers.get('retry-after'))).to.be.greaterThan(0);

    expect((await ask('081200000002', 'AA:BB:CC:00:30:01')).status).to.equal(200);
    const device = await ask('081200000003', 'AA:BB:CC:00:30:01');
    expect(device.status).to.equal(429);
    expect(textOf(device.html)).to.contain('Perangkat ini sudah meminta terlalu banyak kode hari ini.');

    expect((await ask('081200000004', 'AA:BB:CC:00:30:02')).status).to.equal(200);
    const address = await ask('081200000005', 'AA:BB:CC:00:30:03');
    expect(address.status).to.equal(429);
    expect(textOf(address.html)).to.contain('Terlalu banyak kode diminta dari jaringan ini hari ini.');
    expect(portal.sender.sent).to.have.length(4);

    // Midnight in Jakarta (the fixture starts at 10:00 WIB): every cap starts again.
    portal.clock.set('2026-11-24T00:00:30+07:00');
    expect((await ask('081200000001', 'AA:BB:CC:00:30:01')).status).to.equal(200);
  });
});

describe('one-time codes and the service log', () => {
  it('keep the code and the number out of the service log; the console sender prints them on its own stream', async () => {
    await seedPortalSite();
    const logLines: string[] = [];
    const logger = createLogger('portal', { level: 'debug', destination: { write: (line: string) => void logLines.push(line) } });
    const consoleLines: string[] = [];
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => consoleLines.push(chunk.toString('utf8')));
    const config = loadConfig({ DATABASE_URL: testDatabaseUrl(), CITYWIFI_SECRET_KEY: TEST_SECRET_KEY, PORTAL_HOST: '127.0.0.1', PORTAL_PORT: '0', PORTAL_METRICS_PORT: '0' });
    const clock = fixedClock('2026-11-23T10:00:00+07:00');
    const portal = await startPortal({ config, db: testDb(), box: portalBox, logger, clock, sender: createConsoleSender({ out }) });
    try {
      const phone = new PhoneBrowser();
      const login = await phone.open(loginUrl(portal));
      const page = await phone.submit(login, { action: '/login/otp' }, { phone: '0812 3456 7890', accept_terms: 'yes' });
      const code = /: (\d{6})\n$/.exec(consoleLines.join(''))![1];
      expect(consoleLines.join('')).to.equal(`[citywifi otp console sender] login code for +62812*****890: ${code}\n`);
      await phone.submit(page, { action: '/login/otp/verify' }, { code: code === '000000' ? '111111' : '000000' });
      const handoff = await phone.submit(page, { action: '/login/otp/verify' }, { code });
      expect(handoff.html).to.match(/id="handoff"/);
      const log = logLines.join('');
      expect(log).to.contain('"event":"otp-sent"');
      expect(log).to.contain('+62812*****890');
      expect(log).not.to.contain(code);
      expect(log).not.to.contain('81234567890');
    } finally {
      await portal.close();
    }
  });
});

describe('phone number login through the emulated hotspot and RADIUS', () => {
  let radius: RadiusFixture;
  let portal: PortalFixture;
  let hotspot: Hotspot;

  beforeEach(async () => {
    await seedPortalSite();
    await addNas(testDb(), portalBox, { name: 'taman-kota-1', address: '127.0.0.1', secret: NAS_SECRET, siteCode: SITE_CODE, nasIdentifier: SITE_CODE });
    radius = await startFixture();
    portal = await startPortalFixture();
    hotspot = await startHotspot({
      portalUrl: portal.url,
      radius: { host: '127.0.0.1', authPort: radius.server.authPort, acctPort: radius.server.acctPort, secret: NAS_SECRET, timeoutMs: 1500, retries: 0 },
      identity: SITE_CODE,
      clock: radius.clock,
    });
  });
  afterEach(async () => {
    await hotspot.close();
    await portal.close();
    await radius.stop();
  });

  it('put the phone online with a session tied to the citizen, never to the number', async () => {
    const phone = new PhoneBrowser();
    phone.setCookie('127.0.0.1', MAC_COOKIE, PHONE_MAC);
    const login = await phone.open(`${hotspot.url}berita`);
    expect(login.url.startsWith(`${portal.url}/login?`), login.url).to.equal(true);
    const codePage = await phone.submit(login, { action: '/login/otp' }, { phone: '+62 812 3456 7890', accept_terms: 'yes' });
    const handoff = await phone.submit(codePage, { action: '/login/otp/verify' }, { code: portal.sender.lastCodeFor('+6281234567890')! });
    expect(handoff.status, textOf(handoff.html)).to.equal(200);
    const online = await phone.submit(handoff, { id: 'handoff' });

    expect(online.url).to.equal(`${hotspot.url}berita`);
    expect(textOf(online.html)).to.match(/You are online/);
    expect(phone.requests.every((r) => new URL(r.url).hostname === '127.0.0.1')).to.equal(true);
    const subscriber = await testDb()('subscribers').first('id');
    const sessions = await testDb()('sessions').where({ mac: PHONE_MAC });
    expect(sessions).to.have.length(1);
    expect(sessions[0]).to.include({ login_kind: 'otp', subscriber_id: subscriber.id, stopped_at: null });
    expect(JSON.stringify(sessions)).not.to.contain('81234567890');
  });
});
