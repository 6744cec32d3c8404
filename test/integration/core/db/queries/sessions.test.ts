import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecretBox } from '../../../../../core/crypto.js';
import { createDb, migrateLatest, type Db } from '../../../../../core/db/index.js';
import { addNas } from '../../../../../core/db/queries/nas.js';
import { recordAccounting, type AccountingRecord, type AccountingStatus } from '../../../../../core/db/queries/sessions.js';
import { resetTables, TEST_SECRET_KEY, testDb } from '../../../../helpers/test-db.js';

const box = createSecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));
const T0 = Date.parse('2026-11-20T03:00:00.000Z');

/** A record of session `id` on `nasId`, `elapsed` seconds after its start, as the server parses it. */
function rec(nasId: number, id: string, status: AccountingStatus, elapsed: number, extra: Partial<AccountingRecord> = {}): AccountingRecord {
  const scale = elapsed / 300;
  return {
    status,
    nasId,
    siteId: null,
    nasIp: '10.1.0.1',
    eventAt: new Date(T0 + elapsed * 1000),
    acctSessionId: id,
    username: 'petugas',
    mac: 'AA:BB:CC:00:00:31',
    framedIp: '10.5.0.31',
    nasPortId: 'bridge-hotspot',
    sessionTime: elapsed,
    inputOctets: 1000 * scale,
    outputOctets: 5000 * scale,
    inputPackets: 10 * scale,
    outputPackets: 50 * scale,
    terminateCause: status === 'stop' ? 'User-Request' : undefined,
    ...extra,
  };
}

function nasEvent(nasId: number, status: 'accounting-on' | 'accounting-off', at: number): AccountingRecord {
  return { status, nasId, siteId: null, nasIp: '10.1.0.1', eventAt: new Date(at) };
}

async function rows(db: Db, id: string) {
  return db('sessions').where({ acct_session_id: id }).orderBy('id');
}

/** A row without its id, to compare a session stored from one batch with one stored record by record. */
function content(row: Record<string, unknown>) {
  const { id, acct_session_id, ...rest } = row;
  void id;
  void acct_session_id;
  return rest;
}

