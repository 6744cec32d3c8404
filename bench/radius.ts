// `npm run bench:radius`: citywifi's RADIUS server against FreeRADIUS 3.2 with rlm_sql on the same
// PostgreSQL, one after the other, driven by the same pre-encoded requests from the same generator.
// Prints requests/s, p50/p99 latency, lost requests and rejects for CHAP logins and for accounting,
// the ratios against the targets, and writes them to bench/RESULTS.md.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Cleanup } from './cleanup.js';
import { checkCitywifiRadius, seedCitywifiDatabase, startCitywifi } from './citywifi.js';
import { CODE } from './encode.js';
import {
  checkFreeradiusInstall,
  findFreeradius,
  freeradiusLog,
  freeradiusVersion,
  seedFreeradiusDatabase,
  startFreeradius,
  writeFreeradiusConfig,
} from './freeradius.js';
import { runLoad, waitForAnswer, type LoadResult } from './load-generator.js';
import {
  checkpoint,
  createDatabase,
  dropDatabase,
  newDatabaseName,
  serverVersion,
  transactionCount,
  waitForNoBackends,
  type DbTarget,
} from './postgres.js';
import {
  describeReply,
  formatAttributes,
  KIND_LABEL,
  markdownTable,
  planMismatches,
  resultsPath,
  tableRows,
  textTable,
  verdicts,
  writeResultsSection,
  type Kind,
  type Measurement,
  type ServerName,
} from './report.js';
import { freeUdpPorts, udpReceiveBufferDrops, type ServerProcess } from './server-process.js';
import {
  buildAccountingStream,
  buildChapStream,
  encodeAccountingRequest,
  encodeChapRequest,
  makeRunTag,
  makeSecret,
  makeUsers,
  sessionFor,
  type BenchUser,
  type RequestStream,
} from './workload.js';

const USAGE = `Usage: npm run bench:radius [-- options]

Runs FreeRADIUS 3.2 (rlm_sql, PostgreSQL) and then citywifi's RADIUS server on loopback, each on its
own fresh database with the same 10,000 users and plan, and drives both with the same load:
CHAP Access-Requests, then accounting Start/Interim-Update/Stop.

Options:
  --only NAME[,..]   freeradius or citywifi: measure one server only; chap or acct: one kind only
                     (both may be given, e.g. --only citywifi,acct)
  --duration S       seconds of measured load per kind (default 15)
  --warmup S         seconds of warm-up per kind before measuring (default 3)
  --sockets N        UDP sockets the generator sends from (default 8)
  --window N         requests in flight per socket, 1..256 (default 32)
  --max-rate N       requests/s the pre-encoded load can sustain for the whole duration (default 12000)
  --users N          users to create (default 10000)
  --results          write bench/RESULTS.md even for an --only run
  --no-results       do not write bench/RESULTS.md
  --keep             keep the bench databases and the FreeRADIUS configuration (for inspection)
  -h, --help         this text

Environment:
  BENCH_ADMIN_DATABASE_URL     PostgreSQL to create the bench databases on
                               (default postgres://postgres@127.0.0.1:5432/postgres)
  BENCH_FREERADIUS_STOCK_DIR   Debian's FreeRADIUS configuration to take the SQL schema and queries
                               from (default /etc/freeradius/3.0; only read)

Needs FreeRADIUS: sudo apt-get install freeradius freeradius-postgresql freeradius-utils
`;

const TIMEOUT_MS = 2000;
const START_TIMEOUT_MS = 30_000;
const KINDS: Kind[] = ['chap', 'accounting'];

interface Settings {
  only: 'freeradius' | 'citywifi' | undefined;
  kinds: Kind[];
  durationS: number;
  warmupS: number;
  sockets: number;
  window: number;
  maxRate: number;
  users: number;
  writeResults: boolean;
  keep: boolean;
}

function fail(message: string): never {
  console.error(`bench:radius: ${message}`);
  process.exit(2);
}

