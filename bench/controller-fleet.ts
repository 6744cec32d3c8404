// The emulated fleet of the controller benchmark: `citywifi sim routers` split over several
// processes (so the emulator is not what limits the controller), their manifests read back, and the
// sites file that `citywifi sites import` takes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { FleetManifest } from '../sim/routeros/index.js';
import { CLI_MAIN } from './citywifi.js';
import { startProcess, type ServerProcess } from './server-process.js';

/** File descriptors every child gets: a controller holds one socket per router, a sim two per router. */
export const FD_LIMIT = 65_536;

/** A router as the benchmark needs it: where it is, what is wrong with it, and the site that stands for it. */
export interface BenchRouter {
  /** Index over the whole fleet (all sim processes). */
  index: number;
  code: string;
  host: string;
  port: number;
  user: string;
  password: string;
  fault: string | null;
  /** For a slow router: how late each reply comes. */
  slowReplyMs: number | null;
  /** RouterOS 7.18+: an empty table is `!empty` + `!done`. */
  emptyReply: boolean;
}

export interface SimFleet {
  processes: ServerProcess[];
  routers: BenchRouter[];
}

/** Runs a command with the open-files limit raised (root may raise it; otherwise it stays as it is). */
export function withFdLimit(command: string, args: string[]): [string, string[]] {
  return ['bash', ['-c', `ulimit -n ${FD_LIMIT} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`, command, ...args]];
}

async function waitForLine(proc: ServerProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  void proc.exited.then((how) => (exited = how));
  while (!pattern.test(proc.output())) {
    if (exited) throw new Error(`${proc.label} exited (${exited}) before it was ready:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`${proc.label} was not ready in ${timeoutMs / 1000} s:\n${proc.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** True when nothing on 127.0.0.1 listens on `port` (a listener of our own opens and closes at once). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Consecutive port ranges from `basePort` for processes of at most `per` routers each, stepping over
 * ports something else already listens on (this machine runs RabbitMQ's 25672 inside the fleet's span).
 */
async function planPortRanges(basePort: number, count: number, per: number): Promise<Array<{ basePort: number; count: number }>> {
  const ranges: Array<{ basePort: number; count: number }> = [];
  let port = basePort;
  let left = count;
  while (left > 0) {
    const want = Math.min(per, left);
    let run = 0;
    while (run < want) {
      if (port + run > 65_535) throw new Error(`no room for ${left} more routers below port 65536`);
      if (await portIsFree(port + run)) run++;
      else break;
    }
    if (run > 0) ranges.push({ basePort: port, count: run });
    left -= run;
    port += run + (run < want ? 1 : 0);
  }
  return ranges;
}

/**
 * Starts `count` routers over `processes` sim processes (more when a busy port splits a range): each
 * process has routers on consecutive free ports from basePort, its own seed, and the same fault percentages.
 */
export async function startSimFleet(options: {
  count: number;
  processes: number;
  basePort: number;
  faults: string;
  seed: number;
  dir: string;
  onProcess: (proc: ServerProcess) => void;
}): Promise<SimFleet> {
  const per = Math.ceil(options.count / options.processes);
  const processes: ServerProcess[] = [];
  const manifests: string[] = [];
  const ranges = await planPortRanges(options.basePort, options.count, per);
  for (const [k, range] of ranges.entries()) {
    const { count } = range;
    const manifest = join(options.dir, `routers-${k}.json`);
    manifests.push(manifest);
    const [command, args] = withFdLimit(process.execPath, [
      CLI_MAIN, 'sim', 'routers', '--count', String(count), '--base-port', String(range.basePort),
      '--faults', options.faults, '--seed', String(options.seed + k), '--manifest', manifest,
    ]);
    const proc = startProcess(`sim routers #${k + 1}`, command, args, { ...process.env, NODE_ENV: 'production' });
    options.onProcess(proc);
    processes.push(proc);
  }
  await Promise.all(processes.map((p) => waitForLine(p, /routers listening:/, 120_000)));
  const routers: BenchRouter[] = [];
  for (const file of manifests) {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as FleetManifest;
    for (const r of manifest.routers) {
      const index = routers.length;
      routers.push({
        index,
        code: `bench-${String(index + 1).padStart(5, '0')}`,
        host: r.host,
        port: r.port,
        user: r.credentials.user,
        password: r.credentials.password,
        fault: r.fault,
        slowReplyMs: r.timing.slowReplyMs,
        emptyReply: r.formats.emptyReply,
      });
    }
  }
  return { processes, routers };
}

/** A kelurahan every bench site is placed in (Ciater, Serpong; seeded by the migrations). */
const KELURAHAN = '36.74.01.1001';

/** The sites file for `citywifi sites import`: one commissioned site per router, with its API address and login. */
export function writeSitesFile(file: string, routers: readonly BenchRouter[]): void {
  const lines = ['code,name,kelurahan,router_host,router_port,router_user,router_password,commissioned_on'];
  for (const r of routers) {
    lines.push([r.code, `Bench site ${r.index + 1}`, KELURAHAN, r.host, r.port, r.user, r.password, '2025-01-01'].join(','));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

export function countFaults(routers: readonly BenchRouter[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of routers) counts.set(r.fault ?? 'healthy', (counts.get(r.fault ?? 'healthy') ?? 0) + 1);
  return counts;
}
