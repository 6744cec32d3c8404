/**
 * The controller's HTTP listener (CONTROLLER_HTTP_HOST:CONTROLLER_HTTP_PORT):
 *
 *   POST /heartbeat   a router behind NAT posts its state (the script of `citywifi sites heartbeat`):
 *                     `Authorization: Bearer TOKEN` finds the site; the JSON body (at most
 *                     MAX_BODY_BYTES) is checked and stored, whichever controller receives it
 *   GET  /metrics     the controller's Prometheus metrics
 *   GET  /healthz     `ok`
 *
 * Answers are plain text, one line a person can act on. A missing or unknown token is 401 and
 * changes nothing; the token itself is never logged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SecretBox } from '../core/crypto.js';
import type { Db } from '../core/db/index.js';
import { findHeartbeatSite, storeHeartbeat } from '../core/db/queries/site-heartbeats.js';
import type { Clock } from '../core/domain/clock.js';
import type { Logger } from '../core/logger.js';
import { parseHeartbeatBody } from './heartbeat-body.js';
import type { ControllerMetrics } from './metrics.js';

export const MAX_BODY_BYTES = 4096;
const MAX_TOKEN_LENGTH = 200;

export interface ControllerHttpOptions {
  host: string;
  port: number;
  db: Db;
  box: SecretBox;
  clock: Clock;
  logger: Logger;
  metrics: ControllerMetrics;
}

export interface ControllerHttp {
  server: Server;
  port: number;
  close(): Promise<void>;
}

function answer(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(`${text}\n`);
}

/** The body as text, or null when it is longer than `max` bytes (the rest is not read). */
function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      resolve(null);
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i.exec(header);
  return match && match[1].length <= MAX_TOKEN_LENGTH ? match[1] : null;
}

export async function startControllerHttp(options: ControllerHttpOptions): Promise<ControllerHttp> {
  const { db, box, clock, metrics } = options;
  const log = options.logger.child({ module: 'controller-http' });
  // refusals are logged at most once per reason every 10 s (a misconfigured router posts every half interval)
  const lastWarned = new Map<string, { at: number; suppressed: number }>();
  function warnOnce(reason: string, fields: Record<string, unknown>, message: string): void {
    const now = clock().getTime();
    const last = lastWarned.get(reason);
    if (last && now - last.at < 10_000) {
      last.suppressed++;
      return;
    }
    lastWarned.set(reason, { at: now, suppressed: 0 });
    log.warn({ ...fields, reason, suppressedSinceLast: last?.suppressed ?? 0 }, message);
  }

  async function receiveHeartbeat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === null) {
      metrics.heartbeats.inc({ result: 'too-large' });
      answer(res, 413, `a heartbeat is at most ${MAX_BODY_BYTES} bytes`, { connection: 'close' });
      return;
    }
    const token = bearerToken(req);
    const site = token === null ? undefined : await findHeartbeatSite(db, box.keyedHash(token));
    if (!site) {
      metrics.heartbeats.inc({ result: 'unauthorized' });
      warnOnce(token === null ? 'token-missing' : 'token-unknown', { from: req.socket.remoteAddress }, 'heartbeat refused: no valid token');
      answer(
        res,
        401,
        token === null
          ? 'a heartbeat needs the header "Authorization: Bearer TOKEN" with the token from `citywifi sites heartbeat CODE`'
          : 'unknown heartbeat token: it was replaced or never issued; make a new one with `citywifi sites heartbeat CODE`',
        { 'www-authenticate': 'Bearer realm="citywifi-heartbeat"' },
      );
      return;
    }
    const parsed = parseHeartbeatBody(body);
    if (!parsed.ok) {
      metrics.heartbeats.inc({ result: 'invalid' });
      warnOnce('invalid', { site: site.code, problem: parsed.reason }, 'heartbeat refused: bad body');
      answer(res, 400, `heartbeat not stored: ${parsed.reason}`);
      return;
    }
    await storeHeartbeat(db, site.siteId, clock(), parsed.values, req.socket.remoteAddress ?? null);
    metrics.heartbeats.inc({ result: 'stored' });
    log.debug({ site: site.code, uptimeSeconds: parsed.values.uptimeSeconds, cpuLoad: parsed.values.cpuLoad }, 'heartbeat stored');
    answer(res, 200, 'ok');
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/heartbeat') {
      if (req.method !== 'POST') return answer(res, 405, 'POST a heartbeat here', { allow: 'POST' });
      receiveHeartbeat(req, res).catch((err: unknown) => {
        metrics.heartbeats.inc({ result: 'failed' });
        log.error({ err }, 'storing a heartbeat failed');
        answer(res, 503, 'the heartbeat could not be stored just now; the router will post again');
      });
      return;
    }
    if (path === '/metrics' && req.method === 'GET') {
      metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        },
        () => answer(res, 500, 'metrics unavailable'),
      );
      return;
    }
    if (path === '/healthz' && req.method === 'GET') return answer(res, 200, 'ok');
    answer(res, 404, 'not found (this is the citywifi controller: POST /heartbeat, GET /metrics)');
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
