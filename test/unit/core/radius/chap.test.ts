import { expect } from 'chai';
import { computeChapResponse, decodeRequest, encodeRequest, hasChap, verifyChap, CODE, type RadiusRequest } from '../../../../core/radius/index.js';

const SECRET = 'testing123';

function decodeAccessRequest(raw: Buffer): RadiusRequest {
  const decoded = decodeRequest(raw, SECRET, { requireMessageAuthenticator: true });
  if (!decoded.ok) throw new Error(`dropped: ${decoded.reason}`);
  return decoded.request;
}

describe('CHAP', () => {
  const challenge = Buffer.from('ef0dd80b119c65a5c3ab62a65b7dfdce', 'hex');

  it('computes the MikroTik hotspot test vector (chap-id 0xF9, password "secret")', () => {
    expect(computeChapResponse(0xf9, 'secret', challenge).toString('hex')).to.equal('e5627b636f982d6233d0cf5931d404c2');
  });

  it('accepts the right password against CHAP-Challenge and refuses a wrong one', () => {
    const { raw } = encodeRequest(CODE.ACCESS_REQUEST, 1, [['User-Name', 'alice']], SECRET, { chap: { password: 'secret', id: 0xf9, challenge } });
    const request = decodeAccessRequest(raw);
    expect(hasChap(request)).to.equal(true);
    expect(request.attributes['CHAP-Password'].toString('hex')).to.equal('f9e5627b636f982d6233d0cf5931d404c2');
    expect(request.attributes['CHAP-Challenge'].equals(challenge)).to.equal(true);
    expect(verifyChap(request, 'secret')).to.equal(true);
    expect(verifyChap(request, 'Secret')).to.equal(false);
  });

  it('uses the Request Authenticator as the challenge when CHAP-Challenge is absent', () => {
    const { raw, authenticator } = encodeRequest(CODE.ACCESS_REQUEST, 2, [['User-Name', 'bob']], SECRET);
    const request = decodeAccessRequest(raw);
    const chapPassword = Buffer.concat([Buffer.of(7), computeChapResponse(7, 'pw-123', authenticator)]);
    const withChap = { ...request, attributes: { ...request.attributes, 'CHAP-Password': chapPassword } };
    expect(verifyChap(withChap, 'pw-123')).to.equal(true);
    expect(verifyChap(withChap, 'pw-124')).to.equal(false);
  });

  it('refuses a CHAP-Password that is not 17 bytes, and reports no CHAP without one', () => {
    const { raw } = encodeRequest(CODE.ACCESS_REQUEST, 3, [['User-Name', 'carol']], SECRET, { userPassword: 'x' });
    const request = decodeAccessRequest(raw);
    expect(hasChap(request)).to.equal(false);
    expect(verifyChap(request, 'x')).to.equal(false);
    const short = { ...request, attributes: { ...request.attributes, 'CHAP-Password': Buffer.alloc(16) } };
    expect(verifyChap(short, 'x')).to.equal(false);
  });
});
