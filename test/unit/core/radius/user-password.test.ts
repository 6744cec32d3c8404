import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { decodeRequest, decryptUserPassword, encodeRequest, CODE, type RadiusRequest } from '../../../../core/radius/index.js';
import { craftPacket, findAttribute } from './packet-bytes.js';

const SECRET = 'testing123';

function sendPassword(password: string): RadiusRequest {
  const { raw } = encodeRequest(CODE.ACCESS_REQUEST, 9, [['User-Name', 'alice']], SECRET, { userPassword: password });
  const decoded = decodeRequest(raw, SECRET, { requireMessageAuthenticator: true });
  if (!decoded.ok) throw new Error(`dropped: ${decoded.reason}`);
  return decoded.request;
}

function hiddenPasswordOf(request: RadiusRequest): Buffer {
  const attribute = findAttribute(request.raw, 2);
  if (!attribute) throw new Error('no User-Password in the packet');
  return attribute.value;
}

describe('User-Password hiding (RFC 2865 §5.2)', () => {
  it('round-trips a short password, hidden in one 16-byte block as the RFC computes it', () => {
    const request = sendPassword('kata-sandi');
    const hidden = hiddenPasswordOf(request);
    expect(hidden).to.have.length(16);
    const pad = createHash('md5').update(SECRET).update(request.authenticator).digest();
    const clear = Buffer.from(hidden.map((byte, i) => byte ^ pad[i]));
    expect(clear.subarray(0, 10).toString()).to.equal('kata-sandi');
    expect([...clear.subarray(10)].every((byte) => byte === 0)).to.equal(true);
    expect(request.attributes['User-Password']).to.equal(null);
    expect(decryptUserPassword(request, SECRET)).to.equal('kata-sandi');
  });

  it('round-trips passwords that need several blocks (17, 32 and 128 bytes)', () => {
    for (const password of ['seventeen-chars!!', 'x'.repeat(32), 'p'.repeat(128)]) {
      const request = sendPassword(password);
      expect(hiddenPasswordOf(request)).to.have.length(Math.ceil(password.length / 16) * 16);
      expect(decryptUserPassword(request, SECRET)).to.equal(password);
    }
  });

  it('gives a wrong password for a wrong secret and undefined when absent or malformed', () => {
    const request = sendPassword('seventeen-chars!!');
    expect(decryptUserPassword(request, 'other-secret')).not.to.equal('seventeen-chars!!');
    const { raw } = encodeRequest(CODE.ACCESS_REQUEST, 1, [['User-Name', 'a']], SECRET, { chap: { password: 'x' } });
    const decoded = decodeRequest(raw, SECRET, { requireMessageAuthenticator: true });
    expect(decoded.ok && decryptUserPassword(decoded.request, SECRET)).to.equal(undefined);
    const authenticator = request.authenticator;
    for (const length of [15, 17, 144]) {
      const malformed = craftPacket(CODE.ACCESS_REQUEST, 1, authenticator, [[2, Buffer.alloc(length, 0x41)]]);
      expect(decryptUserPassword({ raw: malformed, authenticator }, SECRET), `${length} bytes`).to.equal(undefined);
    }
  });

  it('refuses to hide a password over 128 bytes', () => {
    expect(() => encodeRequest(CODE.ACCESS_REQUEST, 1, [], SECRET, { userPassword: 'p'.repeat(129) })).to.throw(/128/);
  });
});
