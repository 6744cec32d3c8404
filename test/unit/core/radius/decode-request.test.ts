import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { decodeRequest, encodeRequest, peekHeader, CODE, type DropReason } from '../../../../core/radius/index.js';
import { craftPacket, findAttribute, hmacMd5, md5, signLikeRfc5176 } from './packet-bytes.js';

const SECRET = 'testing123';
const REQUIRE_MA = { requireMessageAuthenticator: true };
const MA_OPTIONAL = { requireMessageAuthenticator: false };

function reasonFor(raw: Buffer, options = REQUIRE_MA): DropReason | 'ok' {
  const decoded = decodeRequest(raw, SECRET, options);
  return decoded.ok ? 'ok' : decoded.reason;
}

/** An Access-Request as RouterOS sends it, with an MA first when `ma`. */
function craftAccessRequest(extra: Array<[number, Buffer]>, ma: boolean): Buffer {
  const attributes: Array<[number, Buffer]> = [[1, Buffer.from('alice')], [32, Buffer.from('hs-01')], ...extra];
  if (ma) attributes.unshift([80, Buffer.alloc(16)]);
  const raw = craftPacket(CODE.ACCESS_REQUEST, 3, randomBytes(16), attributes);
  if (ma) hmacMd5(SECRET, raw).copy(raw, 22);
  return raw;
}

function accountingRequest(options: { messageAuthenticator?: boolean } = {}): Buffer {
  const attributes: Parameters<typeof encodeRequest>[2] = [
    ['Acct-Status-Type', 'Interim-Update'],
    ['Acct-Session-Id', '81a00003'],
    ['User-Name', 'alice'],
    ['Acct-Input-Octets', 1234],
    ['Acct-Input-Gigawords', 2],
    ['Calling-Station-Id', 'AA:BB:CC:DD:EE:FF'],
    ['Vendor-Specific', 14988, [['Mikrotik-Host-IP', '10.0.0.2']]],
  ];
  return encodeRequest(CODE.ACCOUNTING_REQUEST, 17, attributes, SECRET, options).raw;
}

