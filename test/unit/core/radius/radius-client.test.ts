import { expect } from 'chai';
import { decodeRequest, encodeResponse, RadiusClient, CODE } from '../../../../core/radius/index.js';
import { startResponder, type Responder } from './udp-responder.js';

const SECRET = 'testing123';

/** Answers each Access-Request with an Access-Accept whose Reply-Message echoes the User-Name. */
function acceptWithEcho(secret = SECRET) {
  return (raw: Buffer): Buffer | undefined => {
    const decoded = decodeRequest(raw, SECRET, { requireMessageAuthenticator: true });
    if (!decoded.ok) return undefined;
    const name = String(decoded.request.attributes['User-Name']);
    return encodeResponse(decoded.request, CODE.ACCESS_ACCEPT, [['Reply-Message', `hello ${name}`]], secret);
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('RadiusClient', () => {
  let responder: Responder | undefined;
  let client: RadiusClient | undefined;

  afterEach(async () => {
    await client?.close();
    await responder?.close();
    client = undefined;
    responder = undefined;
  });

  it('sends a signed Access-Request and resolves with the verified answer', async () => {
    responder = await startResponder(acceptWithEcho());
    client = new RadiusClient({ host: '127.0.0.1', port: responder.port, secret: SECRET });
    const reply = await client.request(CODE.ACCESS_REQUEST, [['User-Name', 'alice']], { userPassword: 'pw' });
    expect(reply.code).to.equal(CODE.ACCESS_ACCEPT);
    expect(reply.attributes['Reply-Message']).to.equal('hello alice');
    expect(reply.identifier).to.equal(responder.received[0][1]);
    expect(reply.raw[0]).to.equal(CODE.ACCESS_ACCEPT);
  });

  it('hands out identifiers round-robin and keeps more than 256 requests in flight', async () => {
    responder = await startResponder(acceptWithEcho());
    client = new RadiusClient({ host: '127.0.0.1', port: responder.port, secret: SECRET });
    for (const name of ['a', 'b', 'c']) await client.request(CODE.ACCESS_REQUEST, [['User-Name', name]], { userPassword: 'pw' });
    expect(responder.received.map((raw) => raw[1])).to.deep.equal([0, 1, 2]);
    const names = Array.from({ length: 300 }, (_, i) => `user-${i}`);
    const replies = await Promise.all(names.map((name) => client!.request(CODE.ACCESS_REQUEST, [['User-Name', name]], { userPassword: 'pw' })));
    expect(replies.map((reply) => reply.attributes['Reply-Message'])).to.deep.equal(names.map((name) => `hello ${name}`));
  });

  it('retransmits the identical bytes after a timeout', async () => {
    const answer = acceptWithEcho();
    responder = await startResponder((raw, index) => (index === 0 ? undefined : answer(raw)));
    client = new RadiusClient({ host: '127.0.0.1', port: responder.port, secret: SECRET, timeoutMs: 50, retries: 2 });
    const reply = await client.request(CODE.ACCESS_REQUEST, [['User-Name', 'alice']], { chap: { password: 'pw' } });
    expect(reply.code).to.equal(CODE.ACCESS_ACCEPT);
    expect(responder.received).to.have.length(2);
    expect(responder.received[1].equals(responder.received[0])).to.equal(true);
  });

  it('rejects with a timeout after the last retry when nobody answers', async () => {
    responder = await startResponder(() => undefined);
    client = new RadiusClient({ host: '127.0.0.1', port: responder.port, secret: SECRET, timeoutMs: 30, retries: 1 });
    const error = await rejection(client.request(CODE.ACCESS_REQUEST, [['User-Name', 'alice']], { userPassword: 'pw' }));
    expect(error.message).to.match(/timeout/);
    expect(responder.received).to.have.length(2);
  });

  it('ignores an answer signed with another secret', async () => {
    responder = await startResponder(acceptWithEcho('not-the-secret'));
    client = new RadiusClient({ host: '127.0.0.1', port: responder.port, secret: SECRET, timeoutMs: 50, retries: 0 });
    const error = await rejection(client.request(CODE.ACCESS_REQUEST, [['User-Name', 'alice']], { userPassword: 'pw' }));
    expect(error.message).to.match(/timeout/);
    expect(responder.received).to.have.length(1);
  });

  it('rejects pending requests on close and refuses new ones', async () => {
    responder = await startResponder(() => undefined);
    client = new RadiusClient({ host: '127.0.0.1', port: responder.port, secret: SECRET, timeoutMs: 5000 });
    const pending = client.request(CODE.ACCESS_REQUEST, [['User-Name', 'alice']], { userPassword: 'pw' });
    while (responder.received.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await client.close();
    expect((await rejection(pending)).message).to.match(/closed/);
    expect((await rejection(client.request(CODE.STATUS_SERVER, []))).message).to.match(/closed/);
  });
});
