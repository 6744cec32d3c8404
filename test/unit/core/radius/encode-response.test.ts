import { expect } from 'chai';
import { AppError } from '../../../../core/errors.js';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, CODE, type RadiusRequest } from '../../../../core/radius/index.js';
import { attributesOf, hmacMd5, md5, withFields } from './packet-bytes.js';

const SECRET = 'testing123';

function accessRequest(attributes: Parameters<typeof encodeRequest>[2] = []): RadiusRequest {
  const { raw } = encodeRequest(CODE.ACCESS_REQUEST, 42, [['User-Name', 'alice'], ...attributes], SECRET, { userPassword: 'pw' });
  const decoded = decodeRequest(raw, SECRET, { requireMessageAuthenticator: true });
  if (!decoded.ok) throw new Error(`dropped: ${decoded.reason}`);
  return decoded.request;
}

describe('encodeResponse', () => {
  it('puts the Message-Authenticator first in an Access-Accept and signs it as RFC 3579 and RFC 2865 say', () => {
    const request = accessRequest();
    const response = encodeResponse(request, CODE.ACCESS_ACCEPT, [['Session-Timeout', 3600], ['Acct-Interim-Interval', 300]], SECRET);

    expect(response[0]).to.equal(CODE.ACCESS_ACCEPT);
    expect(response[1]).to.equal(42);
    expect(response.readUInt16BE(2)).to.equal(response.length);
    const attributes = attributesOf(response);
    expect(attributes.map((a) => a.type)).to.deep.equal([80, 27, 85]);
    expect(attributes[0].offset).to.equal(20);
    expect(attributes[0].value).to.have.length(16);
    expect(attributes[1].value.readUInt32BE(0)).to.equal(3600);

    const expectedMa = hmacMd5(SECRET, withFields(response, request.authenticator, 20));
    expect(attributes[0].value.equals(expectedMa)).to.equal(true);
    const expectedAuthenticator = md5(withFields(response, request.authenticator), SECRET);
    expect(response.subarray(4, 20).equals(expectedAuthenticator)).to.equal(true);

    const decoded = decodeResponse(response, request.authenticator, SECRET);
    expect(decoded).to.deep.include({ ok: true, code: CODE.ACCESS_ACCEPT, hasMessageAuthenticator: true, messageAuthenticatorFirst: true });
  });

  it('writes one Vendor-Specific attribute per MikroTik sub-attribute', () => {
    const request = accessRequest();
    const response = encodeResponse(
      request,
      CODE.ACCESS_ACCEPT,
      [['Vendor-Specific', 14988, [['Mikrotik-Rate-Limit', '1M/2M'], ['Mikrotik-Total-Limit', 1000], ['Mikrotik-Host-IP', '10.0.0.2']]]],
      SECRET,
    );
    const vsas = attributesOf(response).filter((a) => a.type === 26);
    expect(vsas.map((a) => response.subarray(a.offset, a.offset + a.value.length + 2).toString('hex'))).to.deep.equal([
      '1a0d00003a8c0807314d2f324d',
      '1a0c00003a8c1106000003e8',
      '1a0c00003a8c0a060a000002',
    ]);
    const decoded = decodeResponse(response, request.authenticator, SECRET);
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.attributes['Vendor-Specific']).to.deep.equal({ 'Mikrotik-Rate-Limit': '1M/2M', 'Mikrotik-Total-Limit': 1000, 'Mikrotik-Host-IP': '10.0.0.2' });
  });

  it('encodes WISPr attributes and enumerated values by name', () => {
    const request = accessRequest();
    const response = encodeResponse(
      request,
      CODE.ACCESS_ACCEPT,
      [
        ['Service-Type', 'Login-User'],
        ['Vendor-Specific', 14122, [['WISPr-Bandwidth-Max-Down', 5_000_000], ['WISPr-Logoff-URL', 'http://10.48.0.1/logout']]],
      ],
      SECRET,
    );
    const decoded = decodeResponse(response, request.authenticator, SECRET);
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.attributes['Service-Type']).to.equal('Login-User');
    expect(decoded.attributes['Vendor-Specific']).to.deep.equal({ 'WISPr-Bandwidth-Max-Down': 5_000_000, 'WISPr-Logoff-URL': 'http://10.48.0.1/logout' });
    expect(attributesOf(response)[1].value.readUInt32BE(0)).to.equal(1);
  });

  it('copies the request Proxy-States, in order, after the reply attributes', () => {
    const request = accessRequest([['Proxy-State', Buffer.from('first')], ['Proxy-State', Buffer.from('second')]]);
    expect(request.proxyStates.map(String)).to.deep.equal(['first', 'second']);
    const response = encodeResponse(request, CODE.ACCESS_REJECT, [['Reply-Message', 'voucher used up']], SECRET);
    const attributes = attributesOf(response);
    expect(attributes.map((a) => a.type)).to.deep.equal([80, 18, 33, 33]);
    expect(attributes.slice(2).map((a) => String(a.value))).to.deep.equal(['first', 'second']);
    expect(decodeResponse(response, request.authenticator, SECRET).ok).to.equal(true);
  });

  it('signs an Accounting-Response MA with a zero authenticator, as FreeRADIUS verifies it', () => {
    const { raw } = encodeRequest(CODE.ACCOUNTING_REQUEST, 5, [['Acct-Status-Type', 'Start'], ['Acct-Session-Id', '81a0']], SECRET);
    const decoded = decodeRequest(raw, SECRET, { requireMessageAuthenticator: true });
    if (!decoded.ok) throw new Error(decoded.reason);
    const response = encodeResponse(decoded.request, CODE.ACCOUNTING_RESPONSE, [], SECRET);
    expect(response.length).to.equal(38);
    expect(response.subarray(22, 38).equals(hmacMd5(SECRET, withFields(response, Buffer.alloc(16), 20)))).to.equal(true);
    expect(response.subarray(4, 20).equals(md5(withFields(response, decoded.request.authenticator), SECRET))).to.equal(true);
    expect(decodeResponse(response, decoded.request.authenticator, SECRET).ok).to.equal(true);
  });

  it('signs the MA of an answer to Status-Server with the request authenticator (RFC 5997)', () => {
    const { raw } = encodeRequest(CODE.STATUS_SERVER, 6, [], SECRET);
    const decoded = decodeRequest(raw, SECRET, { requireMessageAuthenticator: true });
    if (!decoded.ok) throw new Error(decoded.reason);
    const response = encodeResponse(decoded.request, CODE.ACCOUNTING_RESPONSE, [], SECRET);
    expect(response.subarray(22, 38).equals(hmacMd5(SECRET, withFields(response, decoded.request.authenticator, 20)))).to.equal(true);
  });

  it('leaves out empty strings and refuses what it cannot encode with AppError RADIUS_ENCODE', () => {
    const request = accessRequest();
    const response = encodeResponse(request, CODE.ACCESS_REJECT, [['Reply-Message', '']], SECRET);
    expect(attributesOf(response).map((a) => a.type)).to.deep.equal([80]);
    const cases: Array<Parameters<typeof encodeResponse>[2]> = [
      [['No-Such-Attribute', 'x']],
      [['Session-Timeout', -1]],
      [['Session-Timeout', 'soon']],
      [['Framed-IP-Address', '10.0.0.256']],
      [['Reply-Message', 'x'.repeat(254)]],
      [['Vendor-Specific', 14988, [['Mikrotik-No-Such', 'x']]]],
      [['Vendor-Specific', 14988, [['Mikrotik-Rate-Limit', 'r'.repeat(248)]]]],
      [['User-Password', 'clear']],
      Array.from({ length: 20 }, () => ['Reply-Message', 'm'.repeat(250)] as [string, string]),
    ];
    for (const attributes of cases) {
      let error: unknown;
      try {
        encodeResponse(request, CODE.ACCESS_ACCEPT, attributes, SECRET);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(attributes).slice(0, 80)).to.be.instanceOf(AppError);
      expect((error as AppError).code).to.equal('RADIUS_ENCODE');
    }
  });

  it('fills a packet up to exactly 4096 bytes', () => {
    const request = { identifier: 1, authenticator: Buffer.alloc(16, 1), proxyStates: [] };
    // 20 header + 18 MA + 16 × 253 + 1 × 10 = 4096
    const attributes: Parameters<typeof encodeResponse>[2] = Array.from({ length: 16 }, () => ['Reply-Message', 'm'.repeat(251)] as [string, string]);
    attributes.push(['Reply-Message', 'z'.repeat(8)]);
    expect(encodeResponse(request, CODE.ACCESS_REJECT, attributes, SECRET)).to.have.length(4096);
    attributes.push(['Reply-Message', 'z']);
    expect(() => encodeResponse(request, CODE.ACCESS_REJECT, attributes, SECRET)).to.throw(AppError, /4096/);
  });
});