describe('decodeRequest', () => {
  it('decodes an accounting request as the radius package names things', () => {
    const raw = accountingRequest();
    const decoded = decodeRequest(raw, SECRET, REQUIRE_MA);
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.request).to.deep.include({ code: CODE.ACCOUNTING_REQUEST, identifier: 17, hasMessageAuthenticator: false, proxyStates: [] });
    expect(decoded.request.attributes).to.deep.include({
      'Acct-Status-Type': 'Interim-Update',
      'Acct-Session-Id': '81a00003',
      'Acct-Input-Octets': 1234,
      'Acct-Input-Gigawords': 2,
      'Calling-Station-Id': 'AA:BB:CC:DD:EE:FF',
      'Vendor-Specific': { 'Mikrotik-Host-IP': '10.0.0.2' },
    });
  });

  it('checks the accounting Request Authenticator: one flipped byte is refused', () => {
    const raw = accountingRequest();
    expect(reasonFor(raw)).to.equal('ok');
    for (const position of [1, 5, 19, raw.length - 1]) {
      const flipped = Buffer.from(raw);
      flipped[position] ^= 0x01;
      expect(reasonFor(flipped), `byte ${position}`).to.equal('bad-authenticator');
    }
    expect(decodeRequest(raw, 'another-secret', REQUIRE_MA)).to.deep.equal({ ok: false, reason: 'bad-authenticator' });
  });

  it('accepts an accounting request whose MA is computed in the RFC 5176 order (zero authenticator, then the authenticator over the MA)', () => {
    const raw = craftPacket(CODE.ACCOUNTING_REQUEST, 9, Buffer.alloc(16), [
      [40, Buffer.from('00000001', 'hex')],
      [44, Buffer.from('sess-1')],
      [80, Buffer.alloc(16)],
    ]);
    const signed = signLikeRfc5176(raw, SECRET);
    const decoded = decodeRequest(signed, SECRET, REQUIRE_MA);
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.request.hasMessageAuthenticator).to.equal(true);
    expect(decoded.request.attributes['Acct-Status-Type']).to.equal('Start');
    expect(reasonFor(accountingRequest({ messageAuthenticator: true }))).to.equal('ok');
  });

  it('refuses an accounting MA computed in the radius package order (authenticator first, then the MA)', () => {
    const raw = craftPacket(CODE.ACCOUNTING_REQUEST, 9, Buffer.alloc(16), [[44, Buffer.from('sess-1')], [80, Buffer.alloc(16)]]);
    md5(raw, SECRET).copy(raw, 4);
    const ma = findAttribute(raw, 80);
    hmacMd5(SECRET, raw).copy(raw, (ma?.offset ?? 0) + 2);
    expect(reasonFor(raw)).to.equal('bad-authenticator');
  });

  it('verifies the Access-Request MA and drops a forged one', () => {
    const raw = craftAccessRequest([[2, randomBytes(16)]], true);
    expect(reasonFor(raw)).to.equal('ok');
    const forged = Buffer.from(raw);
    forged[30] ^= 0xff;
    expect(reasonFor(forged)).to.equal('bad-message-authenticator');
    const changedAttribute = Buffer.from(raw);
    changedAttribute[changedAttribute.length - 1] ^= 0x01;
    expect(reasonFor(changedAttribute)).to.equal('bad-message-authenticator');
  });

  it('drops an Access-Request without MA when the NAS must send one, and accepts it otherwise', () => {
    const raw = craftAccessRequest([[2, randomBytes(16)]], false);
    expect(reasonFor(raw, REQUIRE_MA)).to.equal('missing-message-authenticator');
    expect(reasonFor(raw, MA_OPTIONAL)).to.equal('ok');
  });

  it('drops an Access-Request with Proxy-State but no MA (BlastRADIUS), even when MA is optional', () => {
    const withoutMa = craftAccessRequest([[33, Buffer.from('collision-prefix')]], false);
    expect(reasonFor(withoutMa, MA_OPTIONAL)).to.equal('proxy-state-without-message-authenticator');
    const withMa = craftAccessRequest([[33, Buffer.from('p1')], [33, Buffer.from('p2')]], true);
    const decoded = decodeRequest(withMa, SECRET, MA_OPTIONAL);
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.request.proxyStates.map(String)).to.deep.equal(['p1', 'p2']);
  });

  it('drops a Status-Server without a valid MA (RFC 5997)', () => {
    expect(reasonFor(craftPacket(CODE.STATUS_SERVER, 1, randomBytes(16), []), MA_OPTIONAL)).to.equal('missing-message-authenticator');
    const { raw } = encodeRequest(CODE.STATUS_SERVER, 1, [], SECRET);
    expect(reasonFor(raw)).to.equal('ok');
    expect(decodeRequest(raw, 'wrong', REQUIRE_MA)).to.deep.equal({ ok: false, reason: 'bad-message-authenticator' });
  });

  it('verifies Disconnect and CoA requests like accounting ones', () => {
    for (const code of [CODE.DISCONNECT_REQUEST, CODE.COA_REQUEST]) {
      const { raw } = encodeRequest(code, 4, [['User-Name', 'alice'], ['Acct-Session-Id', 's']], SECRET, { messageAuthenticator: true });
      expect(reasonFor(raw)).to.equal('ok');
      const flipped = Buffer.from(raw);
      flipped[30] ^= 0x01; // inside the MA: the authenticator covers it too
      expect(reasonFor(flipped)).to.equal('bad-authenticator');
    }
  });

  it('names what is wrong with malformed, oversized and unexpected packets', () => {
    const good = accountingRequest();
    expect(reasonFor(good.subarray(0, 19))).to.equal('malformed');
    expect(reasonFor(good.subarray(0, good.length - 1))).to.equal('malformed');
    const badAttributeLength = Buffer.from(good);
    badAttributeLength[21] = 1;
    expect(reasonFor(badAttributeLength)).to.equal('malformed');
    const overrun = Buffer.from(good);
    overrun[21] = 250;
    expect(reasonFor(overrun)).to.equal('malformed');
    const lengthTooBig = Buffer.from(good);
    lengthTooBig.writeUInt16BE(4097, 2);
    expect(reasonFor(lengthTooBig)).to.equal('oversized');
    expect(reasonFor(Buffer.concat([good, Buffer.alloc(5000)]))).to.equal('oversized');
    const answer = Buffer.from(good);
    answer[0] = CODE.ACCESS_ACCEPT;
    expect(reasonFor(answer)).to.equal('unexpected-code');
    const twoMas = craftAccessRequest([[80, Buffer.alloc(16)]], true);
    expect(reasonFor(twoMas)).to.equal('malformed');
    const shortMa = craftPacket(CODE.ACCESS_REQUEST, 1, randomBytes(16), [[80, Buffer.alloc(8)]]);
    expect(reasonFor(shortMa)).to.equal('malformed');
  });

  it('ignores bytes past the length field (RFC 2865 §3)', () => {
    const good = accountingRequest();
    const decoded = decodeRequest(Buffer.concat([good, Buffer.from('padding')]), SECRET, REQUIRE_MA);
    expect(decoded.ok && decoded.request.raw.equals(good)).to.equal(true);
  });

  it('drops an authentic packet whose attributes the radius package cannot decode', () => {
    // Acct-Session-Time (46) is an integer; two bytes make the package throw a RangeError.
    const raw = signLikeRfc5176(craftPacket(CODE.ACCOUNTING_REQUEST, 1, Buffer.alloc(16), [[46, Buffer.of(0, 1)]]), SECRET);
    expect(reasonFor(raw)).to.equal('undecodable-attributes');
  });

  it('never throws on random, truncated or mutated datagrams', () => {
    const seeds = [accountingRequest(), craftAccessRequest([[33, Buffer.from('x')]], true), encodeRequest(CODE.STATUS_SERVER, 2, [], SECRET).raw];
    const reasons = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      let raw: Buffer;
      if (i % 3 === 0) {
        raw = randomBytes(Math.floor(Math.random() * 120));
        if (raw.length >= 4 && i % 2 === 0) raw.writeUInt16BE(raw.length, 2);
        if (raw.length >= 1 && i % 5 === 0) raw[0] = [1, 4, 12, 40, 43][i % 5];
      } else {
        // i % 3 is 1 or 2 here, so the seed is chosen by i / 3 to give every seed its turn.
        raw = Buffer.from(seeds[Math.floor(i / 3) % seeds.length]);
        for (let flips = 1 + (i % 4); flips > 0; flips--) raw[Math.floor(Math.random() * raw.length)] = Math.floor(Math.random() * 256);
        if (i % 7 === 0) raw = raw.subarray(0, Math.floor(Math.random() * raw.length));
      }
      const decoded = decodeRequest(raw, SECRET, i % 2 ? REQUIRE_MA : MA_OPTIONAL);
      reasons.add(decoded.ok ? 'ok' : decoded.reason);
      peekHeader(raw);
    }
    expect(reasons.has('malformed')).to.equal(true);
    expect(reasons.has('bad-authenticator')).to.equal(true);
    expect(reasons.has('bad-message-authenticator')).to.equal(true);
  });
});

