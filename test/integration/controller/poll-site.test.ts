/**
 * controller/poll-site.ts and controller/routeros-client.ts against the emulated fleet
 * (sim/routeros): what a poll reads is what the manifest says the router holds, and every fault
 * ends as the right PollFailure, with the test process alive afterwards. The fleet's clock is
 * injected, so values can be compared exactly and reboots and counter wraps happen on demand.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { pino } from 'pino';
import { fixedClock } from '../../../core/domain/clock.js';
import { connectRouterOs, RouterOsError } from '../../../controller/routeros-client.js';
import { encodeSentences, SentenceReader } from '../../../controller/routeros-wire.js';
import { createRouterPoller, type PollResult, type RouterPoller, type RouterTarget } from '../../../controller/poll-site.js';
import { startRouterFleet, type RouterFleet, type RouterManifestEntry } from '../../../sim/routeros/index.js';

const START = '2026-02-25T12:00:00Z'; // 19:00 in Jakarta
const USER = 'admin';
const PASSWORD = 'citywifi';
const CONNECT_MS = 2000;
const COMMAND_MS = 300;
const SLOW_MS = 700;
const logger = pino({ level: 'silent' });

function targetOf(r: RouterManifestEntry): RouterTarget {
  return { siteId: r.index + 1, host: r.host, port: r.port, tls: false, user: USER, password: PASSWORD };
}

function expectOk(result: PollResult): Extract<PollResult, { ok: true }> {
  if (!result.ok) expect.fail(`poll failed: ${result.failure}: ${result.message}`);
  return result;
}

/** The manifest's values for router `index` at `at`, in PollResult terms. */
function declared(fleet: RouterFleet, index: number, at: Date) {
  const state = fleet.stateOf(index, at);
  const sum = (pick: (f: (typeof state.interfaces)[number]) => bigint): bigint => state.interfaces.reduce((a, f) => a + pick(f), 0n);
  return {
    uptimeSeconds: state.uptimeSeconds,
    cpuLoad: state.cpuLoad,
    freeMemory: state.freeMemory,
    totalMemory: state.totalMemory,
    activeUsers: state.activeUsers,
    rxBytes: Number(sum((f) => f.rxByte)),
    txBytes: Number(sum((f) => f.txByte)),
    state,
  };
}

