import { expect } from 'chai';
import { legacyLoginResponse, reasonOfSocketError } from '../../../controller/routeros-client.js';

describe('controller/routeros-client', () => {
  it('computes the pre-6.43 login response with the official test vectors (PROTOCOLS.md §B.4)', () => {
    expect(legacyLoginResponse('', '856780b7411eefd3abadee2058c149a3')).to.equal('005062f7a5ef124d34675bf3e81f56c556');
    expect(legacyLoginResponse('admin', '856780b7411eefd3abadee2058c149a3')).to.equal('00d63bceb0856850583d6ed1fd921ee720');
  });
  it('names socket errors as poll failures', () => {
    const e = (code: string, message = code): NodeJS.ErrnoException => Object.assign(new Error(message), { code });
    expect(reasonOfSocketError(e('ECONNREFUSED'))).to.equal('refused');
    expect(reasonOfSocketError(e('EHOSTUNREACH'))).to.equal('unreachable');
    expect(reasonOfSocketError(e('ECONNRESET'))).to.equal('closed');
    expect(reasonOfSocketError(e('DEPTH_ZERO_SELF_SIGNED_CERT'))).to.equal('tls');
    expect(reasonOfSocketError(e('ERR_SSL_WRONG_VERSION_NUMBER'))).to.equal('tls');
  });
});
