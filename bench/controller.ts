// `npm run bench:controller` (issue 4 §8): citywifi's controller against an emulated fleet with dead,
// silent and slow routers. One controller over the fleet: one sweep (`controller --once`), then the
// loop over a measured interval (CPU, peak memory, every site polled once); the same fleet polled by a
// classic sequential poller for a fixed time, projected to a sweep; then a bigger fleet shared by
// several controllers. Prints each figure against its target and writes bench/RESULTS.md.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Cleanup } from './cleanup.js';
import { describeVerdict, judgeSweep, verdictOk, expectedOk, type Verdict } from './controller-checks.js';
import { leaseCounts, pollGaps, pollsSince, readSiteRows, samplesBetween } from './controller-db.js';
import { countFaults, startSimFleet, writeSitesFile, type BenchRouter, type SimFleet } from './controller-fleet.js';
import { runSequentialPeer, type PeerResult } from './controller-peer.js';
import { machineTicks, MIB, openFds, readProc } from './controller-proc.js';
import { runCli, runControllerOnce, startControllerLoop, type ControllerEnv, type OnceRun } from './controller-processes.js';
import {
  figureRows,
  humanDuration,
  int,
  machineLine,
  markdownTable,
  mib,
  peerRows,
  percent,
  seconds,
  TARGETS,
  textTable,
  type Figure,
} from './controller-report.js';
import { createDatabase, dropDatabase, newDatabaseName, serverVersion, type DbTarget } from './postgres.js';
import { resultsPath, writeResultsSection } from './report.js';
import type { ServerProcess } from './server-process.js';

const USAGE = `Usage: npm run bench:controller [-- options]

An emulated RouterOS fleet (\`citywifi sim routers\`, split over several processes) with dead, silent
and slow routers, each router a site imported with \`citywifi sites import\`, each phase on a fresh
database:
  1. one controller, --routers routers: \`citywifi controller --once\` (sweep time, CPU, peak memory,
     every site polled with the right outcome); the sequential peer for --peer-seconds, projected to
     a sweep; then \`citywifi controller\` (the loop) measured over --window seconds once every site
     has been polled: CPU as a share of one core, peak memory, every site polled once per interval;
  2. --scale routers shared by --controllers controllers (the loop): per controller CPU, peak memory
     and sites held, every site polled once per interval; then each restarted as --once (sweep time).

Options:
  --routers N        routers for one controller (default 5000)
  --faults LIST      as for \`citywifi sim routers\` (default dead=5,silent=3,slow=3)
  --timeout-ms MS    connect and command timeout of the controller and of the peer (default 5000)
  --interval S       CONTROLLER_INTERVAL_SECONDS (default 60; at least 10)
  --window S         seconds of the loop measured (default: one interval)
  --peer-seconds S   time the sequential peer polls (default 30)
  --scale N          routers for the several-controllers phase; 0 skips it (default 20000)
  --controllers N    controllers sharing --scale routers (default 4)
  --sim-size N       routers per sim process (default 2500)
  --concurrency N    CONTROLLER_CONCURRENCY (default: the controller's own)
  --base-port P      first router port (default 12000; keep the fleet below the ephemeral ports)
  --seed N           the sim's seed (default 1)
  --only LIST        once, peer, loop, scale (comma-separated): run only these parts
  --results          write bench/RESULTS.md even for a partial run
  --no-results       do not write bench/RESULTS.md
  --keep             keep the databases
  -h, --help         this text

Environment: BENCH_ADMIN_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
`;

type Part = 'once' | 'peer' | 'loop' | 'scale';
const PARTS: Part[] = ['once', 'peer', 'loop', 'scale'];

interface Settings {
  routers: number;
  faults: string;
  timeoutMs: number;
  intervalS: number;
  windowS: number;
  peerS: number;
  scale: number;
  controllers: number;
  simSize: number;
  concurrency: number | undefined;
  basePort: number;
  seed: number;
  parts: Set<Part>;
  writeResults: boolean;
  keep: boolean;
}

function fail(message: string): never {
  console.error(`bench:controller: ${message}`);
  process.exit(2);
}

