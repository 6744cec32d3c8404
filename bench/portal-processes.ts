// The servers of the portal benchmark, each a child process driven only over the network: citywifi's
// portal (`citywifi portal`), its RADIUS server (`citywifi radius`), the bare Express + EJS page and
// nginx; plus the database they share, seeded through core/db/queries as an operator's tools would.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { createSecretBox } from '../core/crypto.js';
import { createDb, migrateLatest } from '../core/db/index.js';
import { addNas } from '../core/db/queries/nas.js';
import { addPlan } from '../core/db/queries/plans.js';
import { addSite } from '../core/db/queries/sites.js';
import { CLI_MAIN } from './citywifi.js';
import type { DbTarget } from './postgres.js';
import { BENCH_ROUTER } from './portal-router-vars.js';
import { startProcess, type ServerProcess } from './server-process.js';
import { PLAN } from './workload.js';

/**
 * The login rate limit the portal gets in the benchmark. All the load comes from 127.0.0.1, so the
 * default (PORTAL_LOGIN_RATE_PER_MINUTE=20 per client address) would turn it away after 20 logins.
 */
export const BENCH_LOGIN_RATE_PER_MINUTE = 100_000_000;

const BARE_EXPRESS_MAIN = fileURLToPath(new URL('./portal-bare-express.js', import.meta.url));

export async function freeTcpPort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Migrates the database and adds the plan, the site (click-through allowed) and its router as a NAS on 127.0.0.1. */
export async function seedPortalDatabase(db: DbTarget, options: { secretKeyHex: string; secret: string; dataDir: string }): Promise<void> {
  const knex = await createDb({ databaseUrl: db.url, dataDir: options.dataDir }, { poolMax: 4 });
  try {
    await migrateLatest(knex);
    const box = createSecretBox(Buffer.from(options.secretKeyHex, 'hex'));
    await addPlan(knex, {
      name: PLAN.name,
      rateLimit: PLAN.rateLimit,
      sessionTimeout: PLAN.sessionTimeout,
      idleTimeout: PLAN.idleTimeout,
      interimInterval: PLAN.interimInterval,
    });
    await addSite(knex, { code: BENCH_ROUTER.identity, name: 'Taman Kota (bench)', planName: PLAN.name, loginMethods: ['click', 'otp', 'voucher'] });
    await addNas(knex, box, {
      name: 'bench-hotspot',
      address: '127.0.0.1',
      secret: options.secret,
      siteCode: BENCH_ROUTER.identity,
      nasIdentifier: BENCH_ROUTER.identity,
      requireMessageAuthenticator: true,
    });
  } finally {
    await knex.destroy();
  }
}

function serviceEnv(options: { db: DbTarget; secretKeyHex: string; dataDir: string }): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: options.db.url,
    CITYWIFI_SECRET_KEY: options.secretKeyHex,
    CITYWIFI_DATA_DIR: options.dataDir,
    CITYWIFI_LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
}

/**
 * BENCH_CPU_PROF=DIR writes V8 CPU profiles of the portal and of the bare Express page into DIR
 * (portal-1.cpuprofile, bare-express-1.cpuprofile; with several workers, where node:cluster passes the
 * flags on to every worker, one CPU.…<pid>….cpuprofile per process), for finding where their time goes.
 */
function profileArgs(name: string, workers: number): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return [];
  return workers > 1 ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`];
}

/** `citywifi portal`, with PORTAL_WORKERS=workers (node:cluster workers on the one port) when more than 1. */
export function startPortalProcess(options: { db: DbTarget; secretKeyHex: string; dataDir: string; port: number; workers: number }): ServerProcess {
  const env = {
    ...serviceEnv(options),
    PORTAL_LOGIN_RATE_PER_MINUTE: String(BENCH_LOGIN_RATE_PER_MINUTE),
    PORTAL_WORKERS: String(options.workers),
    // The metrics listener on any free port: two portals may be up at once.
    PORTAL_METRICS_PORT: '0',
    OTP_SENDER: 'console',
  };
  const args = [...profileArgs(`portal-${options.workers}`, options.workers), CLI_MAIN, 'portal', '--host', '127.0.0.1', '--port', String(options.port)];
  return startProcess(options.workers > 1 ? `citywifi portal (${options.workers} workers)` : 'citywifi portal', process.execPath, args, env);
}

export function startBareExpress(options: { port: number; views: string; tokenLengths: number[]; workers: number }): ServerProcess {
  const args = [
    ...profileArgs(`bare-express-${options.workers}`, options.workers),
    BARE_EXPRESS_MAIN,
    '--port',
    String(options.port),
    '--views',
    options.views,
    '--tokens',
    options.tokenLengths.join(','),
    '--workers',
    String(options.workers),
  ];
  return startProcess(options.workers > 1 ? `bare Express (${options.workers} workers)` : 'bare Express', process.execPath, args, { ...process.env, NODE_ENV: 'production' });
}

/** Waits until GET url answers anything at all, or the process exits, or the time is up. */
export async function waitForHttp(url: string, proc: ServerProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return;
    } catch (error) {
      if (exited) throw new Error(`${proc.label} exited (${await proc.exited}) before answering:\n${proc.output()}`);
      if (Date.now() > deadline) throw new Error(`${proc.label} did not answer ${url} in ${timeoutMs / 1000} s (${(error as Error).message}):\n${proc.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** `citywifi portal --help` works, or why not. */
export function checkCitywifiPortal(): string | undefined {
  const result = spawnSync(process.execPath, [CLI_MAIN, 'portal', '--help'], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0 || !/--port/.test(result.stdout + result.stderr)) {
    const said = (result.stderr || result.stdout || result.error?.message || '').trim().split('\n').slice(-3).join(' / ');
    return `\`node ${CLI_MAIN} portal --help\` does not work yet (${said || `exit ${result.status}`})`;
  }
  return undefined;
}