describe('controller: polling routers (createRouterPoller)', function () {
  this.timeout(60_000);
  const clock = fixedClock(START);
  let fleet: RouterFleet;
  let poller: RouterPoller;

  before(async () => {
    fleet = await startRouterFleet({
      count: 20,
      basePort: 0,
      seed: 2,
      clock,
      faults: {
        dead: { count: 1 },
        silent: { count: 1 },
        slow: { count: 1 },
        garbage: { count: 5 },
        'wrong-credentials': { count: 1 },
        'no-wireless': { count: 1 },
        rebooting: { count: 1 },
      },
      tuning: { slowReplyMs: SLOW_MS, rebootEverySeconds: 600 },
    });
    poller = createRouterPoller({ connectTimeoutMs: CONNECT_MS, commandTimeoutMs: COMMAND_MS, clock, logger, random: () => 0.5 });
  });
  after(async () => {
    await poller?.close();
    await fleet?.close();
  });

  const healthy = (): RouterManifestEntry[] => fleet.routers.filter((r) => r.fault === null);

  it('reads v6 and v7 routers to exactly what the manifest declares', async () => {
    const routers = healthy();
    expect(new Set(routers.map((r) => r.version[0]))).to.deep.equal(new Set(['6', '7']));
    for (const r of routers) {
      const result = expectOk(await poller.poll(targetOf(r)));
      const want = declared(fleet, r.index, clock());
      const label = `${r.identity} ${r.version}`;
      expect(result.uptimeSeconds, label).to.equal(want.uptimeSeconds);
      expect(result.cpuLoad, label).to.equal(want.cpuLoad);
      expect(result.freeMemory, label).to.equal(want.freeMemory);
      expect(result.totalMemory, label).to.equal(want.totalMemory);
      expect(result.activeUsers, label).to.equal(want.activeUsers);
      expect(result.rxBytes, label).to.equal(want.rxBytes);
      expect(result.txBytes, label).to.equal(want.txBytes);
      expect(result.version, label).to.equal(r.version);
      expect(result.board, label).to.equal(r.boardName);
      expect(result.wirelessMissing, label).to.equal(false);
      expect(result.rxRate, `${label}: no rate on a first poll`).to.equal(null);
      expect(result.rttMs).to.be.a('number').and.to.be.at.least(0);
    }
    // One connection per site, kept open for the next poll.
    expect(poller.openConnections()).to.equal(routers.length);
  });

  it('reuses the kept connection and gives a rate from the previous poll', async () => {
    const r = healthy().find((x) => x.counters.wrapsAt === null)!;
    const first = expectOk(await poller.poll(targetOf(r)));
    const before = fleet.stats().connections;
    clock.advance(60);
    const second = expectOk(await poller.poll(targetOf(r)));
    expect(fleet.stats().connections).to.equal(before);
    const expected = (second.rxBytes - first.rxBytes) / 60;
    expect(second.rxRate).to.be.closeTo(expected, 1);
    expect(second.uptimeSeconds).to.equal(first.uptimeSeconds + 60);
  });

  it('gives the right rate across a 64-bit counter wrap', async () => {
    const r = healthy().find((x) => x.counters.wrapsAt !== null);
    expect(r, 'a router whose counters wrap').to.not.equal(undefined);
    const target = targetOf(r!);
    const wrapsAt = new Date(r!.counters.wrapsAt!);
    clock.set(new Date(wrapsAt.getTime() - 30_000));
    const t1 = clock();
    const first = expectOk(await poller.poll(target));
    clock.set(new Date(wrapsAt.getTime() + 30_000));
    const t2 = clock();
    const second = expectOk(await poller.poll(target));
    // The raw counters really went down...
    expect(second.rxBytes).to.be.lessThan(first.rxBytes);
    // ...and the rate is the bytes across the wrap, per interface modulo 2^64.
    const s1 = fleet.stateOf(r!.index, t1);
    const s2 = fleet.stateOf(r!.index, t2);
    const bytes = s2.interfaces.reduce((a, f, k) => a + BigInt.asUintN(64, f.rxByte - s1.interfaces[k].rxByte), 0n);
    expect(second.rxRate).to.be.closeTo(Number(bytes) / 60, 1);
    expect(second.rxRate!).to.be.lessThan(10_000_000);
  });

  it('shows a reboot as uptime going back, with no rate across it', async () => {
    const r = fleet.routers.find((x) => x.fault === 'rebooting')!;
    const bootedAt = fleet.stateOf(r.index).bootedAt.getTime();
    clock.set(new Date(bootedAt + 300_000)); // 5 minutes into a boot
    const first = expectOk(await poller.poll(targetOf(r)));
    clock.set(new Date(bootedAt + 630_000)); // 30 s into the next one
    await fleet.sync();
    expect(fleet.stateOf(r.index).bootCount).to.be.greaterThan(fleet.stateOf(r.index, new Date(bootedAt + 300_000)).bootCount);
    // The kept connection died with the reboot; the poller replaces it within the same poll.
    const second = expectOk(await poller.poll(targetOf(r)));
    expect(second.uptimeSeconds).to.be.lessThan(first.uptimeSeconds);
    expect(second.uptimeSeconds).to.equal(fleet.stateOf(r.index).uptimeSeconds);
    expect(second.rxRate).to.equal(null);
    expect(second.txRate).to.equal(null);
  });

  it('ends each fault in the right PollFailure', async () => {
    const byFault = (fault: string): RouterManifestEntry[] => fleet.routers.filter((x) => x.fault === fault);
    const pollOf = (r: RouterManifestEntry) => poller.poll(targetOf(r));

    const dead = await pollOf(byFault('dead')[0]);
    expect(dead).to.include({ ok: false, failure: 'refused' });

    const silent = await pollOf(byFault('silent')[0]);
    expect(silent).to.include({ ok: false, failure: 'timeout' });

    const slow = await pollOf(byFault('slow')[0]);
    expect(slow).to.include({ ok: false, failure: 'timeout' });

    const wrong = await pollOf(byFault('wrong-credentials')[0]);
    expect(wrong).to.include({ ok: false, failure: 'auth' });
    expect(wrong.ok === false && wrong.message).to.contain('invalid user name or password');
    expect(wrong.ok === false && wrong.message).to.not.contain(PASSWORD);

    const noWireless = expectOk(await pollOf(byFault('no-wireless')[0]));
    expect(noWireless.wirelessMissing).to.equal(true);

    for (const r of byFault('garbage')) {
      const result = await pollOf(r);
      expect(result.ok, `${r.timing.garbage}`).to.equal(false);
      const failure = result.ok ? undefined : result.failure;
      if (r.timing.garbage === 'reserved-byte' || r.timing.garbage === 'unknown-reply') expect(failure, r.timing.garbage!).to.equal('protocol');
      else if (r.timing.garbage === 'cut-at-login' || r.timing.garbage === 'truncated') expect(failure, r.timing.garbage!).to.equal('closed');
      else expect(['protocol', 'closed'], r.timing.garbage!).to.include(failure);
    }
  });

  it('backs off after a failed connect, then tries again once the backoff has passed', async () => {
    const target = targetOf(fleet.routers.find((x) => x.fault === 'dead')!);
    const fresh = createRouterPoller({ connectTimeoutMs: CONNECT_MS, commandTimeoutMs: COMMAND_MS, clock, logger, random: () => 0.99, backoff: { baseMs: 10_000, maxMs: 60_000 } });
    try {
      const first = await fresh.poll(target);
      expect(first).to.include({ ok: false, failure: 'refused' });
      const during = await fresh.poll(target);
      expect(during).to.include({ ok: false, failure: 'refused' });
      expect(during.ok === false && during.message).to.contain('next connect after');
      clock.advance(11);
      const after = await fresh.poll(target);
      expect(after.ok === false && after.message).to.not.contain('next connect after');
    } finally {
      await fresh.close();
    }
  });

  it('is still alive after a sweep over every fault, and a healthy router still polls', async () => {
    const results = await Promise.all(fleet.routers.map((r) => poller.poll(targetOf(r))));
    expect(results.filter((x) => x.ok).length).to.be.at.least(healthy().length);
    const r = healthy()[0];
    const result = expectOk(await poller.poll(targetOf(r)));
    expect(result.uptimeSeconds).to.equal(fleet.stateOf(r.index).uptimeSeconds);
    poller.forget(r.index + 1);
    expect(poller.openConnections()).to.be.lessThan(fleet.routers.length);
  });
});