function readSettings(argv: string[]): Settings {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        only: { type: 'string' },
        duration: { type: 'string', default: '15' },
        warmup: { type: 'string', default: '3' },
        sockets: { type: 'string', default: '8' },
        window: { type: 'string', default: '32' },
        'max-rate': { type: 'string', default: '12000' },
        users: { type: 'string', default: '10000' },
        results: { type: 'boolean', default: false },
        'no-results': { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    fail(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (parsed.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (name: string, value: string, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) fail(`--${name} must be a number from ${min} to ${max}, not "${value}"`);
    return n;
  };
  let only: Settings['only'];
  let kinds: Kind[] = KINDS;
  for (const word of parsed.only === undefined ? [] : parsed.only.split(',')) {
    if (word === 'freeradius' || word === 'citywifi') only = word;
    else if (word === 'chap') kinds = ['chap'];
    else if (word === 'acct' || word === 'accounting') kinds = ['accounting'];
    else fail(`--only takes freeradius, citywifi, chap or acct, not "${word}"`);
  }
  return {
    only,
    kinds,
    durationS: number('duration', parsed.duration, 1, 600),
    warmupS: number('warmup', parsed.warmup, 0, 120),
    sockets: Math.round(number('sockets', parsed.sockets, 1, 256)),
    window: Math.round(number('window', parsed.window, 1, 256)),
    maxRate: number('max-rate', parsed['max-rate'], 100, 1_000_000),
    users: Math.round(number('users', parsed.users, 1, 99_999)),
    writeResults: parsed['no-results'] ? false : parsed.results || parsed.only === undefined,
    keep: parsed.keep,
  };
}


function say(line: string): void {
  console.log(line);
}

function progressPrinter(label: string, durationS: number): { update: (p: { elapsedMs: number; answered: number; lost: number }) => void; end: () => void } {
  const tty = process.stdout.isTTY;
  let lastPrinted = 0;
  return {
    update({ elapsedMs, answered, lost }) {
      const s = elapsedMs / 1000;
      const line = `  ${label}: ${Math.min(s, durationS).toFixed(0)}/${durationS} s, ${answered.toLocaleString('en-US')} answered (${Math.round(answered / s).toLocaleString('en-US')}/s), ${lost} lost`;
      if (tty) process.stdout.write(`\r${line}\x1b[K`);
      else if (s - lastPrinted >= 5) {
        lastPrinted = s;
        console.log(line);
      }
    },
    end() {
      if (tty) process.stdout.write('\r\x1b[K');
    },
  };
}

function summary(result: LoadResult): string {
  const parts = [
    `${Math.round(result.perSecond).toLocaleString('en-US')}/s`,
    `p50 ${result.p50Ms.toFixed(2)} ms`,
    `p99 ${result.p99Ms.toFixed(2)} ms`,
    `${result.answered.toLocaleString('en-US')} answered`,
    `${result.lost} lost`,
    `${result.rejects} rejects`,
    `generator CPU ${Math.round(result.generatorCpu * 100)}% of a core`,
  ];
  if (result.bad > 0) parts.push(`${result.bad} bad replies`);
  if (result.late > 0) parts.push(`${result.late} late`);
  return parts.join(', ');
}

interface Streams {
  chap: { warmup: RequestStream; measure: RequestStream };
  accounting: { warmup: RequestStream; measure: RequestStream };
}

function buildStreams(settings: Settings, users: BenchUser[], secret: string, runTag: string): Streams {
  const warmCount = Math.ceil(settings.warmupS * settings.maxRate);
  const wants = (kind: Kind) => settings.kinds.includes(kind);
  const count = Math.ceil(settings.durationS * settings.maxRate);
  // Start, interim and Stop of one session are `gap` rounds of three requests apart, twice the requests
  // in flight: a session's Start is almost always answered before its interim is due, so the generator
  // (which holds the interim back until then) seldom has to wait.
  const gap = Math.ceil((2 * settings.sockets * settings.window) / 3) + 1;
  const t0 = performance.now();
  say(`Encoding ${(settings.kinds.length * (warmCount + count)).toLocaleString('en-US')} requests before any timed phase…`);
  const streams: Streams = {
    chap: {
      warmup: buildChapStream(users, wants('chap') ? warmCount : 0, settings.sockets, secret, 0),
      measure: buildChapStream(users, wants('chap') ? count : 0, settings.sockets, secret, warmCount),
    },
    accounting: {
      warmup: buildAccountingStream(users, wants('accounting') ? warmCount : 0, settings.sockets, secret, { runTag, firstSession: 0, gap }),
      measure: buildAccountingStream(users, wants('accounting') ? count : 0, settings.sockets, secret, { runTag, firstSession: 10_000_000, gap }),
    },
  };
  say(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return streams;
}

interface ServerUnderTest {
  name: ServerName;
  authPort: number;
  acctPort: number;
  db: DbTarget;
  start: () => ServerProcess;
  /** Extra diagnostics when the server fails (FreeRADIUS's log file). */
  logs: () => string;
}

interface RunContext {
  settings: Settings;
  users: BenchUser[];
  secret: string;
  runTag: string;
  streams: Streams;
  cleanup: Cleanup;
  replies: Map<ServerName, Map<string, string>>;
}

/** One kind on one server: start it, warm up, measure, stop it, read the database's transaction count. */
async function measureKind(ctx: RunContext, server: ServerUnderTest, kind: Kind): Promise<Measurement> {
  const { settings, secret, users } = ctx;
  const tag = `[${server.name} ${KIND_LABEL[kind]}]`;
  await checkpoint();
  const xactBefore = await transactionCount(server.db.name);
  say(`${tag} starting on 127.0.0.1:${server.authPort}/${server.acctPort}`);
  const proc = server.start();
  const forget = ctx.cleanup.add(`stop ${server.name}`, () => proc.stop());
  try {
    let probe;
    try {
      probe =
        kind === 'chap'
          ? await waitForAnswer({
              host: '127.0.0.1',
              port: server.authPort,
              secret,
              makeRequest: (id) => encodeChapRequest(users[0], id, secret),
              timeoutMs: START_TIMEOUT_MS,
              gaveUp: proc.exited,
            })
          : await waitForAnswer({
              host: '127.0.0.1',
              port: server.acctPort,
              secret,
              makeRequest: (id) =>
                encodeAccountingRequest(sessionFor(users, ctx.runTag, 90_000_000 + id), 'Start', id, secret, Math.floor(Date.now() / 1000)),
              timeoutMs: START_TIMEOUT_MS,
              gaveUp: proc.exited,
            });
    } catch (error) {
      throw new Error(`${server.name} did not answer: ${(error as Error).message}\n--- its output ---\n${proc.output()}${server.logs()}`);
    }
    if (kind === 'chap') {
      if (probe.reply[0] !== CODE.ACCESS_ACCEPT) {
        throw new Error(`${server.name} answered ${users[0].username}'s CHAP login with code ${probe.reply[0]}, not Access-Accept: the setup is wrong\n${server.logs()}`);
      }
      const attributes = describeReply(probe.reply);
      ctx.replies.set(server.name, attributes);
      say(`${tag} ready; Access-Accept carries ${formatAttributes(attributes)}`);
      for (const problem of planMismatches(attributes)) say(`${tag} WARNING: ${problem}`);
    } else {
      say(`${tag} ready`);
    }

    const streams = ctx.streams[kind];
    const expectCode = kind === 'chap' ? CODE.ACCESS_ACCEPT : CODE.ACCOUNTING_RESPONSE;
    const load = (stream: RequestStream, durationS: number, label: string) => {
      const progress = progressPrinter(`${tag} ${label}`, durationS);
      return runLoad({
        host: '127.0.0.1',
        port: kind === 'chap' ? server.authPort : server.acctPort,
        packets: stream.packets,
        after: stream.after,
        sockets: settings.sockets,
        window: settings.window,
        durationMs: durationS * 1000,
        timeoutMs: TIMEOUT_MS,
        secret,
        expectCode,
        onProgress: progress.update,
      }).finally(progress.end);
    };

    let warmup: LoadResult = { sent: 0, answered: 0, ok: 0, rejects: 0, bad: 0, lost: 0, late: 0, elapsedMs: 0, perSecond: 0, p50Ms: NaN, p99Ms: NaN, ranOut: false, generatorCpu: 0 };
    if (settings.warmupS > 0) {
      say(`${tag} warm-up, ${settings.warmupS} s`);
      warmup = await load(streams.warmup, settings.warmupS, 'warm-up');
      say(`${tag} warm-up: ${summary(warmup)}`);
    }
    say(`${tag} measuring, ${settings.durationS} s`);
    const dropsBefore = udpReceiveBufferDrops();
    const result = await load(streams.measure, settings.durationS, 'measuring');
    const drops = dropsBefore === undefined ? undefined : (udpReceiveBufferDrops() ?? dropsBefore) - dropsBefore;
    say(`${tag} ${summary(result)}`);
    if (drops) say(`${tag} the kernel dropped ${drops.toLocaleString('en-US')} UDP datagrams on full receive buffers meanwhile (all sockets on this machine)`);
    if (result.ranOut) {
      say(`${tag} NOTE: the ${streams.measure.packets.length.toLocaleString('en-US')} pre-encoded requests ran out after ${(result.elapsedMs / 1000).toFixed(1)} s; the rate is still right, raise --max-rate for a full-length run`);
    }
    if (result.rejects > 0) say(`${tag} WARNING: ${result.rejects} rejects: the setup is wrong (every user has the right password)`);

    await proc.stop();
    forget();
    let transactionsPerRequest: number | undefined;
    if (await waitForNoBackends(server.db.name)) {
      const requests = probe.sent + warmup.sent + result.sent;
      transactionsPerRequest = ((await transactionCount(server.db.name)) - xactBefore) / requests;
    }
    return { server: server.name, kind, result, warmup, transactionsPerRequest };
  } finally {
    await proc.stop();
    forget();
  }
}

async function runServer(ctx: RunContext, name: ServerName, makeServer: (db: DbTarget, ports: [number, number]) => Promise<ServerUnderTest>): Promise<Measurement[]> {
  const prefix = name === 'FreeRADIUS' ? 'bench_freeradius' : 'bench_citywifi';
  const dbName = newDatabaseName(prefix);
  const db = await createDatabase(dbName);
  const forgetDb = ctx.settings.keep
    ? () => undefined
    : ctx.cleanup.add(`drop database ${dbName}`, () => dropDatabase(dbName));
  if (ctx.settings.keep) say(`[${name}] keeping database ${dbName}`);
  try {
    const server = await makeServer(db, await freeUdpPorts());
    const measurements: Measurement[] = [];
    for (const kind of ctx.settings.kinds) measurements.push(await measureKind(ctx, server, kind));
    return measurements;
  } finally {
    if (!ctx.settings.keep) {
      forgetDb();
      await dropDatabase(dbName);
    }
  }
}

function osName(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? `${os.type()} ${os.release()}`;
  } catch {
    return `${os.type()} ${os.release()}`;
  }
}

function exactCommand(argv: string[]): string {
  const event = process.env.npm_lifecycle_event;
  const args = argv.map((a) => (/^[\w./=:-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  if (event === 'bench:radius' || event === 'bench') return `npm run ${event}${args ? ` -- ${args}` : ''}`;
  return `node dist/bench/radius.js${args ? ` ${args}` : ''}`;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const settings = readSettings(argv);
  const wanted: ServerName[] = settings.only === 'freeradius' ? ['FreeRADIUS'] : settings.only === 'citywifi' ? ['citywifi'] : ['FreeRADIUS', 'citywifi'];

  // Everything that can be checked before minutes are spent.
  const binary = findFreeradius();
  if (wanted.includes('FreeRADIUS')) {
    const problems = checkFreeradiusInstall(binary);
    if (problems.length > 0) fail(problems.join('\n'));
  }
  if (wanted.includes('citywifi')) {
    const problem = checkCitywifiRadius();
    if (problem) fail(`${problem}\nMeasure FreeRADIUS alone with: npm run bench:radius -- --only freeradius`);
  }
  let pgVersion: string;
  try {
    pgVersion = await serverVersion();
  } catch (error) {
    fail(`cannot reach PostgreSQL (BENCH_ADMIN_DATABASE_URL): ${(error as Error).message}`);
  }

  const loadBefore = os.loadavg()[0];
  if (loadBefore > os.cpus().length / 2) {
    say(`WARNING: the 1-minute load average is ${loadBefore.toFixed(2)} before the run: other work on this machine will lower and scatter the figures.`);
  }

  const cleanup = new Cleanup();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${signal}: stopping the servers and dropping the bench databases…`);
    void cleanup.runAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const tmp = mkdtempSync(join(os.tmpdir(), 'citywifi-bench-'));
  if (settings.keep) say(`keeping ${tmp}`);
  else cleanup.add(`remove ${tmp}`, () => rmSync(tmp, { recursive: true, force: true }));

  const measurements: Measurement[] = [];
  const failures: string[] = [];
  try {
    const users = makeUsers(settings.users);
    const secret = makeSecret();
    const runTag = makeRunTag();
    const streams = buildStreams(settings, users, secret, runTag);
    const ctx: RunContext = { settings, users, secret, runTag, streams, cleanup, replies: new Map() };

    for (const name of wanted) {
      try {
        if (name === 'FreeRADIUS') {
          measurements.push(
            ...(await runServer(ctx, name, async (db, [authPort, acctPort]) => {
              say(`[FreeRADIUS] seeding ${db.name}: stock schema, ${users.length.toLocaleString('en-US')} users in radcheck, the plan in radgroupreply`);
              await seedFreeradiusDatabase(db, users);
              const dir = join(tmp, 'freeradius');
              writeFreeradiusConfig(dir, { db, secret, authPort, acctPort });
              return { name, authPort, acctPort, db, start: () => startFreeradius(binary!, dir), logs: () => `\n--- ${dir}/log/radius.log ---\n${freeradiusLog(dir)}` };
            })),
          );
        } else {
          const secretKeyHex = randomBytes(32).toString('hex');
          const dataDir = join(tmp, 'citywifi-data');
          measurements.push(
            ...(await runServer(ctx, name, async (db, [authPort, acctPort]) => {
              say(`[citywifi] migrating ${db.name} and adding the plan, a NAS for 127.0.0.1 and ${users.length.toLocaleString('en-US')} accounts`);
              await seedCitywifiDatabase(db, {
                secretKeyHex,
                secret,
                users,
                dataDir,
                onProgress: (done) => say(`  ${done.toLocaleString('en-US')} accounts`),
              });
              return { name, authPort, acctPort, db, start: () => startCitywifi({ db, secretKeyHex, authPort, acctPort, dataDir }), logs: () => '' };
            })),
          );
        }
      } catch (error) {
        if (interrupted) return 130;
        failures.push(`${name}: ${(error as Error).message}`);
        console.error(`\n[${name}] FAILED: ${(error as Error).message}\n`);
      }
    }

    if (measurements.length > 0) {
      const rows = tableRows(measurements);
      const lines = verdicts(measurements);
      say('');
      say(textTable(rows));
      say('');
      for (const line of lines) say(line);
      say(`Load: ${settings.sockets} UDP sockets × ${settings.window} requests in flight, no retries, lost = unanswered after ${TIMEOUT_MS / 1000} s; warm-up ${settings.warmupS} s, then ${settings.durationS} s per kind.`);
      if (settings.writeResults) {
        const path = resultsPath();
        writeResultsSection(path, resultsSection({ settings, argv, measurements, lines, failures, replies: ctx.replies, pgVersion, freeradius: binary ? freeradiusVersion(binary) : undefined, loadBefore }));
        say(`Written to ${path}`);
      } else if (settings.only) {
        say('Not written to bench/RESULTS.md (an --only run; add --results to write it).');
      } else {
        say('Not written to bench/RESULTS.md (--no-results).');
      }
    }
  } finally {
    await cleanup.runAll();
  }
  return failures.length > 0 ? 1 : 0;
}

function resultsSection(r: {
  settings: Settings;
  argv: string[];
  measurements: Measurement[];
  lines: string[];
  failures: string[];
  replies: Map<ServerName, Map<string, string>>;
  pgVersion: string;
  freeradius: string | undefined;
  loadBefore: number;
}): string {
  const cpus = os.cpus();
  const { settings } = r;
  const out = [
    '## RADIUS: citywifi against FreeRADIUS 3.2 (rlm_sql, PostgreSQL)',
    '',
    `Measured ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} with \`${exactCommand(r.argv)}\`.`,
    '',
    `- Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${osName()} (Linux ${os.release()})`,
    `- Load average (1 min) before the run: ${r.loadBefore.toFixed(2)}${r.loadBefore > os.cpus().length / 2 ? ' (the machine was busy with other work: the figures are lower and noisier than on an idle machine)' : ''}`,
    `- Software: Node ${process.version}, PostgreSQL ${r.pgVersion}${r.freeradius ? `, FreeRADIUS ${r.freeradius} (Debian packages freeradius, freeradius-postgresql)` : ''}`,
    `- Setup: each server on its own fresh database on that PostgreSQL, with the same ${settings.users.toLocaleString('en-US')} users and one plan ` +
      '(Session-Timeout 3600, Idle-Timeout 600, Acct-Interim-Interval 300, Mikrotik-Rate-Limit "2M/5M"). FreeRADIUS: Debian\'s stock ' +
      'schema and queries, authorize via sql, CHAP/PAP, accounting into radacct, post-auth into radpostauth (bench/freeradius/). ' +
      'citywifi: `citywifi radius` with the accounts added through core/db/queries.',
    `- Load: the same pre-encoded requests for both servers from one Node process: ${settings.sockets} UDP sockets × ${settings.window} requests in flight, ` +
      `no retries, a request unanswered after ${TIMEOUT_MS / 1000} s is lost; every reply checked against its request. ` +
      `Per kind: server started, ${settings.warmupS} s warm-up, ${settings.durationS} s measured, server stopped. ` +
      'CHAP: hotspot-like Access-Requests with CHAP-Challenge and Message-Authenticator over all users. ' +
      'Accounting: Start, Interim-Update and Stop per session, in equal numbers.',
    '- DB xact/request: PostgreSQL transactions in that server\'s database per request (pg_stat_database, warm-up included); each is at least one round trip. ' +
      'Generator CPU: what the load generator itself used, as a share of one core, during the measured phase.',
    '',
    markdownTable(tableRows(r.measurements)),
    '',
    ...r.lines.map((line) => `- ${line}`),
  ];
  for (const [server, attributes] of r.replies) out.push(`- ${server}'s Access-Accept: ${formatAttributes(attributes)}`);
  if (r.failures.length > 0) {
    out.push('', 'Failed in this run:', ...r.failures.map((f) => `- ${f.split('\n')[0]}`));
  }
  out.push('', 'FreeRADIUS with PostgreSQL is quoted at about 1,800 CHAP and 3,200 accounting requests/s on 2 cores; the targets are 3× and 2× that, with none lost.');
  return out.join('\n');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
