import { expect } from 'chai';
import { decodeRequest, encodeResponse, sendDynamicAuthorization, CODE, type RadiusRequest, type ReplyAttribute } from '../../../../core/radius/index.js';
import { startResponder, type Responder } from './udp-responder.js';

const SECRET = 'nas-secret';
const SESSION: ReplyAttribute[] = [
  ['User-Name', 'alice'],
  ['Acct-Session-Id', '81a00003'],
];

/** A fake NAS: verifies each request as a router would and answers with `code` and `attributes`. */
function fakeNas(code: number, attributes: ReplyAttribute[], seen: RadiusRequest[]) {
  return (raw: Buffer): Buffer | undefined => {
    const decoded = decodeRequest(raw, SECRET, { requireMessageAuthenticator: true });
    if (!decoded.ok) return undefined;
    seen.push(decoded.request);
    return encodeResponse(decoded.request, code, attributes, SECRET);
  };
}

describe('sendDynamicAuthorization', () => {
  let nas: Responder | undefined;

  afterEach(async () => {
    await nas?.close();
    nas = undefined;
  });

  it('reports a NAK with its Error-Cause number and name', async () => {
    const seen: RadiusRequest[] = [];
    nas = await startResponder(fakeNas(CODE.DISCONNECT_NAK, [['Error-Cause', 503]], seen));
    const outcome = await sendDynamicAuthorization({ host: '127.0.0.1', port: nas.port, secret: SECRET, kind: 'disconnect', attributes: SESSION, timeoutMs: 500 });
    expect(outcome).to.deep.equal({ result: 'nak', errorCause: 503, errorCauseName: 'Session-Context-Not-Found' });
    expect(seen).to.have.length(1);
    expect(seen[0].code).to.equal(CODE.DISCONNECT_REQUEST);
    expect(seen[0].hasMessageAuthenticator).to.equal(true);
    expect(seen[0].attributes).to.deep.include({ 'User-Name': 'alice', 'Acct-Session-Id': '81a00003' });
  });

  it('reports an ACK to a CoA-Request carrying a new rate limit', async () => {
    const seen: RadiusRequest[] = [];
    nas = await startResponder(fakeNas(CODE.COA_ACK, [], seen));
    const attributes: ReplyAttribute[] = [...SESSION, ['Vendor-Specific', 14988, [['Mikrotik-Rate-Limit', '512k/2M']]]];
    const outcome = await sendDynamicAuthorization({ host: '127.0.0.1', port: nas.port, secret: SECRET, kind: 'coa', attributes, timeoutMs: 500 });
    expect(outcome).to.deep.equal({ result: 'ack' });
    expect(seen[0].code).to.equal(CODE.COA_REQUEST);
    expect(seen[0].attributes['Vendor-Specific']).to.deep.equal({ 'Mikrotik-Rate-Limit': '512k/2M' });
  });

  it('reports a timeout when the router stays silent, after the retries', async () => {
    nas = await startResponder(() => undefined);
    const started = Date.now();
    const outcome = await sendDynamicAuthorization({ host: '127.0.0.1', port: nas.port, secret: SECRET, kind: 'disconnect', attributes: SESSION, timeoutMs: 40, retries: 1 });
    expect(outcome).to.deep.equal({ result: 'timeout' });
    expect(nas.received).to.have.length(2);
    expect(Date.now() - started).to.be.lessThan(2000);
  });

  it('treats an answer signed with another secret as no answer', async () => {
    nas = await startResponder((raw) => {
      const decoded = decodeRequest(raw, SECRET, { requireMessageAuthenticator: true });
      return decoded.ok ? encodeResponse(decoded.request, CODE.DISCONNECT_ACK, [], 'other-secret') : undefined;
    });
    const outcome = await sendDynamicAuthorization({ host: '127.0.0.1', port: nas.port, secret: SECRET, kind: 'disconnect', attributes: SESSION, timeoutMs: 40, retries: 0 });
    expect(outcome.result).to.equal('timeout');
  });
});