describe('peekHeader', () => {
  it('reads the header of a well-formed packet and ignores trailing padding', () => {
    const raw = craftPacket(CODE.ACCOUNTING_REQUEST, 200, Buffer.alloc(16, 7), [[44, Buffer.from('s')]]);
    const header = peekHeader(Buffer.concat([raw, Buffer.alloc(3)]));
    expect(header).to.deep.include({ code: 4, identifier: 200, length: raw.length });
    expect(header?.authenticator.equals(Buffer.alloc(16, 7))).to.equal(true);
  });

  it('refuses short datagrams, bad length fields and attributes that do not fit', () => {
    const raw = craftPacket(CODE.ACCESS_REQUEST, 1, Buffer.alloc(16), [[1, Buffer.from('bob')]]);
    expect(peekHeader(raw.subarray(0, 19))).to.equal(undefined);
    const lengths = [19, 4097, raw.length + 1];
    for (const length of lengths) {
      const bad = Buffer.from(raw);
      bad.writeUInt16BE(length, 2);
      expect(peekHeader(bad), `length ${length}`).to.equal(undefined);
    }
    const cut = Buffer.from(raw);
    cut.writeUInt16BE(raw.length - 1, 2);
    expect(peekHeader(cut)).to.equal(undefined);
    const zeroLength = Buffer.from(raw);
    zeroLength[21] = 0;
    expect(peekHeader(zeroLength)).to.equal(undefined);
  });
});