describe('session queries: recordAccounting', () => {
  let nasId: number;
  let otherNasId: number;
  beforeEach(async () => {
    await resetTables();
    nasId = (await addNas(testDb(), box, { name: 'r1', address: '10.1.0.1', secret: 's' })).id;
    otherNasId = (await addNas(testDb(), box, { name: 'r2', address: '10.1.0.2', secret: 's' })).id;
  });

  it('stores a session whose Start, Interim-Update and Stop come in one batch as if they came one by one', async () => {
    const db = testDb();
    const records = (id: string) => [
      rec(nasId, id, 'start', 0, { sessionTime: 0, inputOctets: 0, outputOctets: 0, inputPackets: 0, outputPackets: 0 }),
      rec(nasId, id, 'interim', 300),
      rec(nasId, id, 'start', 0, { sessionTime: 0, inputOctets: 0, outputOctets: 0, inputPackets: 0, outputPackets: 0 }),
      rec(nasId, id, 'stop', 600, { outputOctets: 3 * 2 ** 32 + 5, terminateCause: 'Idle-Timeout' }),
      rec(nasId, id, 'interim', 300),
    ];
    await recordAccounting(db, records('together'));
    for (const r of records('apart')) await recordAccounting(db, [r]);
    const [together] = await rows(db, 'together');
    const [apart] = await rows(db, 'apart');
    expect(await rows(db, 'together')).to.have.length(1);
    expect(await rows(db, 'apart')).to.have.length(1);
    expect(content(together)).to.deep.equal(content(apart));
    expect(together.session_time).to.equal(600);
    expect(together.output_octets).to.equal(3 * 2 ** 32 + 5);
    expect(together.terminate_cause).to.equal('Idle-Timeout');
    expect(together.closed_by).to.equal('stop');
    expect(new Date(together.started_at).getTime()).to.equal(T0);
    expect(new Date(together.stopped_at).getTime()).to.equal(T0 + 600_000);
    expect(new Date(together.updated_at).getTime()).to.equal(T0 + 600_000);
  });

  it('keeps counters from going down and a second Stop from changing anything, whatever the batches', async () => {
    const db = testDb();
    await recordAccounting(db, [rec(nasId, 's1', 'start', 0), rec(otherNasId, 's1', 'start', 0)]);
    await recordAccounting(db, [rec(nasId, 's1', 'stop', 600)]);
    const [before] = await rows(db, 's1');
    // A late interim, a retransmitted Stop seen later (Acct-Delay-Time moved its time back) and a Start again.
    await recordAccounting(db, [rec(nasId, 's1', 'interim', 300), rec(nasId, 's1', 'stop', 600, { terminateCause: 'Lost-Carrier' }), rec(nasId, 's1', 'start', 0)]);
    const after = await rows(db, 's1');
    expect(after).to.have.length(2);
    const mine = after.find((r) => r.nas_id === nasId);
    expect(mine).to.deep.equal(before);
    const other = after.find((r) => r.nas_id === otherNasId);
    expect(other.stopped_at).to.equal(null);
  });

  it('finds a session by a time within 15 minutes of its start, and starts another beyond that', async () => {
    const db = testDb();
    await recordAccounting(db, [rec(nasId, 'reused', 'start', 0)]);
    // The interim says 300 s but comes 10 minutes late: its start is 10 minutes off, still the same session.
    await recordAccounting(db, [rec(nasId, 'reused', 'interim', 300, { eventAt: new Date(T0 + 900_000) })]);
    expect(await rows(db, 'reused')).to.have.length(1);
    // The same Acct-Session-Id a day later (a router counts again from the start after a reboot).
    await recordAccounting(db, [rec(nasId, 'reused', 'start', 0, { eventAt: new Date(T0 + 86_400_000) })]);
    const both = await rows(db, 'reused');
    expect(both).to.have.length(2);
    expect(both.map((r) => new Date(r.started_at).getTime())).to.deep.equal([T0, T0 + 86_400_000]);
    expect(both[0].session_time).to.equal(300);
    expect(both[1].session_time).to.equal(0);
  });

  it('applies Accounting-On in arrival order inside a batch: it closes what that NAS started before it, only', async () => {
    const db = testDb();
    await recordAccounting(db, [
      rec(nasId, 'before', 'start', 0),
      rec(otherNasId, 'elsewhere', 'start', 0),
      nasEvent(nasId, 'accounting-on', T0 + 60_000),
      rec(nasId, 'after', 'start', 0, { eventAt: new Date(T0 + 61_000) }),
      rec(nasId, 'after', 'interim', 300, { eventAt: new Date(T0 + 361_000) }),
    ]);
    const [before] = await rows(db, 'before');
    expect(before.closed_by).to.equal('accounting-on');
    expect(before.terminate_cause).to.equal('NAS-Reboot');
    const [after] = await rows(db, 'after');
    expect(after.stopped_at).to.equal(null);
    expect(after.session_time).to.equal(300);
    const [elsewhere] = await rows(db, 'elsewhere');
    expect(elsewhere.stopped_at).to.equal(null);
    // A Stop for the session closed by the reboot still records its last counters.
    await recordAccounting(db, [rec(nasId, 'before', 'stop', 600), nasEvent(nasId, 'accounting-off', T0 + 900_000)]);
    const [stopped] = await rows(db, 'before');
    expect(stopped.closed_by).to.equal('stop');
    expect(stopped.session_time).to.equal(600);
    const [off] = await rows(db, 'after');
    expect(off.closed_by).to.equal('accounting-off');
  });

  it('stores any text a router sends, quotes, commas, braces, backslashes and all', async () => {
    const db = testDb();
    const odd = ['a "quoted", {braced} \\ name', 'NULL', '', 'tab\there', 'ünï', 'nul\0byte'];
    await recordAccounting(
      db,
      odd.map((text, i) => rec(nasId, `odd-${i}`, 'start', 0, { username: text, nasPortId: text, class: text })),
    );
    for (let i = 0; i < odd.length; i++) {
      const [row] = await rows(db, `odd-${i}`);
      const stored = odd[i].replace(/\0/g, '');
      expect(row.username).to.equal(stored);
      expect(row.nas_port_id).to.equal(stored);
      expect(row.class).to.equal(stored);
    }
  });

  it('takes an empty batch', async () => {
    await recordAccounting(testDb(), []);
  });

  it('works the same on the embedded database (PGlite)', async function () {
    this.timeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), 'citywifi-pglite-acct-'));
    const db = await createDb({ databaseUrl: undefined, dataDir: dir });
    try {
      await migrateLatest(db);
      const nas = await addNas(db, box, { name: 'r1', address: '10.1.0.1', secret: 's' });
      await recordAccounting(db, [rec(nas.id, 'p1', 'start', 0), rec(nas.id, 'p1', 'interim', 300)]);
      await recordAccounting(db, [rec(nas.id, 'p1', 'stop', 600), nasEvent(nas.id, 'accounting-on', T0 + 700_000), rec(nas.id, 'p2', 'start', 0)]);
      const [p1] = await rows(db, 'p1');
      expect(p1.session_time).to.equal(600);
      expect(p1.closed_by).to.equal('stop');
      const [p2] = await rows(db, 'p2');
      expect(p2.closed_by).to.equal(null);
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
