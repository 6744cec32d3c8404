// The peer: Debian's FreeRADIUS 3.2 with rlm_sql on PostgreSQL, configured from bench/freeradius/
// into a temporary directory (never /etc/freeradius), with its own database in the stock schema.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DbTarget } from './postgres.js';
import { withDatabase } from './postgres.js';
import { RECV_BUFFER_BYTES, startProcess, type ServerProcess } from './server-process.js';
import { PLAN, type BenchUser } from './workload.js';

export const INSTALL_HINT = 'install it with: sudo apt-get install freeradius freeradius-postgresql freeradius-utils';

/** Debian's stock configuration: the schema and queries for PostgreSQL, and a few module files. */
export const STOCK_DIR = process.env.BENCH_FREERADIUS_STOCK_DIR ?? '/etc/freeradius/3.0';
const LIB_DIR = '/usr/lib/freeradius';

const STOCK_FILES = [
  'mods-config/sql/main/postgresql/queries.conf',
  'mods-config/attr_filter/access_reject',
  'mods-config/attr_filter/accounting_response',
  'mods-config/preprocess/hints',
  'mods-config/preprocess/huntgroups',
];
const SCHEMA_FILE = 'mods-config/sql/main/postgresql/schema.sql';
const GROUP = 'bench';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The FreeRADIUS binary (`freeradius` on Debian, `radiusd` elsewhere), or undefined. */
export function findFreeradius(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const name of ['freeradius', 'radiusd']) {
    for (const dir of dirs) {
      if (dir && isExecutable(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

/** What is missing for the FreeRADIUS half, as sentences for the user; empty when all is there. */
export function checkFreeradiusInstall(binary: string | undefined): string[] {
  const problems: string[] = [];
  if (!binary) problems.push(`FreeRADIUS (freeradius or radiusd) is not installed; ${INSTALL_HINT}`);
  if (!existsSync(join(LIB_DIR, 'rlm_sql_postgresql.so'))) {
    problems.push(`FreeRADIUS's PostgreSQL driver (${LIB_DIR}/rlm_sql_postgresql.so) is missing; ${INSTALL_HINT}`);
  }
  for (const file of [SCHEMA_FILE, ...STOCK_FILES]) {
    if (!existsSync(join(STOCK_DIR, file))) problems.push(`${join(STOCK_DIR, file)} is missing; ${INSTALL_HINT}`);
  }
  return problems;
}

export function freeradiusVersion(binary: string): string {
  try {
    const text = execFileSync(binary, ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /FreeRADIUS Version ([\d.]+)/.exec(text)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function templateDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // Run from dist/bench/, the templates stay in the source tree's bench/freeradius/.
  for (const candidate of [join(here, 'freeradius'), join(here, '..', '..', 'bench', 'freeradius')]) {
    if (existsSync(join(candidate, 'radiusd.conf'))) return candidate;
  }
  throw new Error(`bench/freeradius/radiusd.conf not found near ${here}`);
}

function copyTemplates(from: string, to: string, values: Record<string, string>): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      copyTemplates(join(from, entry.name), join(to, entry.name), values);
      continue;
    }
    const text = readFileSync(join(from, entry.name), 'utf8').replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
      if (!(key in values)) throw new Error(`${join(from, entry.name)}: no value for ${whole}`);
      return values[key];
    });
    writeFileSync(join(to, entry.name), text);
  }
}

/** Writes a complete configuration directory for `freeradius -f -d dir`. */
export function writeFreeradiusConfig(dir: string, options: { db: DbTarget; secret: string; authPort: number; acctPort: number }): void {
  const { db } = options;
  const quoted = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  copyTemplates(templateDir(), dir, {
    DIR: dir,
    DB_HOST: quoted(db.host),
    DB_PORT: String(db.port),
    DB_USER: quoted(db.user),
    DB_PASSWORD: quoted(db.password),
    DB_NAME: quoted(db.name),
    SECRET: `"${quoted(options.secret)}"`,
    AUTH_PORT: String(options.authPort),
    ACCT_PORT: String(options.acctPort),
    RECV_BUFF: String(RECV_BUFFER_BYTES),
  });
  for (const file of STOCK_FILES) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(STOCK_DIR, file), join(dir, file));
  }
  mkdirSync(join(dir, 'log'), { recursive: true });
  mkdirSync(join(dir, 'run'), { recursive: true });
}

/**
 * Loads the stock schema and the users: Cleartext-Password in radcheck, every user in one group,
 * and the plan's reply attributes in radgroupreply.
 */
export async function seedFreeradiusDatabase(db: DbTarget, users: BenchUser[]): Promise<void> {
  const schema = readFileSync(join(STOCK_DIR, SCHEMA_FILE), 'utf8');
  await withDatabase(db, async (client) => {
    await client.query(schema);
    await client.query(
      `insert into radcheck (username, attribute, op, value)
       select u, 'Cleartext-Password', ':=', p from unnest($1::text[], $2::text[]) as t(u, p)`,
      [users.map((u) => u.username), users.map((u) => u.password)],
    );
    await client.query(
      `insert into radusergroup (username, groupname, priority) select u, $2, 1 from unnest($1::text[]) as t(u)`,
      [users.map((u) => u.username), GROUP],
    );
    await client.query(
      `insert into radgroupreply (groupname, attribute, op, value) values
         ($1, 'Session-Timeout', ':=', $2), ($1, 'Idle-Timeout', ':=', $3),
         ($1, 'Acct-Interim-Interval', ':=', $4), ($1, 'Mikrotik-Rate-Limit', ':=', $5)`,
      [GROUP, String(PLAN.sessionTimeout), String(PLAN.idleTimeout), String(PLAN.interimInterval), PLAN.rateLimit],
    );
    await client.query('analyze');
  });
}

/** Starts FreeRADIUS in the foreground (no -X: debug output would slow it down several times). */
export function startFreeradius(binary: string, dir: string): ServerProcess {
  return startProcess('FreeRADIUS', binary, ['-f', '-d', dir], process.env);
}

export function freeradiusLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'log', 'radius.log'), 'utf8').slice(-8000);
  } catch {
    return '';
  }
}
