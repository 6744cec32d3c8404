// The citywifi processes of the controller benchmark, each run as an operator would run it:
// `citywifi migrate`, `citywifi sites import FILE`, `citywifi controller [--once]`.
import { spawn } from 'node:child_process';
import type { DbTarget } from './postgres.js';
import { CLI_MAIN } from './citywifi.js';
import { withFdLimit } from './controller-fleet.js';
import { sampleProc, type ProcReading } from './controller-proc.js';
import { startProcess, type ServerProcess } from './server-process.js';

export interface ControllerEnv {
  db: DbTarget;
  secretKeyHex: string;
  dataDir: string;
  intervalSeconds: number;
  timeoutMs: number;
  /** CONTROLLER_CONCURRENCY, or the controller's default when undefined. */
  concurrency: number | undefined;
}

function envOf(e: ControllerEnv, id?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: e.db.url,
    CITYWIFI_SECRET_KEY: e.secretKeyHex,
    CITYWIFI_DATA_DIR: e.dataDir,
    CONTROLLER_INTERVAL_SECONDS: String(e.intervalSeconds),
    CONTROLLER_CONNECT_TIMEOUT_MS: String(e.timeoutMs),
    CONTROLLER_COMMAND_TIMEOUT_MS: String(e.timeoutMs),
    // Several controllers on one machine: each its own free port for heartbeats and metrics.
    CONTROLLER_HTTP_PORT: '0',
    NODE_ENV: 'production',
  };
  if (id) env.CONTROLLER_ID = id;
  if (e.concurrency !== undefined) env.CONTROLLER_CONCURRENCY = String(e.concurrency);
  return env;
}

/** BENCH_CPU_PROF=DIR writes a V8 CPU profile of each controller into DIR, for finding where its time goes. */
function profileArgs(id: string): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=controller-${id}-${Date.now()}.cpuprofile`] : [];
}

/** Runs a citywifi command to its end; throws with its output when it fails. */
export async function runCli(label: string, args: string[], e: ControllerEnv): Promise<string> {
  const proc = startProcess(label, process.execPath, [CLI_MAIN, ...args], envOf(e));
  const how = await proc.exited;
  if (how !== 'code 0') throw new Error(`\`citywifi ${args.join(' ')}\` ended with ${how}:\n${proc.output()}`);
  return proc.output();
}

/** `citywifi controller` (the loop), with the open-files limit raised for its connections. */
export function startControllerLoop(id: string, e: ControllerEnv): ServerProcess {
  const [command, args] = withFdLimit(process.execPath, [...profileArgs(id), CLI_MAIN, 'controller']);
  return startProcess(`controller ${id}`, command, args, envOf(e, id));
}

export interface OnceRun {
  id: string;
  /** From start to exit, Node's start-up and the lease queries included. */
  wallSeconds: number;
  startedAt: Date;
  cpuSeconds: number;
  peakRssBytes: number;
  polled: number;
  failed: number;
  summary: string;
}

/** `citywifi controller --once`: one sweep over this controller's share, timed, its CPU and peak memory read from /proc. */
export async function runControllerOnce(id: string, e: ControllerEnv): Promise<OnceRun> {
  const [command, args] = withFdLimit(process.execPath, [...profileArgs(id), CLI_MAIN, 'controller', '--once']);
  const startedAt = new Date();
  const t0 = performance.now();
  // Its own spawn: stdout (the summary) apart from stderr (the log, a line per state change).
  const child = spawn(command, args, { env: envOf(e, id), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-8000)));
  const sampler = sampleProc(child.pid);
  const how = await new Promise<string>((resolve) => {
    child.on('close', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`));
    child.on('error', (error) => resolve(`error ${error.message}`));
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  const reading: ProcReading | undefined = sampler.stop();
  const summary = /sweep done:.*$/m.exec(stdout)?.[0];
  if (how !== 'code 0' || !summary) throw new Error(`\`citywifi controller --once\` (${id}) ended with ${how}:\n${stdout}\n${stderr}`);
  const field = (name: string) => Number(new RegExp(`\\b${name}=(\\d+)`).exec(summary)?.[1] ?? NaN);
  return {
    id,
    wallSeconds,
    startedAt,
    cpuSeconds: reading?.cpuSeconds ?? NaN,
    peakRssBytes: reading?.peakRssBytes ?? NaN,
    polled: field('polled'),
    failed: field('failed'),
    summary,
  };
}
