import { expect } from 'chai';
import { createSocket } from 'node:dgram';
import { CODE, encodeRequest } from '../../../core/radius/index.js';
import { hotspotAttributes, NAS_SECRET, seedBasics, startFixture, type RadiusFixture } from '../../helpers/radius-fixture.js';
import { testDb } from '../../helpers/test-db.js';

const MAC = 'AA:BB:CC:00:00:21';

function session(id: string) {
  return hotspotAttributes('petugas', MAC, [['Acct-Session-Id', id]]);
}

async function sessionRows(acctSessionId: string) {
  return testDb()('sessions').where({ acct_session_id: acctSessionId }).orderBy('id');
}

/** Sends the same bytes from one socket, as a router retransmitting, and collects the replies. */
async function sendRaw(port: number, packet: Buffer, times: number, gapMs = 20): Promise<Buffer[]> {
  const socket = createSocket('udp4');
  const replies: Buffer[] = [];
  socket.on('message', (m) => replies.push(m));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  for (let i = 0; i < times; i++) {
    socket.send(packet, port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, gapMs));
  }
  await new Promise((r) => setTimeout(r, 300));
  socket.close();
  return replies;
}

describe('RADIUS accounting', () => {
  let f: RadiusFixture;
  beforeEach(async () => {
    await seedBasics();
    f = await startFixture();
  });
  afterEach(() => f.stop());

  it('Start, Interim-Update and Stop make one session with totals that include gigawords', async () => {
    expect((await f.acct([...session('s-1'), ['Acct-Status-Type', 'Start']])).code).to.equal(CODE.ACCOUNTING_RESPONSE);
    f.clock.advance(300);
    await f.acct([...session('s-1'), ['Acct-Status-Type', 'Interim-Update'], ['Acct-Session-Time', 300], ['Acct-Input-Octets', 1000], ['Acct-Output-Octets', 5000]]);
    f.clock.advance(300);
    await f.acct([
      ...session('s-1'),
      ['Acct-Status-Type', 'Stop'],
      ['Acct-Session-Time', 600],
      ['Acct-Input-Octets', 2000],
      ['Acct-Output-Octets', 7],
      ['Acct-Output-Gigawords', 2],
      ['Acct-Terminate-Cause', 'Idle-Timeout'],
    ]);
    const rows = await sessionRows('s-1');
    expect(rows).to.have.length(1);
    expect(rows[0].session_time).to.equal(600);
    expect(rows[0].input_octets).to.equal(2000);
    expect(rows[0].output_octets).to.equal(2 * 2 ** 32 + 7);
    expect(rows[0].terminate_cause).to.equal('Idle-Timeout');
    expect(rows[0].mac).to.equal(MAC);
    expect(new Date(rows[0].stopped_at).getTime()).to.equal(f.clock().getTime());
    expect(new Date(rows[0].started_at).getTime()).to.equal(f.clock().getTime() - 600_000);
  });

  it('a retransmission with a new Identifier and Acct-Delay-Time lands once, and a second Stop changes nothing', async () => {
    await f.acct([...session('s-2'), ['Acct-Status-Type', 'Start']]);
    f.clock.advance(2);
    await f.acct([...session('s-2'), ['Acct-Status-Type', 'Start'], ['Acct-Delay-Time', 2]]);
    f.clock.advance(120);
    const stop = [...session('s-2'), ['Acct-Status-Type', 'Stop'], ['Acct-Session-Time', 120], ['Acct-Input-Octets', 10], ['Acct-Terminate-Cause', 'User-Request']] as const;
    await f.acct([...stop] as never);
    const before = await sessionRows('s-2');
    f.clock.advance(30);
    await f.acct([...stop, ['Acct-Delay-Time', 30]] as never);
    const after = await sessionRows('s-2');
    expect(after).to.have.length(1);
    expect(after).to.deep.equal(before);
  });

  it('the same datagram again gets the same reply and is handled once', async () => {
    const { raw } = encodeRequest(CODE.ACCOUNTING_REQUEST, 77, [...session('s-3'), ['Acct-Status-Type', 'Start']], NAS_SECRET);
    const replies = await sendRaw(f.server.acctPort, raw, 3);
    expect(replies).to.have.length(3);
    expect(replies[1].equals(replies[0])).to.equal(true);
    expect(replies[2].equals(replies[0])).to.equal(true);
    expect(await sessionRows('s-3')).to.have.length(1);
    const metrics = await (await fetch(`http://127.0.0.1:${f.server.metricsPort}/metrics`)).text();
    expect(metrics).to.match(/citywifi_radius_requests_total\{type="accounting",result="duplicate"\} 2/);
  });

  it('a Stop without a Start still records the session, started when its time says', async () => {
    await f.acct([...session('s-4'), ['Acct-Status-Type', 'Stop'], ['Acct-Session-Time', 900], ['Acct-Input-Octets', 5]]);
    const rows = await sessionRows('s-4');
    expect(rows).to.have.length(1);
    expect(new Date(rows[0].started_at).getTime()).to.equal(f.clock().getTime() - 900_000);
    expect(rows[0].stopped_at).not.to.equal(null);
  });

  it('Accounting-On from a rebooted router closes its open sessions', async () => {
    await f.acct([...session('s-5'), ['Acct-Status-Type', 'Start']]);
    await f.acct([...session('s-6'), ['Acct-Status-Type', 'Start']]);
    f.clock.advance(60);
    await f.acct([['NAS-IP-Address', '127.0.0.1'], ['NAS-Identifier', 'taman-kota-1'], ['Acct-Status-Type', 'Accounting-On']]);
    const open = await testDb()('sessions').whereNull('stopped_at');
    expect(open).to.have.length(0);
    const closed = await testDb()('sessions').whereIn('acct_session_id', ['s-5', 's-6']);
    expect(closed.map((r) => r.closed_by)).to.deep.equal(['accounting-on', 'accounting-on']);
  });

  it('a session with no update for several interim intervals is closed as stale, and an interim revives it', async () => {
    await f.acct([...session('s-7'), ['Acct-Status-Type', 'Start']]);
    f.clock.advance(3 * 300 + 1);
    expect(await f.server.closeStaleSessions()).to.equal(1);
    const [stale] = await sessionRows('s-7');
    expect(stale.closed_by).to.equal('stale');
    await f.acct([...session('s-7'), ['Acct-Status-Type', 'Interim-Update'], ['Acct-Session-Time', 901]]);
    const [revived] = await sessionRows('s-7');
    expect(revived.stopped_at).to.equal(null);
  });

  it('is acknowledged only once stored: while the database refuses, the router gets no answer', async () => {
    await testDb().raw('alter function radius_account_batch rename to radius_account_batch_off');
    try {
      let error: unknown;
      try {
        await f.acct([...session('s-8'), ['Acct-Status-Type', 'Start']]);
      } catch (e) {
        error = e;
      }
      expect(String(error)).to.match(/timeout/i);
    } finally {
      await testDb().raw('alter function radius_account_batch_off rename to radius_account_batch');
    }
    expect((await f.acct([...session('s-8'), ['Acct-Status-Type', 'Start']])).code).to.equal(CODE.ACCOUNTING_RESPONSE);
    expect(await sessionRows('s-8')).to.have.length(1);
  });

  it('Status-Server on the accounting port is answered', async () => {
    const reply = await f.acctClient.request(CODE.STATUS_SERVER, [['NAS-Identifier', 'probe']]);
    expect(reply.code).to.equal(CODE.ACCOUNTING_RESPONSE);
  });
});