describe('controller: the RouterOS client on the wire', function () {
  this.timeout(30_000);
  let fleet: RouterFleet;
  before(async () => {
    fleet = await startRouterFleet({ count: 7, basePort: 0, seed: 3, splitWrites: 'byte', clock: fixedClock(START) });
  });
  after(async () => {
    await fleet?.close();
  });

  it('reads !empty (7.18+) and a bare !done (older) as an empty answer', async () => {
    const seen = new Set<boolean>();
    for (const r of fleet.routers) {
      const c = await connectRouterOs({ host: r.host, port: r.port, user: USER, password: PASSWORD, connectTimeoutMs: CONNECT_MS, commandTimeoutMs: 2000 });
      try {
        const reply = await c.command(['/interface/print', '?name=no-such-interface']);
        expect(reply.items).to.deep.equal([]);
        expect(reply.empty, r.version).to.equal(r.formats.emptyReply);
        seen.add(reply.empty);
        // The connection is still good for the next command.
        const identity = await c.command(['/system/identity/print']);
        expect(identity.items[0].name).to.equal(r.identity);
      } finally {
        await c.close();
      }
    }
    expect([...seen].sort()).to.deep.equal([false, true]);
  });

  it('polls routers that cut every reply at every byte', async () => {
    const poller = createRouterPoller({ connectTimeoutMs: CONNECT_MS, commandTimeoutMs: 5000, clock: () => fleet.now(), logger });
    try {
      for (const r of fleet.routers) {
        const result = expectOk(await poller.poll(targetOf(r)));
        const want = declared(fleet, r.index, fleet.now());
        expect(result.uptimeSeconds).to.equal(want.uptimeSeconds);
        expect(result.rxBytes).to.equal(want.rxBytes);
        expect(result.activeUsers).to.equal(want.activeUsers);
      }
    } finally {
      await poller.close();
    }
  });

  it('rejects a !trap with its reason and category, and keeps the connection', async () => {
    const r = fleet.routers[0];
    const c = await connectRouterOs({ host: r.host, port: r.port, user: USER, password: PASSWORD, connectTimeoutMs: CONNECT_MS, commandTimeoutMs: 2000 });
    try {
      const error = await c.command(['/no/such/thing/print']).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(RouterOsError);
      expect((error as RouterOsError).reason).to.equal('trap');
      expect((error as RouterOsError).category).to.equal(0);
      expect(c.isOpen).to.equal(true);
      const count = await c.command(['/ip/hotspot/active/print', '=count-only=']);
      expect(count.done.ret).to.equal(String(fleet.stateOf(0).activeUsers));
    } finally {
      await c.close();
    }
  });
});

