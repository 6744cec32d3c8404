import { expect } from 'chai';
import { decodeResponse, encodeRequest, CODE } from '../../../../core/radius/index.js';
import { craftPacket, hmacMd5, md5, withFields } from './packet-bytes.js';

const SECRET = 'testing123';

/** A response signed by hand: MA (if any) over `maVector`, then MD5 over the request authenticator. */
function craftResponse(code: number, requestAuthenticator: Buffer, attributes: Array<[number, Buffer]>, maVector = requestAuthenticator): Buffer {
  const raw = craftPacket(code, 1, maVector, attributes);
  const maIndex = attributes.findIndex(([type]) => type === 80);
  if (maIndex >= 0) {
    const offset = 20 + attributes.slice(0, maIndex).reduce((sum, [, value]) => sum + value.length + 2, 0);
    hmacMd5(SECRET, withFields(raw, maVector, offset)).copy(raw, offset + 2);
  }
  md5(withFields(raw, requestAuthenticator), SECRET).copy(raw, 4);
  return raw;
}

describe('decodeResponse', () => {
  const { authenticator } = encodeRequest(CODE.ACCESS_REQUEST, 1, [['User-Name', 'alice']], SECRET, { userPassword: 'pw' });

  it('accepts a response without MA and says the MA is missing', () => {
    const raw = craftResponse(CODE.ACCESS_REJECT, authenticator, [[18, Buffer.from('no')]]);
    expect(decodeResponse(raw, authenticator, SECRET)).to.deep.include({ ok: true, code: 3, hasMessageAuthenticator: false, messageAuthenticatorFirst: false });
  });

  it('accepts an MA that is not first, and says so', () => {
    const raw = craftResponse(CODE.ACCESS_ACCEPT, authenticator, [[27, Buffer.from('00000e10', 'hex')], [80, Buffer.alloc(16)]]);
    const decoded = decodeResponse(raw, authenticator, SECRET);
    expect(decoded).to.deep.include({ ok: true, hasMessageAuthenticator: true, messageAuthenticatorFirst: false });
    expect(decoded.ok && decoded.attributes['Session-Timeout']).to.equal(3600);
  });

  it('refuses a wrong Response Authenticator, a wrong MA, a request code and garbage', () => {
    const good = craftResponse(CODE.ACCESS_ACCEPT, authenticator, [[80, Buffer.alloc(16)]]);
    expect(decodeResponse(good, Buffer.alloc(16), SECRET)).to.deep.equal({ ok: false, reason: 'bad-authenticator' });
    const zeroVectorMa = craftResponse(CODE.ACCESS_ACCEPT, authenticator, [[80, Buffer.alloc(16)]], Buffer.alloc(16));
    expect(decodeResponse(zeroVectorMa, authenticator, SECRET)).to.deep.equal({ ok: false, reason: 'bad-message-authenticator' });
    const request = craftResponse(CODE.ACCESS_REQUEST, authenticator, []);
    expect(decodeResponse(request, authenticator, SECRET)).to.deep.equal({ ok: false, reason: 'unexpected-code' });
    expect(decodeResponse(Buffer.alloc(12), authenticator, SECRET)).to.deep.equal({ ok: false, reason: 'malformed' });
    expect(decodeResponse(Buffer.from('nonsense-nonsense-nonsense'), authenticator, SECRET)).to.deep.equal({ ok: false, reason: 'oversized' });
  });

  it('accepts an Accounting-Response or CoA-ACK MA over either the request authenticator or zeros', () => {
    for (const code of [CODE.ACCOUNTING_RESPONSE, CODE.COA_ACK]) {
      for (const vector of [authenticator, Buffer.alloc(16)]) {
        const raw = craftResponse(code, authenticator, [[80, Buffer.alloc(16)]], vector);
        expect(decodeResponse(raw, authenticator, SECRET).ok).to.equal(true);
      }
    }
  });
});
