import { expect } from 'chai';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createAlertDispatcher, type AlertDispatcher, type AlertSettings } from '../../../controller/alerts.js';
import { createDb, type Db } from '../../../core/db/index.js';
import { fixedClock } from '../../../core/domain/clock.js';
import type { SiteState } from '../../../core/domain/site-state.js';
import { createLogger } from '../../../core/logger.js';
import { resetTables, testDatabaseUrl, testDb } from '../../helpers/test-db.js';

const SECRET = 'alert-secret-0123456789abcdef';
const CIATER = '36.74.01.1001'; // Kelurahan Ciater, Kecamatan Serpong (seeded)
const SAWAH = '36.74.04.1004'; // Kelurahan Sawah, Kecamatan Ciputat

interface Delivery {
  id: string;
  event: string;
  signatureOk: boolean;
  payload: Record<string, unknown> & { kind: string; id: number };
  raw: string;
  status: number;
}

/** A real webhook receiver on 127.0.0.1 that checks each signature the way the README tells receivers to. */
async function startReceiver(answer: (n: number) => number = () => 200): Promise<{ url: string; received: Delivery[]; accepted: () => Delivery[]; server: Server }> {
  const received: Delivery[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-citywifi-signature'] ?? ''));
      const signatureOk = given.length === expected.length && timingSafeEqual(given, expected);
      const status = signatureOk ? answer(received.length) : 401;
      received.push({
        id: String(req.headers['x-citywifi-delivery']),
        event: String(req.headers['x-citywifi-event']),
        signatureOk,
        payload: JSON.parse(raw.toString('utf8')),
        raw: raw.toString('utf8'),
        status,
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/citywifi?token=query-secret`, received, accepted: () => received.filter((d) => d.status === 200), server };
}

function stopServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function settings(url: string | undefined): AlertSettings {
  return {
    alertWebhookUrl: url, alertWebhookSecret: SECRET, alertGatherSeconds: 60, alertFlapCount: 3, alertFlapWindowMinutes: 30,
    alertAreaMinSites: 5, alertAreaWindowMinutes: 3, timezone: 'Asia/Jakarta',
  };
}

function captureLog(): { logger: ReturnType<typeof createLogger>; text: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('controller-test', { level: 'info', destination: stream }), text: () => lines.join('') };
}

describe('alerts (real PostgreSQL, a real webhook receiver)', () => {
  const db = () => testDb();
  const clock = fixedClock('2026-11-23T08:00:00+07:00');
  const states = new Map<number, SiteState>();
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  let dispatchers: AlertDispatcher[] = [];
  let extraDb: Db | undefined;

  beforeEach(async () => {
    await resetTables();
    await db().raw(`truncate alerts, alert_changes`);
    await db().raw(`update alert_cursor set low_water = 0, state = '{}'`);
    clock.set('2026-11-23T08:00:00+07:00');
    states.clear();
  });
  afterEach(async () => {
    for (const d of dispatchers) await d.stop();
    dispatchers = [];
    if (receiver) await stopServer(receiver.server);
    receiver = undefined;
    if (extraDb) await extraDb.destroy();
    extraDb = undefined;
  });

  async function addSites(prefix: string, count: number, areaCode: string): Promise<number[]> {
    const rows = await db()('sites')
      .insert(Array.from({ length: count }, (_, i) => ({ code: `${prefix}-${i + 1}`, name: `Taman ${prefix} ${i + 1}`, area_code: areaCode, commissioned_on: '2026-01-05' })))
      .returning('id');
    return rows.map((r: { id: number }) => r.id);
  }

  /** What the controller writes when a site changes state (site_state_changes), at the clock's now. */
  async function change(siteId: number, to: SiteState): Promise<void> {
    const from = states.get(siteId) ?? 'up';
    states.set(siteId, to);
    const reason = to === 'down' ? 'refused: connect ECONNREFUSED (2 failed polls in a row)' : 'answered after 3 failed polls';
    await db()('site_state_changes').insert({ site_id: siteId, at: clock(), from_state: from, to_state: to, reason });
  }

  function dispatcher(url: string | undefined, options: { db?: Db; logger?: ReturnType<typeof createLogger> } = {}): AlertDispatcher {
    const d = createAlertDispatcher({
      db: options.db ?? db(), clock, logger: options.logger ?? createLogger('controller-test', { level: 'silent' }), settings: settings(url),
    });
    dispatchers.push(d);
    return d;
  }

  /** Moves the clock, letting every dispatcher run every 10 seconds on the way (all at once, as a fleet would). */
  async function runFor(seconds: number, ...ds: AlertDispatcher[]): Promise<void> {
    for (let s = 0; s < seconds; s += 10) {
      clock.advance(Math.min(10, seconds - s));
      await Promise.all(ds.map((d) => d.runOnce()));
    }
  }

  it('sends one signed alert when a site goes down and one when it recovers', async () => {
    receiver = await startReceiver();
    const alerts = dispatcher(receiver.url);
    const [siteId] = await addSites('CT', 1, CIATER);
    await change(siteId, 'down');
    await runFor(50, alerts);
    expect(receiver.received).to.have.length(0); // waiting a moment for others in the area
    await runFor(20, alerts);
    expect(receiver.received).to.have.length(1);
    const [outage] = receiver.received;
    expect(outage.signatureOk).to.equal(true);
    expect(outage.event).to.equal('outage');
    expect(outage.id).to.equal(String(outage.payload.id));
    expect(outage.raw).to.match(/^\{"id":\d+,"kind":"outage","at":"2026-11-23T01:01:00\.000Z","site":/);
    expect(outage.payload).to.deep.include({
      kind: 'outage',
      state: 'down',
      since: '2026-11-23T01:00:00.000Z',
      site: { code: 'CT-1', name: 'Taman CT 1', kelurahan: { code: CIATER, name: 'Ciater' }, kecamatan: { code: '36.74.01', name: 'Serpong' } },
      reason: 'refused: connect ECONNREFUSED (2 failed polls in a row)',
    });
    expect(outage.payload.message_id).to.match(/^Gangguan: titik WiFi Taman CT 1 \(CT-1\), Kel\. Ciater, Kec\. Serpong tidak dapat dihubungi sejak pukul 08\.00 WIB\./);
    await runFor(600, alerts);
    expect(receiver.received).to.have.length(1);

    await change(siteId, 'up');
    await runFor(10, alerts);
    expect(receiver.received.map((d) => d.payload.kind)).to.deep.equal(['outage', 'recovery']);
    expect(receiver.received[1].payload).to.deep.include({ state: 'up', down_since: '2026-11-23T01:00:00.000Z' });
    expect(receiver.received[1].payload.message_id).to.match(/kembali normal pukul 08\.11 WIB setelah gangguan 11 menit\.$/);
    await runFor(300, alerts);
    expect(receiver.received).to.have.length(2);
    const rows = await db()('alerts').orderBy('id').select('kind', 'sent_at', 'attempts');
    expect(rows.map((r) => [r.kind, r.sent_at !== null, r.attempts])).to.deep.equal([['outage', true, 1], ['recovery', true, 1]]);
  });

  it('never alerts a change twice, even when the cursor is wound back', async () => {
    receiver = await startReceiver();
    const alerts = dispatcher(receiver.url);
    const [siteId] = await addSites('CT', 1, CIATER);
    await change(siteId, 'down');
    await runFor(70, alerts);
    expect(receiver.accepted()).to.have.length(1);
    await db().raw(`update alert_cursor set low_water = 0, state = '{}'`);
    await runFor(600, alerts);
    expect(receiver.received).to.have.length(1);
    expect(await db()('alerts').count<{ n: number }[]>({ n: '*' })).to.deep.equal([{ n: 1 }]);
  });

  it('reports a flapping site once instead of a flood, and once more when it is stable', async () => {
    receiver = await startReceiver();
    const alerts = dispatcher(receiver.url);
    const [siteId] = await addSites('CT', 1, CIATER);
    for (let i = 0; i < 10; i++) {
      await change(siteId, 'down');
      await runFor(120, alerts);
      await change(siteId, 'up');
      await runFor(120, alerts);
    }
    expect(receiver.accepted().map((d) => d.payload.kind)).to.deep.equal(['outage', 'recovery', 'outage', 'recovery', 'flapping']);
    expect(receiver.accepted()[4].payload.message_en).to.match(/went down 3 times within 30 minutes\. Alerts for this site are held until it has been stable for 30 minutes\.$/);
    await runFor(35 * 60, alerts);
    expect(receiver.accepted().map((d) => d.payload.kind)).to.deep.equal(['outage', 'recovery', 'outage', 'recovery', 'flapping', 'recovery']);
    // the 20 changes are all accounted for: looked at once, 6 of them reported
    const covered = await db()('alerts').select('change_ids');
    expect(covered.flatMap((r) => r.change_ids)).to.have.length(6);
  });

  it('makes 8 sites of one kelurahan going down within 2 minutes one area alert with the kelurahan and the count', async () => {
    receiver = await startReceiver();
    const alerts = dispatcher(receiver.url);
    const ids = await addSites('CT', 8, CIATER);
    const lone = await addSites('SW', 1, SAWAH);
    for (const id of ids) {
      await change(id, 'down');
      await runFor(15, alerts);
    }
    await change(lone[0], 'down');
    await runFor(300, alerts);
    expect(receiver.accepted().map((d) => d.payload.kind).sort()).to.deep.equal(['area-outage', 'outage']);
    const area = receiver.accepted().find((d) => d.payload.kind === 'area-outage')!;
    expect(area.payload).to.deep.include({ area: { code: CIATER, name: 'Ciater', level: 'kelurahan' }, count: 8, state: 'down' });
    expect(area.payload.sites).to.deep.equal(Array.from({ length: 8 }, (_, i) => `CT-${i + 1}`));
    expect(area.payload.message_id).to.match(/^Gangguan wilayah: 8 titik WiFi di Kelurahan Ciater, Kec\. Serpong tidak dapat dihubungi sejak pukul 08\.00 WIB/);
    const row = await db()('alerts').where({ kind: 'area-outage' }).first();
    expect(row.area_code).to.equal(CIATER);
    expect(row.change_ids).to.have.length(8);

    for (const id of ids) await change(id, 'up');
    await runFor(120, alerts);
    const recovery = receiver.accepted().find((d) => d.payload.kind === 'area-recovery')!;
    expect(recovery.payload).to.deep.include({ count: 8, still_down: 0 });
    expect(receiver.accepted()).to.have.length(3);
  });

  it('delivers an alert once after the receiver failed, and logs no secret', async () => {
    receiver = await startReceiver((n) => (n === 0 ? 500 : 200));
    const log = captureLog();
    const alerts = dispatcher(receiver.url, { logger: log.logger });
    const [siteId] = await addSites('CT', 1, CIATER);
    await change(siteId, 'down');
    await runFor(60, alerts);
    expect(receiver.received.map((d) => d.status)).to.deep.equal([500]);
    const failed = await db()('alerts').first();
    expect(failed).to.include({ sent_at: null, attempts: 1 });
    expect(failed.last_error).to.match(/^the alert receiver http:\/\/127\.0\.0\.1:\d+\/hooks\/citywifi answered HTTP 500/);
    await runFor(10, alerts);
    expect(receiver.received.map((d) => d.status)).to.deep.equal([500, 200]);
    expect(receiver.received[0].id).to.equal(receiver.received[1].id); // the same delivery id: a receiver can de-duplicate
    await runFor(600, alerts);
    expect(receiver.accepted()).to.have.length(1);
    const sent = await db()('alerts').first();
    expect(sent.sent_at).to.not.equal(null);
    expect(sent.last_error).to.equal(null);
    expect(log.text()).to.contain('alert not delivered; will retry');
    expect(log.text()).to.contain('alert delivered');
    for (const secret of [SECRET, 'query-secret']) expect(log.text()).not.to.contain(secret);
  });

  it('has two dispatchers on one database deliver each alert exactly once', async () => {
    receiver = await startReceiver();
    extraDb = await createDb({ databaseUrl: testDatabaseUrl(), dataDir: '.' }, { poolMax: 4 });
    const a = dispatcher(receiver.url);
    const b = dispatcher(receiver.url, { db: extraDb });
    const area = await addSites('CT', 6, CIATER);
    const lone = await addSites('SW', 3, SAWAH);
    for (const id of [...area, ...lone]) await change(id, 'down');
    await runFor(120, a, b);
    for (const id of lone) await change(id, 'up');
    await runFor(30, a, b);
    await change(lone[0], 'down');
    for (const id of area) await change(id, 'up');
    await runFor(180, a, b);

    const rows = await db()('alerts').orderBy('id').select('id', 'kind', 'sent_at');
    expect(rows.map((r) => r.kind)).to.deep.equal(['area-outage', 'outage', 'outage', 'outage', 'recovery', 'recovery', 'recovery', 'outage', 'area-recovery']);
    expect(rows.every((r) => r.sent_at !== null)).to.equal(true);
    const deliveries = receiver.accepted().map((d) => d.id);
    expect(deliveries).to.deep.equal(rows.map((r) => String(r.id))); // each once, in order
    expect(receiver.received.every((d) => d.signatureOk)).to.equal(true);
  });

  it('records alerts without sending them when no webhook is configured', async () => {
    const alerts = dispatcher(undefined);
    const [siteId] = await addSites('CT', 1, CIATER);
    await change(siteId, 'down');
    const reports = [];
    for (let i = 0; i < 8; i++) {
      clock.advance(10);
      reports.push(await alerts.runOnce());
    }
    expect(reports.reduce((n, r) => n + r.created, 0)).to.equal(1);
    expect(reports.reduce((n, r) => n + r.sent + r.failed, 0)).to.equal(0);
    const row = await db()('alerts').first();
    expect(row).to.include({ kind: 'outage', sent_at: null, next_attempt_at: null, last_error: 'not sent: ALERT_WEBHOOK_URL is not set' });
    expect(row.payload).to.include({ kind: 'outage', id: Number(row.id) });
  });
});
