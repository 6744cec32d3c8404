import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../core/config.js';
import type { SecretBox } from '../core/crypto.js';
import type { Db } from '../core/db/index.js';
import { loadRadiusClients, radiusClientsMarker } from '../core/db/queries/radius-clients.js';
import { closeStaleSessions, ensureSessionPartitions } from '../core/db/queries/sessions.js';
import { systemClock, type Clock } from '../core/domain/clock.js';
import { dayStartCache } from '../core/domain/local-time.js';
import type { Logger } from '../core/logger.js';
import { CODE, decodeRequest, encodeResponse, ensureDictionaries, peekHeader, type RadiusRequest, type ReplyAttribute } from '../core/radius/index.js';
import { handleAccessRequest, type AccessDeps } from './access-request.js';
import { AuthorizeBatcher } from './authorize-batcher.js';
import { parseAccountingRequest } from './accounting-request.js';
import { AccountingWriter } from './accounting-writer.js';
import { ClientTable, plainAddress, type RadiusClient } from './client-table.js';
import { DropLog } from './drop-log.js';
import { DuplicateCache } from './duplicates.js';
import { createRadiusMetrics, serveMetrics, type RadiusMetrics } from './metrics.js';
import { LOGIN_POLICIES } from './policies/index.js';
import { PostAuthLog } from './post-auth-log.js';

export interface RadiusServerOptions {
  config: Config;
  db: Db;
  box: SecretBox;
  logger: Logger;
  clock?: Clock;
  /** how often to look for added or changed NAS entries and sites */
  clientRefreshMs?: number;
  /** how often to close stale sessions; 0 turns the job off (tests run it by hand) */
  staleSweepMs?: number;
}

export interface RadiusServer {
  authPort: number;
  acctPort: number;
  metricsPort: number;
  metrics: RadiusMetrics;
  reloadClients(): Promise<void>;
  closeStaleSessions(): Promise<number>;
  stop(): Promise<void>;
}

type Listener = 'auth' | 'acct';

const EXPECTED: Record<Listener, number[]> = {
  auth: [CODE.ACCESS_REQUEST, CODE.STATUS_SERVER],
  acct: [CODE.ACCOUNTING_REQUEST, CODE.STATUS_SERVER],
};

const TYPE_NAME: Record<number, string> = {
  [CODE.ACCESS_REQUEST]: 'access',
  [CODE.ACCOUNTING_REQUEST]: 'accounting',
  [CODE.STATUS_SERVER]: 'status',
};

async function bindUdp(host: string, port: number, recvBufferBytes: number, onMessage: (msg: Buffer, rinfo: RemoteInfo) => void): Promise<Socket> {
  const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: recvBufferBytes });
  socket.on('message', onMessage);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return socket;
}

