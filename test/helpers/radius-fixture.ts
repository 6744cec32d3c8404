import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../../core/config.js';
import { createSecretBox, type SecretBox } from '../../core/crypto.js';
import { addAccount } from '../../core/db/queries/accounts.js';
import { addNas } from '../../core/db/queries/nas.js';
import { addPlan, type NewPlan } from '../../core/db/queries/plans.js';
import { fixedClock } from '../../core/domain/clock.js';
import { CODE, RadiusClient, type ReplyAttribute } from '../../core/radius/index.js';
import { startRadiusServer, type RadiusServer } from '../../radius-server/server.js';
import { resetTables, TEST_SECRET_KEY, testDatabaseUrl, testDb } from './test-db.js';

export const NAS_SECRET = 'testing123-citywifi';
export const box: SecretBox = createSecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));
const execFileAsync = promisify(execFile);

export interface RadiusFixture {
  server: RadiusServer;
  clock: ReturnType<typeof fixedClock>;
  auth(attributes: ReplyAttribute[], options?: Parameters<RadiusClient['request']>[2]): ReturnType<RadiusClient['request']>;
  acct(attributes: ReplyAttribute[]): ReturnType<RadiusClient['request']>;
  authClient: RadiusClient;
  acctClient: RadiusClient;
  stop(): Promise<void>;
}

/** A RADIUS server on 127.0.0.1 (ports chosen by the system) over the test database, with a clock the test moves. */
export async function startFixture(options: { now?: string; env?: Record<string, string> } = {}): Promise<RadiusFixture> {
  const clock = fixedClock(options.now ?? '2026-11-23T10:00:00+07:00');
  const config = loadConfig({
    DATABASE_URL: testDatabaseUrl(),
    CITYWIFI_SECRET_KEY: TEST_SECRET_KEY,
    RADIUS_HOST: '127.0.0.1',
    RADIUS_AUTH_PORT: '0',
    RADIUS_ACCT_PORT: '0',
    RADIUS_METRICS_PORT: '0',
    ...options.env,
  });
  const server = await startRadiusServer({
    config,
    db: testDb(),
    box,
    logger: pino({ level: 'silent' }),
    clock,
    staleSweepMs: 0,
    clientRefreshMs: 200,
  });
  const authClient = new RadiusClient({ host: '127.0.0.1', port: server.authPort, secret: NAS_SECRET, timeoutMs: 1500, retries: 0 });
  const acctClient = new RadiusClient({ host: '127.0.0.1', port: server.acctPort, secret: NAS_SECRET, timeoutMs: 1500, retries: 0 });
  return {
    server,
    clock,
    authClient,
    acctClient,
    auth: (attributes, opts) => authClient.request(CODE.ACCESS_REQUEST, attributes, opts),
    acct: (attributes) => acctClient.request(CODE.ACCOUNTING_REQUEST, attributes),
    async stop() {
      await authClient.close();
      await acctClient.close();
      await server.stop();
    },
  };
}

/** A clean database with the loopback NAS, one plan and one named account. */
export async function seedBasics(plan: Partial<NewPlan> = {}, nas: { requireMessageAuthenticator?: boolean } = {}) {
  const db = testDb();
  await resetTables(db);
  const created = await addPlan(db, {
    name: 'warga',
    rateLimit: '2M/5M',
    sessionTimeout: 7200,
    idleTimeout: 600,
    interimInterval: 300,
    ...plan,
  });
  const nasRecord = await addNas(db, box, {
    name: 'loopback',
    address: '127.0.0.1',
    secret: NAS_SECRET,
    requireMessageAuthenticator: nas.requireMessageAuthenticator ?? true,
  });
  await addAccount(db, box, { username: 'petugas', password: 'rahasia-petugas', planName: 'warga' });
  return { plan: created, nas: nasRecord };
}

/** Runs FreeRADIUS's radclient against the server: the packet as an outside client builds it. */
export async function radclient(port: number, kind: 'auth' | 'acct' | 'status', attributes: string, secret = NAS_SECRET) {
  try {
    const { stdout } = await execFileAsync('sh', ['-c', `printf '%s\\n' "$ATTRS" | radclient -x -r 1 -t 2 127.0.0.1:${port} ${kind} "$SECRET"`], {
      env: { ...process.env, ATTRS: attributes, SECRET: secret },
    });
    return { ok: true, output: stdout };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

export function hotspotAttributes(username: string, mac: string, extra: ReplyAttribute[] = []): ReplyAttribute[] {
  return [
    ['User-Name', username],
    ['NAS-Identifier', 'taman-kota-1'],
    ['NAS-IP-Address', '127.0.0.1'],
    ['NAS-Port-Type', 'Wireless-802.11'],
    ['Calling-Station-Id', mac],
    ['Called-Station-Id', 'hotspot1'],
    ['Framed-IP-Address', '10.5.50.10'],
    ...extra,
  ];
}
