import { expect } from 'chai';
import { AppError } from '../../../../core/errors.js';
import { encodeRequest, CODE } from '../../../../core/radius/index.js';
import { attributesOf, hmacMd5, md5, withFields } from './packet-bytes.js';

const SECRET = 'testing123';

describe('encodeRequest', () => {
  it('builds an Access-Request with a fresh random authenticator and a first MA over it', () => {
    const first = encodeRequest(CODE.ACCESS_REQUEST, 10, [['User-Name', 'alice'], ['NAS-Identifier', 'hs-01']], SECRET, { userPassword: 'pw' });
    const second = encodeRequest(CODE.ACCESS_REQUEST, 10, [['User-Name', 'alice'], ['NAS-Identifier', 'hs-01']], SECRET, { userPassword: 'pw' });
    expect(first.authenticator.equals(second.authenticator)).to.equal(false);
    expect(first.raw.subarray(4, 20).equals(first.authenticator)).to.equal(true);
    const attributes = attributesOf(first.raw);
    expect(attributes.map((a) => a.type)).to.deep.equal([80, 1, 32, 2]);
    expect(attributes[0].value.equals(hmacMd5(SECRET, withFields(first.raw, first.authenticator, 20)))).to.equal(true);
  });

  it('adds CHAP-Password (ident + MD5 response) and CHAP-Challenge for a CHAP login', () => {
    const challenge = Buffer.from('ef0dd80b119c65a5c3ab62a65b7dfdce', 'hex');
    const { raw } = encodeRequest(CODE.ACCESS_REQUEST, 1, [['User-Name', 'alice']], SECRET, { chap: { password: 'secret', id: 0xf9, challenge } });
    const byType = new Map(attributesOf(raw).map((a) => [a.type, a.value.toString('hex')]));
    expect(byType.get(3)).to.equal('f9e5627b636f982d6233d0cf5931d404c2');
    expect(byType.get(60)).to.equal(challenge.toString('hex'));
    const random = encodeRequest(CODE.ACCESS_REQUEST, 1, [], SECRET, { chap: { password: 'secret' } });
    const types = attributesOf(random.raw).map((a) => [a.type, a.value.length]);
    expect(types).to.deep.equal([[80, 16], [3, 17], [60, 16]]);
  });

  it('signs an Accounting-Request per RFC 2866 and returns that authenticator', () => {
    const { raw, authenticator } = encodeRequest(CODE.ACCOUNTING_REQUEST, 3, [['Acct-Status-Type', 'Stop'], ['Acct-Session-Id', 'a1']], SECRET);
    expect(attributesOf(raw).map((a) => a.type)).to.deep.equal([40, 44]);
    expect(authenticator.equals(md5(withFields(raw, Buffer.alloc(16)), SECRET))).to.equal(true);
    expect(raw.subarray(4, 20).equals(authenticator)).to.equal(true);
  });

  it('signs a Disconnect-Request with MA in the RFC 5176 order: MA over zeros, then the authenticator over the MA', () => {
    const { raw, authenticator } = encodeRequest(CODE.DISCONNECT_REQUEST, 8, [['User-Name', 'alice'], ['Acct-Session-Id', 'a1']], SECRET, {
      messageAuthenticator: true,
    });
    const ma = attributesOf(raw)[0];
    expect(ma.type).to.equal(80);
    expect(ma.value.equals(hmacMd5(SECRET, withFields(raw, Buffer.alloc(16), 20)))).to.equal(true);
    expect(authenticator.equals(md5(withFields(raw, Buffer.alloc(16)), SECRET))).to.equal(true);
  });

  it('refuses response codes, bad identifiers and passwords outside an Access-Request', () => {
    expect(() => encodeRequest(CODE.ACCESS_ACCEPT, 1, [], SECRET)).to.throw(AppError, /not a request/);
    expect(() => encodeRequest(CODE.ACCESS_REQUEST, 256, [], SECRET)).to.throw(AppError, /identifier/);
    expect(() => encodeRequest(CODE.ACCOUNTING_REQUEST, 1, [], SECRET, { userPassword: 'x' })).to.throw(AppError, /Access-Request/);
  });
});