describe('controller: API-SSL (8729 style) in front of an emulated router', function () {
  this.timeout(30_000);
  let fleet: RouterFleet;
  let server: TlsServer;
  let port: number;
  let cert: string;
  let dir: string;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'cw-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=router.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    } catch {
      this.skip(); // no openssl on this machine
    }
    cert = await readFile(join(dir, 'cert.pem'), 'utf8');
    const key = await readFile(join(dir, 'key.pem'), 'utf8');
    fleet = await startRouterFleet({ count: 1, basePort: 0, seed: 4, clock: fixedClock(START) });
    const router = fleet.routers[0];
    // TLS terminated in front of the router, as the router's api-ssl service does.
    server = createTlsServer({ key, cert }, (socket) => {
      const upstream = netConnect({ host: router.host, port: router.port });
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
      socket.pipe(upstream).pipe(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    server?.close();
    await fleet?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('logs in and polls over TLS with the router certificate trusted', async () => {
    const poller = createRouterPoller({
      connectTimeoutMs: CONNECT_MS,
      commandTimeoutMs: 2000,
      clock: () => fleet.now(),
      logger,
      tls: { ca: cert, servername: 'router.test' },
    });
    try {
      const result = expectOk(await poller.poll({ siteId: 1, host: '127.0.0.1', port, tls: true, user: USER, password: PASSWORD }));
      expect(result.uptimeSeconds).to.equal(fleet.stateOf(0).uptimeSeconds);
    } finally {
      await poller.close();
    }
  });

  it('refuses an unverifiable certificate with failure tls, before sending the password', async () => {
    const poller = createRouterPoller({ connectTimeoutMs: CONNECT_MS, commandTimeoutMs: 2000, clock: () => fleet.now(), logger });
    try {
      const result = await poller.poll({ siteId: 1, host: '127.0.0.1', port, tls: true, user: USER, password: PASSWORD });
      expect(result).to.include({ ok: false, failure: 'tls' });
    } finally {
      await poller.close();
    }
  });
});

describe('controller: pipelined reads (one write, four tags)', function () {
  this.timeout(30_000);
  let fleet: RouterFleet;
  before(async () => {
    // v6 and v7 routers, 7.18+ among them (`!empty`), one without the wireless package.
    fleet = await startRouterFleet({ count: 9, basePort: 0, seed: 3, clock: fixedClock(START), faults: { 'no-wireless': { count: 1 } } });
  });
  after(async () => {
    await fleet?.close();
  });

  it('gives the same answers as the same commands sent one after another, on v6 and v7 routers', async () => {
    const commands = [
      ['/system/resource/print', '=.proplist=uptime,version,board-name,cpu-load,free-memory,total-memory'],
      ['/interface/print', '=.proplist=name,rx-byte,tx-byte'],
      ['/ip/hotspot/active/print', '=count-only='],
      ['/interface/wireless/print', '=count-only='],
      ['/interface/print', '?name=no-such-interface'],
    ];
    const describeOutcome = (o: unknown) => (o instanceof RouterOsError ? { trap: o.reason, category: o.category, message: o.message } : o);
    const emptySeen = new Set<boolean>();
    for (const r of fleet.routers) {
      const c = await connectRouterOs({ host: r.host, port: r.port, user: USER, password: PASSWORD, connectTimeoutMs: CONNECT_MS, commandTimeoutMs: 2000 });
      try {
        const pipelined = (await c.run(commands)).outcomes.map(describeOutcome);
        const sequential: unknown[] = [];
        for (const words of commands) sequential.push(describeOutcome(await c.command(words).catch((e: unknown) => e)));
        const label = `${r.identity} ${r.version}`;
        expect(pipelined, label).to.deep.equal(sequential);
        // What a poll reads is there: a resource item, interfaces, a count of active users.
        expect(pipelined[0], label).to.have.nested.property('items[0].uptime');
        expect((pipelined[1] as { items: unknown[] }).items, label).to.have.length(r.interfaces.length);
        expect(pipelined[2], label).to.have.nested.property('done.ret', String(fleet.stateOf(r.index).activeUsers));
        expect(pipelined[3], label).to.include(r.fault === 'no-wireless' ? { trap: 'trap', category: 0 } : { empty: false });
        expect(pipelined[4], label).to.deep.equal({ items: [], done: {}, empty: r.formats.emptyReply });
        emptySeen.add(r.formats.emptyReply);
      } finally {
        await c.close();
      }
    }
    expect(new Set(fleet.routers.map((r) => r.version[0]))).to.deep.equal(new Set(['6', '7']));
    expect([...emptySeen].sort(), 'routers with and without !empty').to.deep.equal([false, true]);
  });

  it('polls every router right when only one new connection may start per turn of the event loop', async () => {
    const poller = createRouterPoller({ connectTimeoutMs: CONNECT_MS, commandTimeoutMs: 2000, clock: () => fleet.now(), logger, connectsPerTurn: 1 });
    try {
      const results = await Promise.all(fleet.routers.map((r) => poller.poll(targetOf(r))));
      for (const [k, result] of results.entries()) {
        const r = fleet.routers[k];
        expect(expectOk(result).activeUsers, r.identity).to.equal(fleet.stateOf(r.index).activeUsers);
        expect(expectOk(result).wirelessMissing, r.identity).to.equal(r.fault === 'no-wireless');
      }
      expect(poller.openConnections()).to.equal(fleet.routers.length);
    } finally {
      await poller.close();
    }
  });
});

/**
 * A hand-made router for timing cases the emulator does not have. It answers the login and the
 * reads with fixed values, through `answer`, which decides when each reply goes out.
 */
async function startHandRouter(answer: (reply: () => void, request: string[], socket: Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const reader = new SentenceReader();
    socket.on('data', (chunk: Buffer) => {
      for (const words of reader.push(chunk)) {
        const tag = words.find((w) => w.startsWith('.tag='))!;
        const replies: string[][] = [];
        if (words[0] === '/login') replies.push(['!done']);
        else if (words[0] === '/system/resource/print') {
          replies.push(['!re', '=uptime=1d2h3m4s', '=version=7.16.2 (stable)', '=board-name=hAP ac2', '=cpu-load=7', '=free-memory=100000', '=total-memory=200000'], ['!done']);
        } else if (words[0] === '/interface/print') replies.push(['!re', '=name=ether1', '=rx-byte=1000', '=tx-byte=2000'], ['!done']);
        else if (words[0] === '/ip/hotspot/active/print') replies.push(['!done', '=ret=3']);
        else replies.push(['!done', '=ret=1']);
        answer(() => socket.write(encodeSentences(replies.map((r) => [...r, tag]))), words, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Holds the whole process (this test's event loop included) for `ms`, as a burst of work does on a busy controller. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // a busy event loop
  }
}

describe('controller: time limits of a poll', function () {
  this.timeout(30_000);
  const clock = fixedClock(START);
  const target = (port: number): RouterTarget => ({ siteId: 1, host: '127.0.0.1', port, tls: false, user: USER, password: PASSWORD });

  it('ends a poll at connect + command timeout, with a clear message, when a router answers one command at a time', async () => {
    // Login 300 ms after it is asked, then one read every 300 ms: never silent for the 500 ms
    // command timeout, but the four reads end 1,500 ms in, past the poll's 1,100 ms.
    let queue = Promise.resolve();
    const router = await startHandRouter((reply) => {
      queue = queue.then(() => new Promise<void>((resolve) => setTimeout(() => {
        reply();
        resolve();
      }, 300)));
    });
    const poller = createRouterPoller({ connectTimeoutMs: 600, commandTimeoutMs: 500, clock, logger });
    try {
      const result = await poller.poll(target(router.port));
      expect(result).to.include({ ok: false, failure: 'timeout' });
      const message = result.ok ? '' : result.message;
      expect(message).to.match(/^poll ran out of time after 1100 ms \(connect 600 \+ command 500 ms\): /);
      expect(message).to.match(/no answer to \/\S+ by the deadline/);
      expect(message).to.match(/[0-3] of 4 commands answered/);
    } finally {
      await poller.close();
      await router.close();
    }
  });

  it('lets a router that is still answering finish within the poll, though the reads take longer than the command timeout', async () => {
    // The same router with a 1,500 ms connect timeout: the poll may take 2,000 ms; the reads
    // take 1,200 ms, longer than the 500 ms command timeout, but a reply comes every 300 ms.
    let queue = Promise.resolve();
    const router = await startHandRouter((reply) => {
      queue = queue.then(() => new Promise<void>((resolve) => setTimeout(() => {
        reply();
        resolve();
      }, 300)));
    });
    const poller = createRouterPoller({ connectTimeoutMs: 1500, commandTimeoutMs: 500, clock, logger });
    try {
      const result = expectOk(await poller.poll(target(router.port)));
      expect(result).to.include({ uptimeSeconds: 93_784, cpuLoad: 7, activeUsers: 3, rxBytes: 1000, txBytes: 2000, wirelessMissing: false });
    } finally {
      await poller.close();
      await router.close();
    }
  });

  it('counts replies that arrived before the timers came due, however late a busy process reads them', async () => {
    // The router answers at once, then the process is busy past the timeout (after the login:
    // past the 150 ms connect timeout; after the reads: past the 1,000 ms command timeout and the
    // poll's 1,150 ms). When the loop turns again the timers are due and the replies are waiting
    // in the socket, unread. They arrived in time, so the poll succeeds.
    const router = await startHandRouter((reply, request) => {
      reply();
      if (request[0] === '/login') busyFor(250);
      if (request[0] === '/interface/wireless/print') busyFor(1300);
    });
    const poller = createRouterPoller({ connectTimeoutMs: 150, commandTimeoutMs: 1000, clock, logger });
    try {
      const result = expectOk(await poller.poll(target(router.port)));
      expect(result).to.include({ cpuLoad: 7, activeUsers: 3 });
    } finally {
      await poller.close();
      await router.close();
    }
  });

  it('still fails a router that stays silent', async () => {
    const router = await startHandRouter(() => undefined);
    const poller = createRouterPoller({ connectTimeoutMs: 150, commandTimeoutMs: 150, clock, logger });
    try {
      const result = await poller.poll(target(router.port));
      expect(result).to.include({ ok: false, failure: 'timeout' });
      expect(result.ok ? '' : result.message).to.contain('no answer to /login within 150 ms');
    } finally {
      await poller.close();
      await router.close();
    }
  });
});
