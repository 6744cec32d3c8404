// The load generator both servers get: pre-encoded requests sent from several UDP sockets, each with
// a bounded window of requests in flight, replies matched by identifier and checked against their
// request, no retries, and a request unanswered after the timeout counted as lost.
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import { once } from 'node:events';

export interface LoadOptions {
  host: string;
  port: number;
  /** Request p goes out on socket p % sockets with identifier workload.identifierFor(p, sockets). */
  packets: Buffer[];
  /** after[p]: a request that must be answered or lost before request p is sent (-1: none). */
  after?: Int32Array;
  sockets: number;
  /** Requests in flight per socket (at most 256: the identifier is one byte). */
  window: number;
  durationMs: number;
  timeoutMs: number;
  secret: string;
  /** The reply code that means success: Access-Accept (2) or Accounting-Response (5). */
  expectCode: number;
  onProgress?: (progress: LoadProgress) => void;
}

export interface LoadProgress {
  elapsedMs: number;
  answered: number;
  lost: number;
}

export interface LoadResult {
  sent: number;
  /** Replies whose Response Authenticator matches their request. */
  answered: number;
  ok: number;
  rejects: number;
  /** Replies that do not match their request, or carry an unexpected code. */
  bad: number;
  lost: number;
  /** Replies that came after their request was counted lost. */
  late: number;
  elapsedMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The pre-encoded requests ran out before the duration did. */
  ranOut: boolean;
  /** CPU the generator's process used, as a share of one core over the run (1 = one core busy). */
  generatorCpu: number;
}

const ACCESS_REJECT = 3;
const IDENTIFIERS = 256;
const TICK_MS = 50;

interface Lane {
  socket: dgram.Socket;
  index: number;
  next: number;
  count: number;
  outstanding: number;
  /** Request index in flight per identifier, or -1. */
  slots: Int32Array;
  sentAt: Float64Array;
}

/** True when the reply's Response Authenticator is MD5(code, id, length, request authenticator, attributes, secret). */
export function replyMatches(reply: Buffer, request: Buffer, secret: Buffer): boolean {
  if (reply.length < 20) return false;
  const length = reply.readUInt16BE(2);
  if (length < 20 || length > reply.length) return false;
  const expected = createHash('md5')
    .update(reply.subarray(0, 4))
    .update(request.subarray(4, 20))
    .update(reply.subarray(20, length))
    .update(secret)
    .digest();
  return expected.equals(reply.subarray(4, 20));
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * (sorted.length - 1)))];
}

