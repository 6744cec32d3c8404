// citywifi's side: a fresh database migrated and seeded through core/db/queries, and the RADIUS
// service run as an operator would, `citywifi radius`, driven only through UDP.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSecretBox } from '../core/crypto.js';
import { createDb, migrateLatest } from '../core/db/index.js';
import { addAccount } from '../core/db/queries/accounts.js';
import { addNas } from '../core/db/queries/nas.js';
import { addPlan } from '../core/db/queries/plans.js';
import type { DbTarget } from './postgres.js';
import { RECV_BUFFER_BYTES, startProcess, type ServerProcess } from './server-process.js';
import { NAS_ADDRESS, PLAN, type BenchUser } from './workload.js';

export const CLI_MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** Why `citywifi radius` cannot run yet, or undefined when `citywifi radius --help` works. */
export function checkCitywifiRadius(): string | undefined {
  if (!existsSync(CLI_MAIN)) return `${CLI_MAIN} does not exist (run npm run build)`;
  const result = spawnSync(process.execPath, [CLI_MAIN, 'radius', '--help'], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0 || !/--auth-port/.test(result.stdout + result.stderr)) {
    const said = (result.stderr || result.stdout || result.error?.message || '').trim().split('\n').slice(-3).join(' / ');
    return `\`node ${CLI_MAIN} radius --help\` does not work yet (${said || `exit ${result.status}`})`;
  }
  return undefined;
}

/** Migrates the database and adds the plan, a NAS for 127.0.0.1 and the users as named accounts. */
export async function seedCitywifiDatabase(
  db: DbTarget,
  options: { secretKeyHex: string; secret: string; users: BenchUser[]; dataDir: string; onProgress: (done: number) => void },
): Promise<void> {
  const knex = await createDb({ databaseUrl: db.url, dataDir: options.dataDir }, { poolMax: 8 });
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
    await addNas(knex, box, { name: 'bench-hotspot', address: NAS_ADDRESS, secret: options.secret, requireMessageAuthenticator: true });
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < options.users.length) {
        const user = options.users[next++];
        await addAccount(knex, box, { username: user.username, password: user.password, planName: PLAN.name });
        if (++done % 1000 === 0) options.onProgress(done);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    await knex.raw('analyze');
  } finally {
    await knex.destroy();
  }
}

export function startCitywifi(options: { db: DbTarget; secretKeyHex: string; authPort: number; acctPort: number; dataDir: string }): ServerProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.db.url,
    CITYWIFI_SECRET_KEY: options.secretKeyHex,
    CITYWIFI_DATA_DIR: options.dataDir,
    CITYWIFI_LOG_LEVEL: 'warn',
    RADIUS_METRICS_PORT: '0',
    RADIUS_RECV_BUFFER_BYTES: String(RECV_BUFFER_BYTES),
    NODE_ENV: 'production',
  };
  // BENCH_CPU_PROF=DIR writes a V8 CPU profile of the server into DIR, for finding where time goes.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const args = [...profile, CLI_MAIN, 'radius', '--host', '127.0.0.1', '--auth-port', String(options.authPort), '--acct-port', String(options.acctPort)];
  return startProcess('citywifi', process.execPath, args, env);
}
