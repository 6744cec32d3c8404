import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { addNas } from '../../../core/db/queries/nas.js';
import { CODE, encodeRequest, RadiusClient } from '../../../core/radius/index.js';
import { box, hotspotAttributes, NAS_SECRET, seedBasics, startFixture, type RadiusFixture } from '../../helpers/radius-fixture.js';
import { testDb } from '../../helpers/test-db.js';

const MAC = 'AA:BB:CC:00:00:31';

async function metricValue(f: RadiusFixture, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${f.server.metricsPort}/metrics`)).text();
  const match = text.match(pattern);
  return match ? Number(match[1]) : 0;
}

async function expectNoAnswer(promise: Promise<unknown>): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  expect(String(error)).to.match(/timeout/i);
}

describe('RADIUS authenticity and bad input', () => {
  let f: RadiusFixture;
  afterEach(() => f.stop());

  describe('with a NAS that requires Message-Authenticator (the default)', () => {
    beforeEach(async () => {
      await seedBasics();
      f = await startFixture();
    });

    it('answers with Message-Authenticator as the first attribute', async () => {
      const reply = await f.auth(hotspotAttributes('petugas', MAC), { userPassword: 'rahasia-petugas' });
      expect(reply.code).to.equal(CODE.ACCESS_ACCEPT);
      expect(reply.raw[20]).to.equal(80);
      expect(reply.raw[21]).to.equal(18);
      const reject = await f.auth(hotspotAttributes('petugas', MAC), { userPassword: 'wrong' });
      expect(reject.raw[20]).to.equal(80);
    });

    it('drops an Access-Request without Message-Authenticator and counts it', async () => {
      await expectNoAnswer(f.auth(hotspotAttributes('petugas', MAC), { userPassword: 'rahasia-petugas', messageAuthenticator: false }));
      expect(await metricValue(f, /citywifi_radius_dropped_total\{reason="missing-message-authenticator"\} (\d+)/)).to.equal(1);
    });

    it('drops packets signed with the wrong secret', async () => {
      const wrong = new RadiusClient({ host: '127.0.0.1', port: f.server.acctPort, secret: 'not-the-secret', timeoutMs: 500, retries: 0 });
      try {
        await expectNoAnswer(wrong.request(CODE.ACCOUNTING_REQUEST, [...hotspotAttributes('x', MAC), ['Acct-Session-Id', 'w'], ['Acct-Status-Type', 'Start']]));
      } finally {
        await wrong.close();
      }
      expect(await metricValue(f, /citywifi_radius_dropped_total\{reason="bad-authenticator"\} (\d+)/)).to.equal(1);
      expect(await testDb()('sessions').count('* as n').first()).to.deep.equal({ n: 0 });
    });

    it('drops an unknown client, and serves a NAS added a moment ago without a restart', async () => {
      const stranger = new RadiusClient({ host: '127.0.0.1', port: f.server.authPort, secret: 'router-3-secret', timeoutMs: 500, retries: 0, localAddress: '127.0.0.3' });
      try {
        await expectNoAnswer(stranger.request(CODE.ACCESS_REQUEST, hotspotAttributes('petugas', MAC), { userPassword: 'rahasia-petugas' }));
        await addNas(testDb(), box, { name: 'router-3', address: '127.0.0.3', secret: 'router-3-secret' });
        await new Promise((r) => setTimeout(r, 1100));
        const reply = await stranger.request(CODE.ACCESS_REQUEST, hotspotAttributes('petugas', MAC), { userPassword: 'rahasia-petugas' });
        expect(reply.code).to.equal(CODE.ACCESS_ACCEPT);
      } finally {
        await stranger.close();
      }
    });

    it('answers Status-Server on the authentication port', async () => {
      const reply = await f.authClient.request(CODE.STATUS_SERVER, [['NAS-Identifier', 'probe']]);
      expect(reply.code).to.equal(CODE.ACCESS_ACCEPT);
    });

    it('survives 100,000 random and mutated packets, writes nothing, and still answers', async function () {
      this.timeout(180_000);
      const valid = [
        encodeRequest(CODE.ACCESS_REQUEST, 1, hotspotAttributes('petugas', MAC), NAS_SECRET, { userPassword: 'rahasia-petugas' }).raw,
        encodeRequest(CODE.ACCESS_REQUEST, 2, hotspotAttributes('petugas', MAC), NAS_SECRET, { chap: { password: 'rahasia-petugas' } }).raw,
        encodeRequest(CODE.ACCOUNTING_REQUEST, 3, [...hotspotAttributes('petugas', MAC), ['Acct-Session-Id', 'fz'], ['Acct-Status-Type', 'Start']], NAS_SECRET).raw,
        encodeRequest(CODE.STATUS_SERVER, 4, [['NAS-Identifier', 'fz']], NAS_SECRET).raw,
      ];
      function mutate(packet: Buffer): Buffer {
        const out = Buffer.from(packet);
        switch (Math.floor(Math.random() * 6)) {
          case 0: // flip bytes, but never all in the header: those are the interesting ones
            for (let i = 0; i < 1 + Math.floor(Math.random() * 4); i++) out[20 + Math.floor(Math.random() * (out.length - 20))] ^= 1 + Math.floor(Math.random() * 255);
            return out;
          case 1:
            return out.subarray(0, Math.floor(Math.random() * out.length));
          case 2:
            out.writeUInt16BE(Math.floor(Math.random() * 65536), 2);
            return out;
          case 3:
            out[0] = Math.floor(Math.random() * 256);
            return out;
          case 4: // an attribute length that lies
            out[21 + Math.floor(Math.random() * 4)] = Math.floor(Math.random() * 256);
            return out;
          default:
            return Buffer.concat([out, randomBytes(Math.floor(Math.random() * 4200))]);
        }
      }
      const socket = createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
      await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
      const total = 100_000;
      for (let sent = 0; sent < total; ) {
        const batch: Promise<void>[] = [];
        for (let i = 0; i < 500 && sent < total; i++, sent++) {
          const packet = sent % 3 === 0 ? randomBytes(Math.floor(Math.random() * 4200)) : mutate(valid[sent % valid.length]);
          const port = sent % 2 === 0 ? f.server.authPort : f.server.acctPort;
          batch.push(new Promise((resolve) => socket.send(packet, port, '127.0.0.1', () => resolve())));
        }
        await Promise.all(batch);
        await new Promise((r) => setTimeout(r, 5));
      }
      socket.close();
      await new Promise((r) => setTimeout(r, 500));
      const reply = await f.auth(hotspotAttributes('petugas', MAC), { userPassword: 'rahasia-petugas' });
      expect(reply.code).to.equal(CODE.ACCESS_ACCEPT);
      expect(await testDb()('sessions').count('* as n').first()).to.deep.equal({ n: 0 });
      const dropped = await metricValue(f, /citywifi_radius_dropped_total\{reason="malformed"\} (\d+)/);
      expect(dropped).to.be.greaterThan(10_000);
    });
  });

  describe('with a NAS that does not require Message-Authenticator', () => {
    beforeEach(async () => {
      await seedBasics({}, { requireMessageAuthenticator: false });
      f = await startFixture();
    });

    it('accepts a request without it, but still drops Proxy-State without it (BlastRADIUS)', async () => {
      const plain = await f.auth(hotspotAttributes('petugas', MAC), { userPassword: 'rahasia-petugas', messageAuthenticator: false });
      expect(plain.code).to.equal(CODE.ACCESS_ACCEPT);
      await expectNoAnswer(
        f.auth([...hotspotAttributes('petugas', MAC), ['Proxy-State', Buffer.from('abc')]], { userPassword: 'rahasia-petugas', messageAuthenticator: false }),
      );
      expect(await metricValue(f, /citywifi_radius_dropped_total\{reason="proxy-state-without-message-authenticator"\} (\d+)/)).to.equal(1);
    });
  });
});