async function openSocket(host: string, port: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20, sendBufferSize: 1 << 20 });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  socket.connect(port, host);
  await once(socket, 'connect');
  return socket;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { packets, sockets, timeoutMs, expectCode } = options;
  if (options.window < 1 || options.window > IDENTIFIERS) throw new RangeError('window must be 1..256');
  const window = options.window;
  const secret = Buffer.from(options.secret, 'utf8');
  const latencies = new Float64Array(packets.length);
  const after = options.after;
  /** Answered or lost: a request another one waits for. */
  const finished = new Uint8Array(after ? packets.length : 0);
  /** The lane stalled on a request, by that request's index. */
  const waiting = new Map<number, Lane>();
  let sent = 0;
  let answered = 0;
  let ok = 0;
  let rejects = 0;
  let bad = 0;
  let lost = 0;
  let late = 0;
  let sending = true;

  const lanes: Lane[] = [];
  for (let index = 0; index < sockets; index++) {
    lanes.push({
      socket: await openSocket(options.host, options.port),
      index,
      next: 0,
      count: Math.max(0, Math.ceil((packets.length - index) / sockets)),
      outstanding: 0,
      slots: new Int32Array(IDENTIFIERS).fill(-1),
      sentAt: new Float64Array(IDENTIFIERS),
    });
  }

  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let lastReply = start;

  const pump = (lane: Lane): void => {
    while (sending && lane.outstanding < window && lane.next < lane.count) {
      const slot = lane.next % IDENTIFIERS;
      // A request still in flight holds this identifier: wait for its reply or its timeout.
      if (lane.slots[slot] !== -1) return;
      const p = lane.next * sockets + lane.index;
      if (after && after[p] !== -1 && finished[after[p]] === 0) {
        waiting.set(after[p], lane);
        return;
      }
      lane.socket.send(packets[p]);
      lane.slots[slot] = p;
      lane.sentAt[slot] = performance.now();
      lane.outstanding++;
      lane.next++;
      sent++;
    }
  };

  const release = (p: number): void => {
    finished[p] = 1;
    const lane = waiting.get(p);
    if (lane) {
      waiting.delete(p);
      queueMicrotask(() => pump(lane));
    }
  };

  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const idle = () => lanes.every((lane) => lane.outstanding === 0);
  const exhausted = () => lanes.every((lane) => lane.next >= lane.count);

  for (const lane of lanes) {
    lane.socket.on('error', () => undefined); // ICMP port unreachable and the like: the request just goes unanswered
    lane.socket.on('message', (reply: Buffer) => {
      if (reply.length < 20) {
        bad++;
        return;
      }
      const slot = reply[1];
      const p = lane.slots[slot];
      if (p === -1) {
        late++;
        return;
      }
      if (!replyMatches(reply, packets[p], secret)) {
        bad++; // not the reply to this request: keep waiting for the real one
        return;
      }
      const now = performance.now();
      latencies[answered++] = now - lane.sentAt[slot];
      if (reply[0] === expectCode) ok++;
      else if (reply[0] === ACCESS_REJECT) rejects++;
      else bad++;
      lane.slots[slot] = -1;
      lane.outstanding--;
      lastReply = now;
      if (sending && now - start >= options.durationMs) sending = false;
      if (after) release(p);
      pump(lane);
      if (lane.outstanding === 0 && (!sending || exhausted()) && idle()) finish();
    });
  }

  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    if (sending && now - start >= options.durationMs) sending = false;
    for (const lane of lanes) {
      for (let slot = 0; slot < IDENTIFIERS; slot++) {
        if (lane.slots[slot] !== -1 && now - lane.sentAt[slot] > timeoutMs) {
          if (after) release(lane.slots[slot]);
          lane.slots[slot] = -1;
          lane.outstanding--;
          lost++;
        }
      }
      pump(lane);
    }
    if (++ticks % (1000 / TICK_MS) === 0) options.onProgress?.({ elapsedMs: now - start, answered, lost });
    if ((!sending || exhausted()) && idle()) finish();
  }, TICK_MS);

  for (const lane of lanes) pump(lane);
  await done;
  clearInterval(timer);
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = performance.now() - start;
  const ranOut = exhausted() && lastReply - start < options.durationMs;
  await Promise.all(lanes.map((lane) => new Promise<void>((resolve) => lane.socket.close(() => resolve()))));

  const sorted = latencies.subarray(0, answered).sort();
  const elapsedMs = Math.max(lastReply - start, 1);
  return {
    sent,
    answered,
    ok,
    rejects,
    bad,
    lost,
    late,
    elapsedMs,
    perSecond: (answered / elapsedMs) * 1000,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    ranOut,
    generatorCpu: (cpu.user + cpu.system) / 1000 / wallMs,
  };
}

/** Sends one request at a time until one is answered: tells when a server has started serving. */
export async function waitForAnswer(options: {
  host: string;
  port: number;
  secret: string;
  makeRequest: (identifier: number) => Buffer;
  timeoutMs: number;
  gaveUp: Promise<unknown>;
}): Promise<{ reply: Buffer; sent: number }> {
  const socket = await openSocket(options.host, options.port);
  const secret = Buffer.from(options.secret, 'utf8');
  const requests = new Map<number, Buffer>();
  let identifier = 0;
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  try {
    const reply = await new Promise<Buffer>((resolve, reject) => {
      deadline = setTimeout(() => reject(new Error(`no answer on 127.0.0.1:${options.port} within ${options.timeoutMs / 1000} s`)), options.timeoutMs);
      options.gaveUp.then(
        () => reject(new Error('the server exited before it answered')),
        (error: unknown) => reject(error),
      );
      socket.on('error', () => undefined);
      socket.on('message', (reply: Buffer) => {
        const request = requests.get(reply[1]);
        if (request && replyMatches(reply, request, secret)) resolve(reply);
      });
      const send = () => {
        identifier = (identifier + 1) % IDENTIFIERS;
        const request = options.makeRequest(identifier);
        requests.set(identifier, request);
        socket.send(request);
        sent++;
      };
      send();
      timer = setInterval(send, 250);
    });
    return { reply, sent };
  } finally {
    clearInterval(timer);
    clearTimeout(deadline);
    socket.close();
  }
}
