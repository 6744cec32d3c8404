import { expect } from 'chai';
import { createSocket, type Socket } from 'node:dgram';
import { CODE, decodeRequest, encodeResponse } from '../../../core/radius/index.js';
import { hotspotAttributes, seedBasics, startFixture, type RadiusFixture } from '../../helpers/radius-fixture.js';
import { expectRefused, runCli } from '../../helpers/run-cli.js';
import { testDb } from '../../helpers/test-db.js';

const MAC = 'AA:BB:CC:00:00:51';

/** A router's /radius incoming: answers Disconnect-Requests the way the test says. */
async function fakeRouter(secret: string, answer: 'ack' | 'nak'): Promise<{ port: number; received: string[]; close(): void }> {
  const socket: Socket = createSocket('udp4');
  const received: string[] = [];
  socket.on('message', (msg, rinfo) => {
    const decoded = decodeRequest(msg, secret, { requireMessageAuthenticator: false });
    if (!decoded.ok) return;
    received.push(String(decoded.request.attributes['Acct-Session-Id']));
    const reply =
      answer === 'ack'
        ? encodeResponse(decoded.request, CODE.DISCONNECT_ACK, [], secret)
        : encodeResponse(decoded.request, CODE.DISCONNECT_NAK, [['Error-Cause', 503]], secret);
    socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { port: socket.address().port, received, close: () => socket.close() };
}

describe('citywifi sessions', () => {
  let f: RadiusFixture;
  beforeEach(async () => {
    await seedBasics();
    f = await startFixture();
    await f.acct([...hotspotAttributes('petugas', MAC, [['Acct-Session-Id', 'live-a']]), ['Acct-Status-Type', 'Start']]);
    await f.acct([...hotspotAttributes('petugas', MAC, [['Acct-Session-Id', 'done-b']]), ['Acct-Status-Type', 'Stop'], ['Acct-Session-Time', 60], ['Acct-Output-Octets', 777], ['Acct-Terminate-Cause', 'User-Request']]);
  });
  afterEach(() => f.stop());

  it('list --json gives the documented keys, and --active only open sessions', async () => {
    const all = await runCli(['sessions', 'list', '--json']);
    expect(all.code, all.stderr).to.equal(0);
    const rows = JSON.parse(all.stdout);
    expect(rows).to.have.length(2);
    const done = rows.find((r: { acct_session_id: string }) => r.acct_session_id === 'done-b');
    expect(Object.keys(done)).to.include.members(['acct_session_id', 'username', 'nas', 'site', 'mac', 'started_at', 'stopped_at', 'session_time', 'input_octets', 'output_octets', 'terminate_cause']);
    expect(done).to.include({ username: 'petugas', nas: 'loopback', mac: MAC, session_time: 60, output_octets: 777, terminate_cause: 'User-Request' });

    const active = JSON.parse((await runCli(['sessions', 'list', '--active', '--json'])).stdout);
    expect(active.map((r: { acct_session_id: string }) => r.acct_session_id)).to.deep.equal(['live-a']);
  });

  it('disconnect sends a Disconnect-Request to the router and reports ACK, or NAK with its Error-Cause', async () => {
    const [live] = await testDb()('sessions').where({ acct_session_id: 'live-a' });
    const acking = await fakeRouter('testing123-citywifi', 'ack');
    try {
      await testDb()('nas').update({ coa_port: acking.port });
      const ok = await runCli(['sessions', 'disconnect', String(live.id), '--timeout', '1000']);
      expect(ok.code, ok.stderr).to.equal(0);
      expect(ok.stdout).to.match(/^disconnected: session \d+ at loopback/);
      expect(acking.received).to.deep.equal(['live-a']);
    } finally {
      acking.close();
    }
    const naking = await fakeRouter('testing123-citywifi', 'nak');
    try {
      await testDb()('nas').update({ coa_port: naking.port });
      const refused = await runCli(['sessions', 'disconnect', String(live.id), '--timeout', '1000']);
      expect(refused.code).to.equal(3);
      expect(refused.stdout).to.match(/Disconnect-NAK Error-Cause 503 Session-Context-Not-Found/);
    } finally {
      naking.close();
    }
  });

  it('disconnect says plainly when the router does not answer', async () => {
    const [live] = await testDb()('sessions').where({ acct_session_id: 'live-a' });
    await testDb()('nas').update({ coa_port: 9 });
    const r = await runCli(['sessions', 'disconnect', String(live.id), '--timeout', '300']);
    expect(r.code).to.equal(4);
    expect(r.stdout).to.match(/did not answer/);
  });

  it('disconnect refuses an unknown or finished session in one line', async () => {
    expectRefused(await runCli(['sessions', 'disconnect', '999999']), /no session with id 999999/);
    const [done] = await testDb()('sessions').where({ acct_session_id: 'done-b' });
    expectRefused(await runCli(['sessions', 'disconnect', String(done.id)]), /already ended/);
    expectRefused(await runCli(['sessions', 'disconnect', 'abc']), /must be a number/);
  });
});