function readSettings(argv: string[]): Settings {
  let v;
  try {
    v = parseArgs({
      args: argv,
      options: {
        routers: { type: 'string', default: '5000' },
        faults: { type: 'string', default: 'dead=5,silent=3,slow=3' },
        'timeout-ms': { type: 'string', default: '5000' },
        interval: { type: 'string', default: '60' },
        window: { type: 'string' },
        'peer-seconds': { type: 'string', default: '30' },
        scale: { type: 'string', default: '20000' },
        controllers: { type: 'string', default: '4' },
        'sim-size': { type: 'string', default: '2500' },
        concurrency: { type: 'string' },
        'base-port': { type: 'string', default: '12000' },
        seed: { type: 'string', default: '1' },
        only: { type: 'string' },
        results: { type: 'boolean', default: false },
        'no-results': { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    fail(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (v.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const whole = (name: string, text: string, min: number, max: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be a whole number from ${min} to ${max}, not "${text}"`);
    return n;
  };
  const parts = new Set<Part>(v.only === undefined ? PARTS : []);
  for (const word of v.only?.split(',') ?? []) {
    if (!PARTS.includes(word as Part)) fail(`--only takes ${PARTS.join(', ')}, not "${word}"`);
    parts.add(word as Part);
  }
  const intervalS = whole('interval', v.interval, 10, 3600);
  const settings: Settings = {
    routers: whole('routers', v.routers, 1, 20_000),
    faults: v.faults,
    timeoutMs: whole('timeout-ms', v['timeout-ms'], 100, 60_000),
    intervalS,
    windowS: v.window === undefined ? intervalS : whole('window', v.window, 5, 3600),
    peerS: whole('peer-seconds', v['peer-seconds'], 1, 3600),
    scale: whole('scale', v.scale, 0, 50_000),
    controllers: whole('controllers', v.controllers, 1, 32),
    simSize: whole('sim-size', v['sim-size'], 100, 20_000),
    concurrency: v.concurrency === undefined ? undefined : whole('concurrency', v.concurrency, 1, 100_000),
    basePort: whole('base-port', v['base-port'], 1024, 65_535),
    seed: whole('seed', v.seed, 0, 2 ** 31 - 1),
    parts,
    writeResults: v['no-results'] ? false : v.results || v.only === undefined,
    keep: v.keep,
  };
  const biggest = Math.max(settings.parts.has('scale') ? settings.scale : 0, settings.routers);
  if (settings.basePort + biggest - 1 > 65_535) fail(`--base-port ${settings.basePort} cannot hold ${biggest} routers below port 65536`);
  if (settings.scale === 0) settings.parts.delete('scale');
  return settings;
}

const say = (line: string) => console.log(line);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh database with the schema, a fleet of sims, and one site per router imported through the CLI. */
interface Stage {
  db: DbTarget;
  env: ControllerEnv;
  fleet: SimFleet;
  routers: BenchRouter[];
}

async function prepareStage(ctx: { settings: Settings; cleanup: Cleanup; tmp: string; secretKeyHex: string }, label: string, count: number): Promise<Stage> {
  const { settings, cleanup } = ctx;
  const name = newDatabaseName(`bench_controller_${label}`);
  const db = await createDatabase(name);
  if (settings.keep) say(`[${label}] keeping database ${name}`);
  else cleanup.add(`drop database ${name}`, () => dropDatabase(name));
  const env: ControllerEnv = {
    db,
    secretKeyHex: ctx.secretKeyHex,
    dataDir: join(ctx.tmp, 'data'),
    intervalSeconds: settings.intervalS,
    timeoutMs: settings.timeoutMs,
    concurrency: settings.concurrency,
  };
  await runCli('citywifi migrate', ['migrate'], env);
  const processes = Math.ceil(count / settings.simSize);
  say(`[${label}] starting ${int(count)} emulated routers in ${processes} sim ${processes === 1 ? 'process' : 'processes'} (faults ${settings.faults})…`);
  const t0 = performance.now();
  const fleet = await startSimFleet({
    count,
    processes,
    basePort: settings.basePort,
    faults: settings.faults,
    seed: settings.seed,
    dir: ctx.tmp,
    onProcess: (proc) => cleanup.add(`stop ${proc.label}`, () => proc.stop()),
  });
  const faults = [...countFaults(fleet.routers)].map(([k, n]) => `${k} ${int(n)}`).join(', ');
  say(`[${label}] routers listening after ${seconds((performance.now() - t0) / 1000)}: ${faults}`);
  const file = join(ctx.tmp, `sites-${label}.csv`);
  writeSitesFile(file, fleet.routers);
  const imported = await runCli('citywifi sites import', ['sites', 'import', file], env);
  say(`[${label}] ${/sites imported:.*$/m.exec(imported)?.[0] ?? 'sites imported'}`);
  return { db, env, fleet, routers: fleet.routers };
}

function simCpu(stage: Stage): number[] {
  return stage.fleet.processes.map((p) => readProc(p.pid)?.cpuSeconds ?? NaN);
}

function simShares(before: number[], after: number[], wallS: number): number[] {
  return after.map((a, i) => (a - before[i]) / wallS);
}

function describeSims(shares: number[]): string {
  const max = Math.max(...shares);
  return `sim processes used ${shares.map(percent).join(' + ')} of a core${max > 0.8 ? ' (one is near a full core: the emulator may be what limits this figure; use a smaller --sim-size)' : ''}`;
}

/** Waits until `test` holds, checking every second; false when `timeoutS` passes first or a process exits. */
async function waitUntil(test: () => Promise<boolean>, timeoutS: number, watch: ServerProcess[], what: string): Promise<boolean> {
  const deadline = Date.now() + timeoutS * 1000;
  let lastSaid = Date.now();
  for (;;) {
    if (await test()) return true;
    for (const p of watch) {
      const how = await Promise.race([p.exited, sleep(0).then(() => undefined)]);
      if (how) throw new Error(`${p.label} exited (${how}) while waiting for ${what}:\n${p.output()}`);
    }
    if (Date.now() > deadline) return false;
    if (Date.now() - lastSaid > 10_000) {
      lastSaid = Date.now();
      say(`  still waiting for ${what}…`);
    }
    await sleep(1000);
  }
}

interface OnceResult {
  run: OnceRun;
  /** From the first poll's start to the process's exit. */
  pollingSeconds: number;
  verdict: Verdict;
  simShares: number[];
}

async function measureOnce(stage: Stage, settings: Settings): Promise<OnceResult> {
  say(`[once] citywifi controller --once over ${int(stage.routers.length)} sites…`);
  const sims0 = simCpu(stage);
  const run = await runControllerOnce('bench-once', stage.env);
  const sims = simShares(sims0, simCpu(stage), run.wallSeconds);
  const rows = await readSiteRows(stage.db);
  const verdict = judgeSweep(stage.routers, rows, run.startedAt, settings.timeoutMs);
  const first = Math.min(...[...rows.values()].map((r) => r.lastPollAt?.getTime() ?? Infinity));
  const pollingSeconds = (run.startedAt.getTime() + run.wallSeconds * 1000 - first) / 1000;
  say(`[once] ${run.summary}`);
  say(`[once] ${seconds(run.wallSeconds)} from start to exit (${seconds(pollingSeconds)} from the first poll), CPU ${seconds(run.cpuSeconds)}, peak RSS ${mib(run.peakRssBytes)}`);
  say(`[once] ${describeVerdict(verdict)}`);
  say(`[once] ${describeSims(sims)}`);
  return { run, pollingSeconds, verdict, simShares: sims };
}

interface LoopResult {
  controllers: Array<{ id: string; cpuShare: number; peakRssBytes: number; rssBytes: number; fds: number | undefined; held: number }>;
  windowS: number;
  warmupS: number;
  /** Sites polled at or after the window began (checked once the last slot's poll could have ended). */
  polledInWindow: number;
  total: number;
  samples: { samples: number; sites: number };
  /** Seconds between a site's successful polls that fell in the window. */
  gaps: Awaited<ReturnType<typeof pollGaps>>;
  expectedUp: number;
  verdict: Verdict;
  simShares: number[];
  machineBusy: number;
}

/**
 * Starts `ids.length` controller loops on the stage, waits until the leases are shared out and every
 * site has been polled by them, then measures one window.
 */
async function measureLoop(stage: Stage, settings: Settings, ids: string[], cleanup: Cleanup, label: string): Promise<{ result: LoopResult; procs: ServerProcess[] }> {
  const total = stage.routers.length;
  const procs = ids.map((id) => startControllerLoop(id, stage.env));
  for (const p of procs) cleanup.add(`stop ${p.label}`, () => p.stop());
  const started = new Date();
  say(`[${label}] ${ids.length === 1 ? 'citywifi controller' : `${ids.length} × citywifi controller`} (loop, interval ${settings.intervalS} s) over ${int(total)} sites; waiting until ${ids.length > 1 ? 'the leases are shared out and ' : ''}every site has been polled…`);
  const share = Math.ceil(total / ids.length);
  let balancedAt: Date | undefined;
  const ready = await waitUntil(
    async () => {
      if (!balancedAt) {
        const counts = await leaseCounts(stage.db);
        const held = ids.reduce((n, id) => n + (counts.get(id) ?? 0), 0);
        if (held < total || ids.some((id) => (counts.get(id) ?? 0) > share)) return false;
        balancedAt = new Date();
      }
      return (await pollsSince(stage.db, balancedAt > started ? balancedAt : started)).sites >= total;
    },
    3 * settings.intervalS + 60,
    procs,
    'every site to be polled',
  );
  const warmupS = (Date.now() - started.getTime()) / 1000;
  if (!ready) say(`[${label}] WARNING: not every site was polled within ${seconds(warmupS)}; measuring anyway`);
  else say(`[${label}] ready after ${seconds(warmupS)}; measuring ${settings.windowS} s`);

  const windowStart = new Date();
  const cpu0 = procs.map((p) => readProc(p.pid)?.cpuSeconds ?? NaN);
  const sims0 = simCpu(stage);
  const machine0 = machineTicks();
  const t0 = performance.now();
  await sleep(settings.windowS * 1000);
  const wallS = (performance.now() - t0) / 1000;
  const machine1 = machineTicks();
  const sims = simShares(sims0, simCpu(stage), wallS);
  const counts = await leaseCounts(stage.db);
  const controllers = procs.map((p, i) => {
    const reading = readProc(p.pid);
    return {
      id: ids[i],
      cpuShare: ((reading?.cpuSeconds ?? NaN) - cpu0[i]) / wallS,
      peakRssBytes: reading?.peakRssBytes ?? NaN,
      rssBytes: reading?.rssBytes ?? NaN,
      fds: openFds(p.pid),
      held: counts.get(ids[i]) ?? 0,
    };
  });
  // A site whose slot is at the window's end starts its poll then; give it the timeouts to finish and be written.
  await sleep(2 * settings.timeoutMs + 3000);
  const polled = await pollsSince(stage.db, windowStart);
  const intervalEnd = new Date(windowStart.getTime() + settings.intervalS * 1000);
  const samples = await samplesBetween(stage.db, windowStart, intervalEnd);
  const gaps = await pollGaps(stage.db, windowStart, new Date(windowStart.getTime() + wallS * 1000));
  const verdict = judgeSweep(stage.routers, await readSiteRows(stage.db), windowStart, settings.timeoutMs, true);
  const expectedUp = stage.routers.filter((r) => expectedOk(r, settings.timeoutMs) === true).length;
  for (const c of controllers) {
    say(`[${label}] ${c.id}: CPU ${percent(c.cpuShare)} of a core over ${seconds(wallS)}, peak RSS ${mib(c.peakRssBytes)} (now ${mib(c.rssBytes)}), ${int(c.held)} sites held, ${c.fds ?? '-'} open files`);
  }
  say(`[${label}] ${int(polled.sites)}/${int(total)} sites polled since the window began; ${int(samples.samples)} successful polls of ${int(samples.sites)} sites in the first interval of it (${int(expectedUp)} routers answer in time)`);
  say(`[${label}] time between a site's successful polls in the window: ${describeGaps(gaps)} (interval ${settings.intervalS} s)`);
  say(`[${label}] ${describeVerdict(verdict)}`);
  say(`[${label}] ${describeSims(sims)}; machine ${percent((machine1.busy - machine0.busy) / (machine1.total - machine0.total))} busy`);
  return {
    procs,
    result: {
      controllers,
      windowS: wallS,
      warmupS,
      polledInWindow: polled.sites,
      total,
      samples,
      gaps,
      expectedUp,
      verdict,
      simShares: sims,
      machineBusy: (machine1.busy - machine0.busy) / (machine1.total - machine0.total),
    },
  };
}

function describeGaps(g: LoopResult['gaps']): string {
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
  return `min ${f(g.min)} s, p1 ${f(g.p01)} s, median ${f(g.p50)} s, p99 ${f(g.p99)} s, max ${f(g.max)} s over ${int(g.gaps)} polls`;
}

interface ScaleResult {
  loop: LoopResult;
  once: OnceRun[];
  onceVerdict: Verdict;
  onceSimShares: number[];
}

/** The bigger fleet: the loops measured, then each controller killed and restarted as --once under its own name (it keeps its leases). */
async function measureScale(stage: Stage, settings: Settings, cleanup: Cleanup): Promise<ScaleResult> {
  const ids = Array.from({ length: settings.controllers }, (_, i) => `bench-c${i + 1}`);
  const { result: loop, procs } = await measureLoop(stage, settings, ids, cleanup, 'scale');
  say(`[scale] killing the ${ids.length} loops (their leases stay) and running each as \`controller --once\` at the same time…`);
  for (const p of procs) if (p.pid !== undefined) process.kill(p.pid, 'SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  const sims0 = simCpu(stage);
  const t0 = performance.now();
  const once = await Promise.all(ids.map((id) => runControllerOnce(id, stage.env)));
  const sims = simShares(sims0, simCpu(stage), (performance.now() - t0) / 1000);
  const since = new Date(Math.min(...once.map((o) => o.startedAt.getTime())));
  const onceVerdict = judgeSweep(stage.routers, await readSiteRows(stage.db), since, settings.timeoutMs);
  for (const o of once) say(`[scale] ${o.summary}; ${seconds(o.wallSeconds)}, CPU ${seconds(o.cpuSeconds)}, peak RSS ${mib(o.peakRssBytes)}`);
  say(`[scale] --once: ${describeVerdict(onceVerdict)}`);
  say(`[scale] --once: ${describeSims(sims)}`);
  return { loop, once, onceVerdict, onceSimShares: sims };
}

async function measurePeer(stage: Stage, settings: Settings): Promise<PeerResult> {
  say(`[peer] sequential poller (one router at a time, ${settings.timeoutMs / 1000} s timeout per step) for ${settings.peerS} s…`);
  const peer = await runSequentialPeer({
    routers: stage.routers,
    budgetS: settings.peerS,
    timeoutMs: settings.timeoutMs,
    onProgress: (line) => say(`  ${line}`),
  });
  say(textTable(peerRows(peer)));
  say(`[peer] ${int(peer.polled)} routers in ${seconds(peer.seconds)}; one sweep of ${int(stage.routers.length)} projected at ${humanDuration(peer.projectedSweepSeconds)} (the silent routers alone: ${humanDuration(peer.silentFloorSeconds)})`);
  return peer;
}

interface Outcome {
  settings: Settings;
  once?: OnceResult;
  peer?: PeerResult;
  loop?: LoopResult;
  scale?: ScaleResult;
  failures: string[];
}

function figures(o: Outcome): Figure[] {
  const f: Figure[] = [];
  const n = int(o.settings.routers);
  if (o.once) {
    f.push({ figure: `one sweep of ${n} (\`controller --once\`, start to exit)`, measured: seconds(o.once.run.wallSeconds), target: `≤ ${TARGETS.sweepSeconds} s`, met: o.once.run.wallSeconds <= TARGETS.sweepSeconds });
    f.push({ figure: 'peak memory of that sweep (VmHWM)', measured: mib(o.once.run.peakRssBytes), target: `≤ ${TARGETS.peakRssMiB} MB`, met: o.once.run.peakRssBytes <= TARGETS.peakRssMiB * MIB });
    f.push({ figure: 'sites polled with the expected outcome', measured: `${int(o.once.verdict.right)}/${int(o.once.verdict.judged)} (${int(o.once.verdict.polled)}/${int(o.once.verdict.total)} polled)`, target: 'all', met: verdictOk(o.once.verdict) });
  }
  if (o.peer) {
    f.push({ figure: `sequential peer: one sweep of ${n}, projected`, measured: humanDuration(o.peer.projectedSweepSeconds), target: '', met: undefined });
    if (o.once) {
      f.push({ figure: 'peer sweep / citywifi sweep', measured: `${(o.peer.projectedSweepSeconds / o.once.run.wallSeconds).toFixed(0)}×`, target: '', met: undefined });
    }
  }
  if (o.loop) {
    const c = o.loop.controllers[0];
    f.push({ figure: `controller CPU, loop over ${n}, ${seconds(o.loop.windowS)} window`, measured: `${percent(c.cpuShare)} of a core`, target: `≤ ${percent(TARGETS.cpuShare)}`, met: c.cpuShare <= TARGETS.cpuShare });
    f.push({ figure: 'peak memory of the loop (VmHWM)', measured: mib(c.peakRssBytes), target: `≤ ${TARGETS.peakRssMiB} MB`, met: c.peakRssBytes <= TARGETS.peakRssMiB * MIB });
    f.push({ figure: 'sites polled in the window; states right', measured: `${int(o.loop.polledInWindow)}/${int(o.loop.total)}; ${int(o.loop.verdict.right)}/${int(o.loop.verdict.judged)}`, target: 'all', met: o.loop.polledInWindow === o.loop.total && verdictOk(o.loop.verdict) });
  }
  if (o.scale) {
    const s = o.scale;
    const k = s.loop.controllers.length;
    const m = int(s.loop.total);
    const maxCpu = Math.max(...s.loop.controllers.map((c) => c.cpuShare));
    const maxRss = Math.max(...s.loop.controllers.map((c) => c.peakRssBytes), ...s.once.map((r) => r.peakRssBytes));
    const maxSweep = Math.max(...s.once.map((r) => r.wallSeconds));
    f.push({ figure: `${m} over ${k} controllers: sites polled in the window; states right`, measured: `${int(s.loop.polledInWindow)}/${m}; ${int(s.loop.verdict.right)}/${int(s.loop.verdict.judged)}`, target: 'all', met: s.loop.polledInWindow === s.loop.total && verdictOk(s.loop.verdict) });
    f.push({ figure: `${m}: sites held per controller`, measured: s.loop.controllers.map((c) => int(c.held)).join(' / '), target: `≤ ${int(Math.ceil(s.loop.total / k))} each`, met: s.loop.controllers.every((c) => c.held <= Math.ceil(s.loop.total / k)) });
    f.push({ figure: `${m}: CPU per controller (loop)`, measured: s.loop.controllers.map((c) => percent(c.cpuShare)).join(' / '), target: `≤ ${percent(TARGETS.cpuShare)} each`, met: maxCpu <= TARGETS.cpuShare });
    f.push({ figure: `${m}: sweep per controller (\`--once\`, all at once)`, measured: s.once.map((r) => seconds(r.wallSeconds)).join(' / '), target: `≤ ${TARGETS.sweepSeconds} s each`, met: maxSweep <= TARGETS.sweepSeconds });
    f.push({ figure: `${m}: peak memory per controller (loop, --once)`, measured: `${s.loop.controllers.map((c) => mib(c.peakRssBytes)).join(' / ')}; ${s.once.map((r) => mib(r.peakRssBytes)).join(' / ')}`, target: `≤ ${TARGETS.peakRssMiB} MB each`, met: maxRss <= TARGETS.peakRssMiB * MIB });
    f.push({ figure: `${m}: --once sites polled with the expected outcome`, measured: `${int(s.onceVerdict.right)}/${int(s.onceVerdict.judged)} (${int(s.onceVerdict.polled)}/${m} polled)`, target: 'all', met: verdictOk(s.onceVerdict) });
  }
  return f;
}

function exactCommand(argv: string[]): string {
  const args = argv.map((a) => (/^[\w./=:,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  return process.env.npm_lifecycle_event === 'bench:controller' ? `npm run bench:controller${args ? ` -- ${args}` : ''}` : `node dist/bench/controller.js${args ? ` ${args}` : ''}`;
}

function resultsSection(o: Outcome, argv: string[], pgVersion: string, loadBefore: number): string {
  const s = o.settings;
  const out = [
    '## Controller: one sweep, CPU and memory against a sequential poller',
    '',
    `Measured ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} with \`${exactCommand(argv)}\`.`,
    '',
    `- Machine: ${machineLine()}, PostgreSQL ${pgVersion}; load average (1 min) before the run ${loadBefore.toFixed(2)}` +
      `${loadBefore > os.cpus().length / 2 ? ' (the machine was busy: figures are noisier and worse than on an idle one)' : ''}.`,
    `- Fleet: \`citywifi sim routers --faults ${s.faults} --seed ${s.seed}…\` in processes of ${int(s.simSize)} routers on 127.0.0.1, each router a site ` +
      '(`citywifi sites import`), each phase on a fresh database. Dead: port closed; silent: accepts, never answers; slow: every reply 2–8 s late ' +
      `(those under the ${s.timeoutMs / 1000} s timeout answer, slowly, and must come out up).`,
    `- citywifi: \`citywifi controller --once\` and \`citywifi controller\` with CONTROLLER_CONNECT_TIMEOUT_MS = CONTROLLER_COMMAND_TIMEOUT_MS = ${s.timeoutMs}, ` +
      `CONTROLLER_INTERVAL_SECONDS=${s.intervalS}${s.concurrency ? `, CONTROLLER_CONCURRENCY=${s.concurrency}` : ' and the default concurrency'}. ` +
      'Sweep: from starting the process to its exit (Node start-up, leases and the last write included). CPU: utime+stime from /proc over the window, ' +
      'as a share of one core, after every site had been polled once by the loop (connections open). Memory: VmHWM.',
    `- Peer: a classic sequential poller in the bench process (one router at a time; connect, log in, then the same four reads one after ` +
      `another, each step with a ${s.timeoutMs / 1000} s timeout; close), run for ${s.peerS} s over every kind of router in the fleet, each kind's mean ` +
      'time × its number of routers = one projected sweep. node-routeros is not used as a second peer: on the RouterOS 7.18+ routers of the fleet ' +
      'its `!empty` handling throws inside its socket handler, where no caller can catch it, so it cannot poll this fleet (see controller/routeros-client.ts).',
    '',
    markdownTable(figureRows(figures(o))),
  ];
  if (o.peer) {
    out.push('', 'The sequential peer, per kind of router:', '', markdownTable(peerRows(o.peer)));
  }
  const notes: string[] = [];
  if (o.once) notes.push(`--once: ${o.once.run.summary.replace(/^sweep done: /, '')}; ${seconds(o.once.pollingSeconds)} from the first poll to exit; CPU ${seconds(o.once.run.cpuSeconds)}; sim processes ${o.once.simShares.map(percent).join(' + ')} of a core.`);
  if (o.loop) {
    const c = o.loop.controllers[0];
    notes.push(
      `Loop: ready (every site polled) ${seconds(o.loop.warmupS)} after start; ${int(o.loop.samples.samples)} successful polls of ${int(o.loop.samples.sites)} sites in one interval ` +
        `(${int(o.loop.expectedUp)} routers answer in time); time between a site's polls ${describeGaps(o.loop.gaps)}; ${c.fds ?? '-'} open files; sim processes ${o.loop.simShares.map(percent).join(' + ')} of a core; machine ${percent(o.loop.machineBusy)} busy.`,
    );
  }
  if (o.scale) {
    notes.push(
      `${int(o.scale.loop.total)} over ${o.scale.loop.controllers.length}: ready ${seconds(o.scale.loop.warmupS)} after start (leases shared out, every site polled); ` +
        `${int(o.scale.loop.samples.samples)} successful polls of ${int(o.scale.loop.samples.sites)} sites in one interval (${int(o.scale.loop.expectedUp)} answer in time); time between a site's polls ${describeGaps(o.scale.loop.gaps)}. ` +
        'Sweep: each loop killed (leases kept) and restarted as `--once` under its own name, all at once.',
    );
  }
  if (o.failures.length) notes.push(...o.failures.map((f) => `FAILED: ${f.split('\n')[0]}`));
  if (notes.length) out.push('', ...notes.map((n) => `- ${n}`));
  return out.join('\n');
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const settings = readSettings(argv);
  let pgVersion: string;
  try {
    pgVersion = await serverVersion();
  } catch (error) {
    fail(`cannot reach PostgreSQL (BENCH_ADMIN_DATABASE_URL): ${(error as Error).message}`);
  }
  const loadBefore = os.loadavg()[0];
  if (loadBefore > os.cpus().length / 2) say(`WARNING: the 1-minute load average is ${loadBefore.toFixed(2)}: other work on this machine will worsen and scatter the figures.`);

  const cleanup = new Cleanup();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${signal}: stopping the controllers and the sims, dropping the bench databases…`);
    void cleanup.runAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const tmp = mkdtempSync(join(os.tmpdir(), 'citywifi-bench-controller-'));
  cleanup.add(`remove ${tmp}`, () => rmSync(tmp, { recursive: true, force: true }));
  const ctx = { settings, cleanup, tmp, secretKeyHex: randomBytes(32).toString('hex') };
  const outcome: Outcome = { settings, failures: [] };
  const { parts } = settings;
  try {
    /** Runs one phase with its own undo steps (its sims, its controllers, its database), done when it ends. */
    const phase = async (what: string, work: (phaseCtx: typeof ctx) => Promise<void>) => {
      const own = new Cleanup();
      const forget = cleanup.add(`end ${what}`, () => own.runAll());
      try {
        await work({ ...ctx, cleanup: own });
      } catch (error) {
        if (interrupted) throw error;
        outcome.failures.push(`${what}: ${(error as Error).message}`);
        console.error(`\nFAILED: ${(error as Error).message}\n`);
      } finally {
        forget();
        await own.runAll();
      }
    };
    if (parts.has('once') || parts.has('peer') || parts.has('loop')) {
      await phase(`${int(settings.routers)} routers`, async (c) => {
        const stage = await prepareStage(c, 'one', settings.routers);
        if (parts.has('once')) outcome.once = await measureOnce(stage, settings);
        if (parts.has('peer')) outcome.peer = await measurePeer(stage, settings);
        if (parts.has('loop')) {
          const { result, procs } = await measureLoop(stage, settings, ['bench-loop'], c.cleanup, 'loop');
          outcome.loop = result;
          await Promise.all(procs.map((p) => p.stop()));
        }
      });
    }
    if (parts.has('scale') && !interrupted) {
      await phase(`${int(settings.scale)} routers over ${settings.controllers} controllers`, async (c) => {
        const stage = await prepareStage(c, 'scale', settings.scale);
        outcome.scale = await measureScale(stage, settings, c.cleanup);
      });
    }
    const rows = figureRows(figures(outcome));
    say('');
    say(textTable(rows));
    if (settings.writeResults && rows.length > 1) {
      const path = resultsPath();
      writeResultsSection(path, resultsSection(outcome, argv, pgVersion, loadBefore), 'Controller');
      say(`Written to ${path}`);
    } else {
      say(`Not written to bench/RESULTS.md (${settings.writeResults ? 'nothing measured' : 'a partial run or --no-results; add --results to write it'}).`);
    }
  } finally {
    await cleanup.runAll();
  }
  return outcome.failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
