import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { createConsoleSender } from '../../../portal/otp/console-sender.js';
import { createOtpSender } from '../../../portal/otp/create-sender.js';
import { createWebhookSender } from '../../../portal/otp/webhook-sender.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP server on 127.0.0.1 playing the SMS/WhatsApp gateway. */
async function startGateway(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/send?key=query-secret`, received, server };
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const message = { phone: '+6281234567890', code: '042917', purpose: 'login' as const };
const template = 'Kode WiFi kota: {code}. Jangan berikan {code} kepada siapa pun.';

describe('OTP senders', () => {
  let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
  afterEach(async () => {
    if (gateway) await stop(gateway.server);
    gateway = undefined;
  });

  it('post the number and the filled-in template to the gateway with the bearer token', async () => {
    gateway = await startGateway((_req, res) => res.writeHead(202).end('{"queued":true}'));
    const sender = createWebhookSender({ url: gateway.url, token: 'gw-token-123', template });
    expect(await sender.send(message)).to.deep.equal({ ok: true });
    expect(gateway.received).to.have.length(1);
    const [got] = gateway.received;
    expect(got.method).to.equal('POST');
    expect(got.url).to.equal('/send?key=query-secret');
    expect(got.headers.authorization).to.equal('Bearer gw-token-123');
    expect(got.headers['content-type']).to.equal('application/json');
    expect(JSON.parse(got.body)).to.deep.equal({
      to: '+6281234567890',
      message: 'Kode WiFi kota: 042917. Jangan berikan 042917 kepada siapa pun.',
      purpose: 'login',
    });
  });

  it('send no Authorization header when no token is configured', async () => {
    gateway = await startGateway((_req, res) => res.writeHead(200).end());
    const sender = createWebhookSender({ url: gateway.url, template });
    expect(await sender.send(message)).to.deep.equal({ ok: true });
    expect(gateway.received[0].headers.authorization).to.equal(undefined);
  });

  it('report a gateway that refuses, naming it and its answer but not the code, number, token or reply', async () => {
    gateway = await startGateway((_req, res) => res.writeHead(503, 'Service Unavailable').end(`cannot send "${template.replace('{code}', '042917')}" to +6281234567890`));
    const sender = createWebhookSender({ url: gateway.url, token: 'gw-token-123', template });
    const result = await sender.send(message);
    expect(result).to.include({ ok: false, reason: 'gateway-refused' });
    const detail = (result as { detail: string }).detail;
    expect(detail).to.match(/^the OTP gateway http:\/\/127\.0\.0\.1:\d+\/send answered HTTP 503 Service Unavailable$/);
    for (const secret of ['042917', '6281234567890', 'gw-token-123', 'query-secret']) expect(detail).not.to.contain(secret);
  });

  it('treat a redirect as a refusal and never follow it with the token', async () => {
    const elsewhere = await startGateway((_req, res) => res.writeHead(200).end());
    try {
      gateway = await startGateway((_req, res) => res.writeHead(302, { location: elsewhere.url }).end());
      const result = await createWebhookSender({ url: gateway.url, token: 'gw-token-123', template }).send(message);
      expect(result).to.include({ ok: false, reason: 'gateway-refused' });
      expect(elsewhere.received).to.have.length(0);
    } finally {
      await stop(elsewhere.server);
    }
  });

  it('give up on a gateway that does not answer in time', async () => {
    gateway = await startGateway(() => {
      // never answers
    });
    const sender = createWebhookSender({ url: gateway.url, template, timeoutMs: 200 });
    const result = await sender.send(message);
    expect(result).to.include({ ok: false, reason: 'gateway-timeout' });
    expect((result as { detail: string }).detail).to.match(/did not answer within 200 ms$/);
  });

  it('report a gateway that cannot be reached', async () => {
    gateway = await startGateway((_req, res) => res.end());
    const url = gateway.url;
    await stop(gateway.server);
    gateway = undefined;
    const result = await createWebhookSender({ url, template }).send(message);
    expect(result).to.include({ ok: false, reason: 'gateway-unreachable' });
    expect((result as { detail: string }).detail).to.match(/could not be reached \(ECONNREFUSED\)$/);
  });

  it('build the sender configuration asks for', async () => {
    gateway = await startGateway((_req, res) => res.writeHead(200).end());
    const otp = {
      sender: 'webhook' as const,
      webhookUrl: gateway.url,
      webhookToken: 't',
      webhookTemplate: 'kode {code}',
      resendCooldownSeconds: 60,
      dailyPerNumber: 5,
      dailyPerDevice: 5,
      dailyPerAddress: 30,
    };
    const webhook = createOtpSender(otp);
    expect(webhook.kind).to.equal('webhook');
    await webhook.send(message);
    expect(JSON.parse(gateway.received[0].body).message).to.equal('kode 042917');
    expect(createOtpSender({ ...otp, sender: 'console' }).kind).to.equal('console');
  });

  it('print, on the console sender\'s own stream, the masked number and the code', async () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
    expect(await createConsoleSender({ out }).send(message)).to.deep.equal({ ok: true });
    expect(lines.join('')).to.equal('[citywifi otp console sender] login code for +62812*****890: 042917\n');
  });
});
