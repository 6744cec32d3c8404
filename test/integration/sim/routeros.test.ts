import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixedClock } from '../../../core/domain/clock.js';
import {
  formatDuration,
  routerStateAt,
  startRouterFleet,
  type FleetManifest,
  type RouterFleet,
  type RouterManifestEntry,
} from '../../../sim/routeros/index.js';
import { fieldsOf, RawRouterOsClient, tagOf } from '../../helpers/routeros-raw-client.js';

const START = '2026-02-25T12:00:00Z'; // 19:00 in Jakarta: the evening peak
const USER = 'api-poller';
const PASSWORD = 'Tangsel-2026';
const SLOW_MS = 400;

function major(r: RouterManifestEntry): number {
  return Number(r.version.split('.')[0]);
}

function minor(r: RouterManifestEntry): number {
  return Number(r.version.split('.')[1]);
}

async function refused(port: number): Promise<string> {
  try {
    const client = await RawRouterOsClient.connect(port);
    client.close();
    return 'connected';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

describe('sim/routeros: an emulated fleet over real TCP', function () {
  this.timeout(30_000);
  const clock = fixedClock(START);
  let fleet: RouterFleet;
  const clients: RawRouterOsClient[] = [];

  async function open(router: RouterManifestEntry, login = true): Promise<RawRouterOsClient> {
    const client = await RawRouterOsClient.connect(router.port);
    clients.push(client);
    if (login) expect(await client.login(USER, PASSWORD)).to.deep.equal([['!done']]);
    return client;
  }

  function healthy(match: (r: RouterManifestEntry) => boolean = () => true): RouterManifestEntry {
    const router = fleet.routers.find((r) => r.fault === null && match(r));
    if (!router) throw new Error('the fleet has no such healthy router: change the seed');
    return router;
  }

  function withFault(fault: string): RouterManifestEntry[] {
    return fleet.routers.filter((r) => r.fault === fault);
  }

  before(async () => {
    fleet = await startRouterFleet({
      count: 29,
      basePort: 0,
      seed: 5,
      clock,
      credentials: { user: USER, password: PASSWORD },
      faults: {
        dead: { count: 2 },
        silent: { count: 1 },
        slow: { count: 1 },
        garbage: { count: 5 },
        flapping: { count: 1 },
        rebooting: { count: 1 },
        'wrong-credentials': { count: 1 },
        'no-wireless': { count: 1 },
        busy: { count: 1 },
      },
      tuning: { slowReplyMs: SLOW_MS, rebootEverySeconds: 900, flapUpSeconds: 120, flapDownSeconds: 60 },
    });
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  after(async () => {
    await fleet?.close();
  });

  it('declares the asked-for faults and a mix of versions in the manifest', () => {
    const manifest = fleet.manifest();
    expect(manifest.count).to.equal(29);
    expect(manifest.faults).to.include({ dead: 2, silent: 1, slow: 1, garbage: 5, flapping: 1, rebooting: 1, 'wrong-credentials': 1, 'no-wireless': 1, busy: 1 });
    const versions = new Set(manifest.routers.map((r) => r.version.split(' ')[0]));
    expect([...versions].some((v) => v.startsWith('6.49.'))).to.equal(true);
    expect([...versions].some((v) => v.startsWith('7.1') && Number(v.split('.')[1]) >= 18)).to.equal(true);
    expect([...versions].some((v) => v.startsWith('7.') && Number(v.split('.')[1]) < 18)).to.equal(true);
    expect(new Set(manifest.routers.map((r) => r.timing.garbage).filter(Boolean))).to.have.property('size', 5);
    expect(new Set(manifest.routers.map((r) => r.port)).size).to.equal(29);
  });

  it('logs in with the fleet credentials and refuses a wrong password with !trap then !done', async () => {
    const client = await open(healthy(), false);
    expect(await client.login(USER, 'wrong')).to.deep.equal([['!trap', '=message=invalid user name or password (6)'], ['!done']]);
    expect(await client.login(USER, PASSWORD)).to.deep.equal([['!done']]);
  });

  it('refuses commands before login, and ends the session on /quit with !fatal', async () => {
    const client = await open(healthy(), false);
    expect(await client.run(['/system/identity/print', '.tag=1'])).to.deep.equal([['!trap', '=category=5', '=message=not logged in', '.tag=1'], ['!done', '.tag=1']]);
    expect(await client.run(['/quit'])).to.deep.equal([['!fatal', 'session terminated on request']]);
    await client.waitClosed();
  });

  for (const kind of ['v6', 'v7 before 7.18', 'v7.18+'] as const) {
    it(`answers every monitoring command of a ${kind} router with the values the fleet predicts`, async () => {
      const router = healthy((r) => (kind === 'v6' ? major(r) === 6 : kind === 'v7.18+' ? major(r) === 7 && minor(r) >= 18 : major(r) === 7 && minor(r) < 18));
      const state = fleet.stateOf(router.index);
      const client = await open(router);

      const [resource, resourceDone] = await client.run(['/system/resource/print']);
      expect(resourceDone).to.deep.equal(['!done']);
      const r = fieldsOf(resource);
      expect(r.uptime).to.equal(formatDuration(state.uptimeSeconds));
      expect(r['cpu-load']).to.equal(String(state.cpuLoad));
      expect(r['free-memory']).to.equal(String(state.freeMemory));
      expect(r['total-memory']).to.equal(String(state.totalMemory));
      expect(r.version).to.equal(router.version);
      expect(r['board-name']).to.equal(router.boardName);
      expect(r['build-time']).to.match(router.formats.buildTime === 'iso' ? /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/ : /^[A-Z][a-z]{2}\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);

      const [identity] = await client.run(['/system/identity/print']);
      expect(fieldsOf(identity).name).to.equal(router.identity);

      const [board] = await client.run(['/system/routerboard/print']);
      expect(fieldsOf(board).routerboard).to.equal('true');

      const interfaces = await client.run(['/interface/print', '=stats=']);
      const items = interfaces.filter((s) => s[0] === '!re').map(fieldsOf);
      expect(items.map((i) => i.name)).to.deep.equal(router.interfaces.map((i) => i.name));
      for (const [k, item] of items.entries()) {
        expect(item['rx-byte']).to.equal(state.interfaces[k].rxByte.toString());
        expect(item['tx-byte']).to.equal(state.interfaces[k].txByte.toString());
        if (item['last-link-up-time']) {
          expect(item['last-link-up-time']).to.match(major(router) === 6 ? /^[a-z]{3}\/\d\d\/\d{4} / : /^\d{4}-\d\d-\d\d /);
        }
      }

      const health = await client.run(['/system/health/print']);
      if (router.formats.health === 'named') {
        expect(health).to.have.length(2);
        expect(Object.keys(fieldsOf(health[0])).length).to.be.greaterThan(0);
      } else if (router.formats.health === 'sensors') {
        for (const s of health.slice(0, -1)) expect(Object.keys(fieldsOf(s))).to.deep.equal(['.id', 'name', 'value', 'type']);
      } else {
        expect(health).to.deep.equal(router.formats.emptyReply ? [['!empty'], ['!done']] : [['!done']]);
      }

      const wireless = await client.run(['/interface/wireless/print']);
      const wlans = router.interfaces.filter((i) => i.type === 'wlan').length;
      expect(wireless.filter((s) => s[0] === '!re')).to.have.length(wlans);

      expect(await client.run(['/ip/hotspot/active/print', '=count-only='])).to.deep.equal([['!done', `=ret=${state.activeUsers}`]]);
      const users = await client.run(['/ip/hotspot/active/print', '=.proplist=user,bytes-in,bytes-out']);
      if (state.activeUsers === 0) expect(users).to.deep.equal(router.formats.emptyReply ? [['!empty'], ['!done']] : [['!done']]);
      else expect(users.filter((s) => s[0] === '!re').map((s) => Object.keys(fieldsOf(s)))).to.deep.equal(Array(state.activeUsers).fill(['user', 'bytes-in', 'bytes-out']));
    });
  }

  it('tags every reply of interleaved commands with their own tag, as the last word', async () => {
    const client = await open(healthy());
    client.send(['/interface/print', '.tag=a']);
    client.send(['/system/resource/print', '.tag=b']);
    client.send(['/ip/hotspot/active/print', '=count-only=', '.tag=c']);
    const [a, b, c] = await Promise.all([client.repliesUntilDone('a'), client.repliesUntilDone('b'), client.repliesUntilDone('c')]);
    for (const [tag, replies] of [['a', a], ['b', b], ['c', c]] as const) {
      for (const s of replies) expect(s[s.length - 1], s.join(' ')).to.equal(`.tag=${tag}`);
    }
    expect(a.length).to.be.greaterThan(2);
    expect(c).to.have.length(1);
  });

  it('filters print with queries and trims with proplist', async () => {
    const router = healthy((r) => r.interfaces.some((i) => i.type === 'wlan'));
    const client = await open(router);
    const replies = await client.run(['/interface/print', '=.proplist=name,type', '?type=ether', '?type=wlan', '?#|']);
    const expected = router.interfaces.filter((i) => i.type === 'ether' || i.type === 'wlan').map((i) => ({ name: i.name, type: i.type }));
    expect(replies.slice(0, -1).map(fieldsOf)).to.deep.equal(expected);
    const counted = await client.run(['/interface/print', '=count-only=', '?type=wlan']);
    expect(counted).to.deep.equal([['!done', `=ret=${router.interfaces.filter((i) => i.type === 'wlan').length}`]]);
  });

  it('answers a command with no data with !empty then !done from 7.18, and a bare !done before', async () => {
    const newer = await open(healthy((r) => r.formats.emptyReply));
    expect(await newer.run(['/interface/print', '?type=pppoe-out', '.tag=7'])).to.deep.equal([['!empty', '.tag=7'], ['!done', '.tag=7']]);
    expect(await newer.run(['/interface/print', '?type=pppoe-out'])).to.deep.equal([['!empty'], ['!done']]);
    const older = await open(healthy((r) => !r.formats.emptyReply && major(r) === 7));
    expect(await older.run(['/interface/print', '?type=pppoe-out', '.tag=7'])).to.deep.equal([['!done', '.tag=7']]);
  });

  it('/cancel =tag= stops a streaming command with interrupted + !done, then answers its own !done', async () => {
    const client = await open(healthy());
    client.send(['/ping', '=address=10.20.0.1', '=interval=0.05', '.tag=p']);
    const first = await client.take((s) => tagOf(s) === 'p');
    expect(first[0]).to.equal('!re');
    expect(fieldsOf(first)).to.include({ seq: '0', host: '10.20.0.1', sent: '1', received: '1' });
    client.send(['/cancel', '=tag=p', '.tag=c']);
    await client.take((s) => s[0] === '!trap' && tagOf(s) === 'p');
    const stop = client.received.filter((s) => tagOf(s) === 'p' && s[0] !== '!re');
    expect(stop).to.deep.equal([['!trap', '=category=2', '=message=interrupted', '.tag=p'], ['!done', '.tag=p']]);
    expect(await client.repliesUntilDone('c')).to.deep.equal([['!done', '.tag=c']]);
    expect(await client.quietFor(200)).to.equal(true);
  });

  it('finishes a ping with a count by itself', async () => {
    const client = await open(healthy());
    const replies = await client.run(['/ping', '=address=10.20.0.1', '=count=3', '=interval=0.01']);
    expect(replies.map((s) => s[0])).to.deep.equal(['!re', '!re', '!re', '!done']);
    expect(fieldsOf(replies[2])).to.include({ seq: '2', sent: '3', received: '3', 'packet-loss': '0' });
  });

  it('cuts replies across TCP writes on routers that do, and still frames them right', async () => {
    const router = healthy((r) => r.formats.splitWrites === 'random');
    const client = await open(router);
    const chunksBefore = client.chunks;
    const replies = await client.run(['/interface/print']);
    expect(replies.filter((s) => s[0] === '!re')).to.have.length(router.interfaces.length);
    expect(client.chunks - chunksBefore).to.be.greaterThan(replies.length);
  });

  it('splits at every byte with --split-writes, and the replies are the same', async () => {
    const byteFleet = await startRouterFleet({ count: 2, basePort: 0, seed: 5, clock, credentials: { user: USER, password: PASSWORD }, splitWrites: 'byte' });
    try {
      const router = byteFleet.routers[0];
      const client = await RawRouterOsClient.connect(router.port);
      clients.push(client);
      expect(await client.login(USER, PASSWORD)).to.deep.equal([['!done']]);
      const before = client.chunks;
      const replies = await client.run(['/system/resource/print', '.tag=x']);
      const bytes = replies.reduce((n, s) => n + s.reduce((m, w) => m + Buffer.byteLength(w) + 1, 1), 0);
      const chunks = client.chunks - before;
      console.log(`      byte-split reply: ${bytes} bytes arrived in ${chunks} TCP reads`);
      expect(chunks).to.be.greaterThan(replies.length * 4);
      expect(fieldsOf(replies[0]).uptime).to.equal(formatDuration(byteFleet.stateOf(0).uptimeSeconds));
      expect(replies[1]).to.deep.equal(['!done', '.tag=x']);
    } finally {
      await byteFleet.close();
    }
  });

  describe('faults, each as the manifest declares', () => {
    it('dead: the port is closed', async () => {
      for (const router of withFault('dead')) {
        expect(router.now.listening).to.equal(false);
        expect(await refused(router.port)).to.equal('ECONNREFUSED');
      }
    });

    it('silent: accepts the connection and never answers, not even the login', async () => {
      const [router] = withFault('silent');
      const client = await open(router, false);
      client.send(['/login', `=name=${USER}`, `=password=${PASSWORD}`]);
      expect(await client.quietFor(500)).to.equal(true);
      expect(client.closed).to.equal(false);
    });

    it('slow: answers correctly, each reply late by slowReplyMs, and a pending command can be cancelled', async () => {
      const [router] = withFault('slow');
      expect(router.timing.slowReplyMs).to.equal(SLOW_MS);
      const client = await open(router, false);
      const started = Date.now();
      expect(await client.login(USER, PASSWORD)).to.deep.equal([['!done']]);
      expect(Date.now() - started).to.be.at.least(SLOW_MS - 20);
      const [identity] = await client.run(['/system/identity/print']);
      expect(fieldsOf(identity).name).to.equal(router.identity);
      client.send(['/system/resource/print', '.tag=s']);
      client.send(['/cancel', '=tag=s', '.tag=c']);
      expect(await client.repliesUntilDone('s')).to.deep.equal([['!trap', '=category=2', '=message=interrupted', '.tag=s'], ['!done', '.tag=s']]);
      expect(await client.repliesUntilDone('c')).to.deep.equal([['!done', '.tag=c']]);
      expect(client.received.some((s) => s[0] === '!re' && tagOf(s) === 's')).to.equal(false);
    });

    it('garbage: logs in, then answers with malformed bytes and closes mid-sentence', async () => {
      for (const router of withFault('garbage').filter((r) => r.timing.garbage !== 'cut-at-login')) {
        const client = await open(router);
        client.send(['/system/resource/print']);
        await client.waitClosed();
        const mode = router.timing.garbage;
        // The login's !done came first; nothing after it is a clean reply.
        expect(client.received[0]).to.deep.equal(['!done']);
        expect(client.received.slice(1).some((s) => s[0] === '!done' || s[0] === '!re'), mode!).to.equal(false);
        if (mode === 'truncated') {
          expect(client.protocolError).to.equal(undefined);
          expect(client.leftoverAtClose).to.be.greaterThan(0);
        } else if (mode === 'reserved-byte') {
          expect(client.protocolError).to.match(/reserved byte 0xf[89a-f]/);
        } else if (mode === 'unknown-reply') {
          expect(client.received.map((s) => s[0])).to.deep.equal(['!done', '!bogus']);
        } else {
          expect(client.protocolError !== undefined || client.leftoverAtClose > 0 || client.received.length > 1, 'noise is not a clean reply').to.equal(true);
        }
      }
    });

    it('garbage cut-at-login: half of the login reply, then the socket closes', async () => {
      const [router] = withFault('garbage').filter((r) => r.timing.garbage === 'cut-at-login');
      const client = await open(router, false);
      client.send(['/login', `=name=${USER}`, `=password=${PASSWORD}`]);
      await client.waitClosed();
      expect(client.received).to.deep.equal([]);
      expect(client.leftoverAtClose).to.be.greaterThan(0);
    });

    it('flapping: the port closes in down windows (dropping connections) and opens again', async () => {
      const [router] = withFault('flapping');
      const flap = router.timing.flapping!;
      const since = new Date(flap.since).getTime();
      const period = (flap.upSeconds + flap.downSeconds) * 1000;
      const cycleStart = since + Math.ceil((clock().getTime() - since) / period) * period;
      clock.set(new Date(cycleStart + 10_000));
      await fleet.sync();
      const client = await open(router);
      clock.set(new Date(cycleStart + (flap.upSeconds + 10) * 1000));
      await fleet.sync();
      expect(fleet.stateOf(router.index).listening).to.equal(false);
      await client.waitClosed();
      expect(client.socketError).to.equal('ECONNRESET');
      expect(await refused(router.port)).to.equal('ECONNREFUSED');
      clock.set(new Date(cycleStart + period + 5_000));
      await fleet.sync();
      const again = await open(router);
      const [identity] = await again.run(['/system/identity/print']);
      expect(fieldsOf(identity).name).to.equal(router.identity);
    });

    it('rebooting: uptime falls back, counters reset, the open connection drops', async () => {
      const [router] = withFault('rebooting');
      const client = await open(router);
      const before = fieldsOf((await client.run(['/system/resource/print']))[0]);
      const wanBefore = BigInt(fieldsOf((await client.run(['/interface/print', '?name=ether1']))[0])['rx-byte']);
      const every = router.timing.rebootEverySeconds! * 1000;
      const first = new Date(router.timing.firstBootAt).getTime();
      const nextBoot = first + Math.ceil((clock().getTime() - first + 1) / every) * every;
      clock.set(new Date(nextBoot + 42_000));
      client.send(['/system/resource/print']);
      await client.waitClosed();
      expect(client.socketError).to.equal('ECONNRESET');
      const fresh = await open(router);
      const after = fieldsOf((await fresh.run(['/system/resource/print']))[0]);
      expect(after.uptime).to.equal('42s');
      expect(before.uptime).not.to.equal('42s');
      const wanAfter = BigInt(fieldsOf((await fresh.run(['/interface/print', '?name=ether1']))[0])['rx-byte']);
      expect(wanAfter < wanBefore).to.equal(true);
      expect(fleet.stateOf(router.index).bootCount).to.be.at.least(1);
    });

    it('wrong credentials: the fleet\'s are refused, the manifest\'s accepted', async () => {
      const [router] = withFault('wrong-credentials');
      expect(router.credentials.password).not.to.equal(PASSWORD);
      const client = await open(router, false);
      expect(await client.login(USER, PASSWORD)).to.deep.equal([['!trap', '=message=invalid user name or password (6)'], ['!done']]);
      expect(await client.login(router.credentials.user, router.credentials.password)).to.deep.equal([['!done']]);
    });

    it('no wireless package: wireless commands trap "no such command", the rest works', async () => {
      const [router] = withFault('no-wireless');
      const client = await open(router);
      for (const command of ['/interface/wireless/print', '/interface/wireless/registration-table/print']) {
        expect(await client.run([command, '.tag=w'])).to.deep.equal([
          ['!trap', '=category=0', '=message=no such command or directory (wireless)', '.tag=w'],
          ['!trap', '=message=no such command prefix', '.tag=w'],
          ['!done', '.tag=w'],
        ]);
      }
      const [identity] = await client.run(['/system/identity/print']);
      expect(fieldsOf(identity).name).to.equal(router.identity);
    });

    it('busy: answers with cpu-load above 90 and little free memory', async () => {
      const [router] = withFault('busy');
      const client = await open(router);
      const r = fieldsOf((await client.run(['/system/resource/print', '=.proplist=cpu-load,free-memory,total-memory']))[0]);
      expect(Number(r['cpu-load'])).to.be.above(90);
      expect(Number(r['free-memory']) / Number(r['total-memory'])).to.be.below(0.05);
    });
  });

  it('moves with the injected clock: uptime advances and counters grow', async () => {
    const router = healthy((r) => r.counters.wrapsAt === null);
    const client = await open(router);
    const read = async () => {
      const [res] = await client.run(['/system/resource/print', '=.proplist=uptime']);
      const [wan] = await client.run(['/interface/print', '?name=ether1', '=.proplist=rx-byte,tx-byte']);
      return { uptime: fieldsOf(res).uptime, rx: BigInt(fieldsOf(wan)['rx-byte']) };
    };
    const a = await read();
    const before = fleet.stateOf(router.index).uptimeSeconds;
    clock.advance(3600);
    const b = await read();
    expect(a.uptime).to.equal(formatDuration(before));
    expect(b.uptime).to.equal(formatDuration(before + 3600));
    expect(b.rx > a.rx).to.equal(true);
  });

  it('writes a manifest from which each router\'s values can be recomputed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'citywifi-routeros-'));
    try {
      const file = join(dir, 'manifest.json');
      await fleet.writeManifest(file);
      const manifest = JSON.parse(await readFile(file, 'utf8')) as FleetManifest;
      expect(manifest.manifestVersion).to.equal(1);
      expect(manifest.credentials).to.deep.equal({ user: USER, password: PASSWORD });
      expect(manifest.routers).to.have.length(29);
      for (const entry of manifest.routers) {
        const at = new Date(entry.now.at);
        const state = routerStateAt(entry, at);
        expect(entry.now.uptimeSeconds).to.equal(state.uptimeSeconds);
        expect(entry.now.activeUsers).to.equal(state.activeUsers);
        expect(entry.now.interfaces[0].rxByte).to.equal(state.interfaces[0].rxByte.toString());
        expect(entry.answers).to.be.a('string').and.not.equal('');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('citywifi sim routers (the command)', function () {
  this.timeout(30_000);
  const cliModule = fileURLToPath(new URL('../../../cli/sim-routers.js', import.meta.url));
  // cli/sim.ts mounts registerSimRouters under `sim`; this harness mounts it the same way.
  const harness = `import { Command } from 'commander'; import { registerSimRouters } from ${JSON.stringify(cliModule)};
const program = new Command(); registerSimRouters(program.command('sim'));
try { await program.parseAsync(process.argv.slice(1), { from: 'user' }); } catch (e) { process.stderr.write('citywifi: ' + e.message + '\\n'); process.exit(2); }`;

  function run(args: string[]) {
    const child = spawn(process.execPath, ['--input-type=module', '-e', harness, 'sim', 'routers', ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const listening = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        if (stdout.includes('\n')) resolve(stdout);
      });
      child.on('exit', () => reject(new Error(`exited: ${stderr}`)));
    });
    return { child, exited, listening, output: () => ({ stdout, stderr }) };
  }

  it('serves the fleet, writes the manifest, and stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'citywifi-routers-cli-'));
    const file = join(dir, 'fleet.json');
    const cli = run(['--count', '4', '--base-port', '0', '--faults', 'dead=#1,no-wireless=25', '--seed', '9', '--manifest', file, '--user', 'u', '--password', 'p', '--split-writes']);
    try {
      const line = await cli.listening;
      expect(line).to.match(/^routers listening: count=4 host=127\.0\.0\.1 ports=\d+\.\.\d+ faults="dead=1 no-wireless=1" seed=9 manifest=/);
      const manifest = JSON.parse(await readFile(file, 'utf8')) as FleetManifest;
      expect(manifest.routers.map((r) => r.fault).filter(Boolean).sort()).to.deep.equal(['dead', 'no-wireless']);
      expect(manifest.routers.every((r) => r.formats.splitWrites === 'byte')).to.equal(true);
      const router = manifest.routers.find((r) => r.fault === null)!;
      const client = await RawRouterOsClient.connect(router.port);
      expect(await client.login('u', 'p')).to.deep.equal([['!done']]);
      expect(fieldsOf((await client.run(['/system/identity/print']))[0]).name).to.equal(router.identity);
      client.close();
      cli.child.kill('SIGTERM');
      expect(await cli.exited).to.equal(0);
      expect(await refused(router.port)).to.equal('ECONNREFUSED');
    } finally {
      cli.child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses faults that name more routers than the fleet has, and a bad fault list', async () => {
    const tooMany = run(['--count', '2', '--base-port', '0', '--faults', 'dead=#3']);
    expect(await tooMany.exited).to.equal(2);
    expect(tooMany.output().stderr).to.match(/--faults: the faults name 3 routers but the fleet has 2/);
    const unknown = run(['--count', '2', '--base-port', '0', '--faults', 'melted=1']);
    expect(await unknown.exited).to.equal(2);
    expect(unknown.output().stderr).to.match(/--faults: unknown fault "melted"/);
  });
});

describe('sim/routeros at city scale', function () {
  this.timeout(120_000);

  it('starts 5,000 routers in one process, answers on the first and last port, and closes them all', async () => {
    const before = process.memoryUsage();
    let fleet: RouterFleet | undefined;
    let basePort = 0;
    for (const candidate of [26_100, 15_000, 21_000]) {
      try {
        fleet = await startRouterFleet({
          count: 5000,
          basePort: candidate,
          seed: 2025,
          faults: { dead: { percent: 5 }, silent: { percent: 3 }, slow: { percent: 3 }, garbage: { percent: 1 }, flapping: { percent: 1 }, rebooting: { percent: 1 }, 'wrong-credentials': { percent: 1 }, 'no-wireless': { percent: 1 } },
        });
        basePort = candidate;
        break;
      } catch (error) {
        if (!/not free/.test((error as Error).message)) throw error;
      }
    }
    if (!fleet) throw new Error('no free range of 5,000 ports');
    try {
      const after = process.memoryUsage();
      const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
      const stats = fleet.stats();
      console.log(
        `      5,000 routers on ${basePort}..${basePort + 4999}: ${stats.listening} listening; rss +${mb(after.rss - before.rss)} MB (${mb(after.rss)} MB), heap +${mb(after.heapUsed - before.heapUsed)} MB`,
      );
      expect(fleet.routers).to.have.length(5000);
      expect(fleet.routers[4999].port).to.equal(basePort + 4999);
      expect(fleet.manifest().faults).to.include({ dead: 250, silent: 150, slow: 150 });
      const answering = fleet.routers.filter((r) => r.fault === null);
      for (const router of [answering[0], answering[answering.length - 1]]) {
        const client = await RawRouterOsClient.connect(router.port);
        expect(await client.login('admin', 'citywifi')).to.deep.equal([['!done']]);
        // The system clock runs here: the count may change between the two looks, not beyond them.
        const low = fleet.stateOf(router.index).activeUsers;
        const [done] = await client.run(['/ip/hotspot/active/print', '=count-only=']);
        const high = fleet.stateOf(router.index).activeUsers;
        expect([`=ret=${low}`, `=ret=${high}`]).to.include(done[1]);
        client.close();
      }
      expect(await refused(fleet.routers.find((r) => r.fault === 'dead')!.port)).to.equal('ECONNREFUSED');
    } finally {
      await fleet.close();
    }
    expect(await refused(basePort)).to.equal('ECONNREFUSED');
  });
});