/** The RADIUS server: authentication and accounting listeners, metrics, and the stale-session job. */
export async function startRadiusServer(options: RadiusServerOptions): Promise<RadiusServer> {
  const { config, db, box } = options;
  // Fail at start, not on the first packet, if the dictionaries did not ship with the build.
  ensureDictionaries();
  const clock = options.clock ?? systemClock;
  const logger = options.logger.child({ module: 'radius' });
  const metrics = createRadiusMetrics();
  const dropLog = new DropLog(logger);
  const clients = new ClientTable();
  const liveWindowSeconds = config.radius.staleAfterIntervals * config.radius.interimInterval;
  const batcher = new AuthorizeBatcher(db);
  const deps: AccessDeps = {
    db,
    box,
    clock,
    timezone: config.timezone,
    defaultInterimInterval: config.radius.interimInterval,
    liveWindowSeconds,
    policies: LOGIN_POLICIES,
    authorize: (input) => batcher.authorize(input),
    dayStart: dayStartCache(config.timezone),
  };
  const writer = new AccountingWriter(db, {
    onError: (error, records) => {
      metrics.dbErrors.inc({ operation: 'accounting' });
      logger.error({ err: error, records }, 'accounting write failed');
    },
  });
  const postAuthLog = new PostAuthLog(db, (error) => {
    metrics.dbErrors.inc({ operation: 'post-auth-log' });
    logger.error({ err: error }, 'post-auth log write failed');
  });
  const duplicates: Record<Listener, DuplicateCache> = {
    auth: new DuplicateCache(config.radius.duplicateWindowSeconds * 1000),
    acct: new DuplicateCache(config.radius.duplicateWindowSeconds * 1000),
  };

  let marker = '';
  let lastReloadMs = 0;
  async function reloadClients(): Promise<void> {
    const [records, newMarker] = await Promise.all([loadRadiusClients(db), radiusClientsMarker(db)]);
    clients.replace(records, box);
    marker = newMarker;
    lastReloadMs = Date.now();
    metrics.clients.set(clients.size);
  }
  await reloadClients();

  function drop(reason: string, rinfo: RemoteInfo): void {
    metrics.drops.inc({ reason });
    dropLog.drop(reason, `${rinfo.address}:${rinfo.port}`, Date.now());
  }

  async function respond(request: RadiusRequest, client: RadiusClient, sourceAddress: string, listener: Listener): Promise<{ code: number; attributes: ReplyAttribute[]; result: string } | undefined> {
    if (request.code === CODE.STATUS_SERVER) {
      return { code: listener === 'auth' ? CODE.ACCESS_ACCEPT : CODE.ACCOUNTING_RESPONSE, attributes: [], result: 'alive' };
    }
    if (request.code === CODE.ACCESS_REQUEST) {
      const outcome = await handleAccessRequest(deps, request, client);
      postAuthLog.add(outcome.log);
      return { code: outcome.code, attributes: outcome.attributes, result: outcome.reason ? `reject:${outcome.reason}` : 'accept' };
    }
    // The datagram's source is the router's own address, used later for Disconnect/CoA.
    const parsed = parseAccountingRequest(request, client, sourceAddress, clock);
    if (parsed.kind === 'invalid') return undefined;
    if (parsed.kind === 'record') await writer.write(parsed.record);
    return { code: CODE.ACCOUNTING_RESPONSE, attributes: [], result: parsed.kind === 'record' ? parsed.record.status : `ignored:${parsed.status}` };
  }

  async function onDatagram(listener: Listener, socket: Socket, msg: Buffer, rinfo: RemoteInfo, retried = false): Promise<void> {
    const started = process.hrtime.bigint();
    const header = peekHeader(msg);
    if (!header) return drop('malformed', rinfo);
    const client = clients.find(rinfo.address);
    if (!client) {
      // A NAS added a moment ago needs no restart: look once more before dropping.
      if (!retried && Date.now() - lastReloadMs > 1000) {
        await reloadClients().catch(() => metrics.dbErrors.inc({ operation: 'load-clients' }));
        return onDatagram(listener, socket, msg, rinfo, true);
      }
      return drop('unknown-client', rinfo);
    }
    if (!EXPECTED[listener].includes(header.code)) return drop('unexpected-code', rinfo);

    const key = DuplicateCache.key(rinfo.address, rinfo.port, header.identifier, header.authenticator);
    const seen = duplicates[listener].check(key, Date.now());
    if (seen.kind === 'answered') {
      metrics.requests.inc({ type: TYPE_NAME[header.code], result: 'duplicate' });
      socket.send(seen.reply, rinfo.port, rinfo.address);
      return;
    }
    if (seen.kind === 'in-progress') return drop('duplicate-in-progress', rinfo);

    const decoded = decodeRequest(msg, client.secret, { requireMessageAuthenticator: client.requireMessageAuthenticator });
    if (!decoded.ok) {
      duplicates[listener].forget(key);
      return drop(decoded.reason, rinfo);
    }
    const request = decoded.request;
    let answer;
    try {
      answer = await respond(request, client, plainAddress(rinfo.address), listener);
    } catch (error) {
      duplicates[listener].forget(key);
      metrics.dbErrors.inc({ operation: TYPE_NAME[header.code] });
      logger.error({ err: error, nas: client.name }, 'request failed; no reply sent so the router retries');
      return drop('server-error', rinfo);
    }
    if (!answer) {
      duplicates[listener].forget(key);
      return drop('invalid-accounting', rinfo);
    }
    const reply = encodeResponse(request, answer.code, answer.attributes, client.secret);
    duplicates[listener].answered(key, reply);
    socket.send(reply, rinfo.port, rinfo.address);
    const type = TYPE_NAME[header.code];
    metrics.requests.inc({ type, result: answer.result.split(':')[0] });
    metrics.latency.observe({ type }, Number(process.hrtime.bigint() - started) / 1e9);
  }

  function guard(listener: Listener, socket: () => Socket) {
    return (msg: Buffer, rinfo: RemoteInfo) => {
      onDatagram(listener, socket(), msg, rinfo).catch((error) => {
        metrics.drops.inc({ reason: 'internal-error' });
        logger.error({ err: error }, 'unexpected error while handling a datagram');
      });
    };
  }

  const { host, authPort, acctPort, recvBufferBytes } = config.radius;
  const sockets: Partial<Record<Listener, Socket>> = {};
  const authSocket = (sockets.auth = await bindUdp(host, authPort, recvBufferBytes, guard('auth', () => sockets.auth!)));
  const acctSocket = (sockets.acct = await bindUdp(host, acctPort, recvBufferBytes, guard('acct', () => sockets.acct!)));
  const metricsServer: { server: Server; port: number } = await serveMetrics(metrics.registry, config.radius.metricsHost, config.radius.metricsPort);

  const refresh = setInterval(() => {
    radiusClientsMarker(db)
      .then((m) => (m !== marker ? reloadClients() : undefined))
      .catch(() => metrics.dbErrors.inc({ operation: 'load-clients' }));
  }, options.clientRefreshMs ?? 5000);
  refresh.unref();

  async function sweepStale(): Promise<number> {
    const cutoff = new Date(clock().getTime() - liveWindowSeconds * 1000);
    const closed = await closeStaleSessions(db, cutoff);
    if (closed > 0) {
      metrics.staleClosed.inc(closed);
      logger.info({ closed }, 'closed stale sessions');
    }
    return closed;
  }
  // Next month's partition exists before the month begins; checked at start and then daily.
  const ensurePartitions = () =>
    ensureSessionPartitions(db, 1).then(
      (made) => (made > 0 ? logger.info({ made }, 'created monthly session partitions') : undefined),
      (error) => {
        metrics.dbErrors.inc({ operation: 'partitions' });
        logger.error({ err: error }, 'could not create session partitions');
      },
    );
  await ensurePartitions();
  const partitionTimer = setInterval(() => void ensurePartitions(), 24 * 3600 * 1000);
  partitionTimer.unref();

  const staleEvery = options.staleSweepMs ?? Math.min(60_000, (config.radius.interimInterval * 1000) / 2);
  const staleTimer = staleEvery > 0 ? setInterval(() => sweepStale().catch(() => metrics.dbErrors.inc({ operation: 'stale' })), staleEvery) : undefined;
  staleTimer?.unref();

  const bound = {
    auth: (authSocket.address() as AddressInfo).port,
    acct: (acctSocket.address() as AddressInfo).port,
  };
  logger.info({ host, authPort: bound.auth, acctPort: bound.acct, metricsPort: metricsServer.port, clients: clients.size }, 'RADIUS server listening');

  return {
    authPort: bound.auth,
    acctPort: bound.acct,
    metricsPort: metricsServer.port,
    metrics,
    reloadClients,
    closeStaleSessions: sweepStale,
    async stop() {
      clearInterval(refresh);
      clearInterval(partitionTimer);
      if (staleTimer) clearInterval(staleTimer);
      await Promise.all([
        new Promise<void>((r) => authSocket.close(() => r())),
        new Promise<void>((r) => acctSocket.close(() => r())),
        new Promise<void>((r) => metricsServer.server.close(() => r())),
      ]);
      await writer.drain();
      await postAuthLog.flush();
    },
  };
}
