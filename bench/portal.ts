// `npm run bench:portal`: the captive portal's login page views per second against a bare Express +
// EJS page of the same size (the ceiling for this stack) and nginx serving the same bytes as a static
// file (the physical ceiling), all driven by wrk; then completed click-through logins per second
// (page, form, credential, handoff, the router's Access-Request, Accept) against the real RADIUS
// server on a real PostgreSQL database. Prints the ratios against the targets and writes them to
// the Portal section of bench/RESULTS.md.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RadiusClient } from '../core/radius/index.js';
import { checkCitywifiRadius, startCitywifi } from './citywifi.js';
import { Cleanup } from './cleanup.js';
import { watchCpu } from './portal-cpu.js';
import { makeBareTemplate, writeBareViews } from './portal-bare-page.js';
import { loginOnce, makeAgent, runLoginLoad, type LoginLoadResult } from './portal-login-load.js';
import { findNginx, nginxErrorLog, nginxVersion, startNginx, writeNginxSite } from './portal-nginx.js';
import {
  BENCH_LOGIN_RATE_PER_MINUTE,
  checkCitywifiPortal,
  freeTcpPort,
  seedPortalDatabase,
  startBareExpress,
  startPortalProcess,
  waitForHttp,
} from './portal-processes.js';
import {
  portalTableRows,
  portalVerdicts,
  PORTAL_TARGETS,
  type LoginMeasurement,
  type ViewMeasurement,
  type ViewServer,
} from './portal-report.js';
import { BENCH_ROUTER, loginPaths } from './portal-router-vars.js';
import { findWrk, runWrk, type ViewResult } from './portal-wrk.js';
import { createDatabase, dropDatabase, newDatabaseName, serverVersion, transactionCount } from './postgres.js';
import { describeWaits, sampleDatabaseWaits } from './portal-db-waits.js';
import { describeReply, formatAttributes, markdownTable, resultsPath, textTable, writeResultsSection } from './report.js';
import { freeUdpPorts, type ServerProcess } from './server-process.js';
import { makeSecret } from './workload.js';

const USAGE = `Usage: npm run bench:portal [-- options]

Measures, one after the other on loopback, with wrk (page views) and a Node login driver, for each
number of portal processes in --workers (\`citywifi portal\` with PORTAL_WORKERS=N):
  1. citywifi's login page, GET /login with a MikroTik hotspot's variables (octal-escaped CHAP values)
  2. completed click-through logins: page, form post, handoff, the router's CHAP Access-Request to
     citywifi's RADIUS server, Access-Accept; on a fresh PostgreSQL database
then the peers:
  3. a bare Express + EJS page of the same size, in as many processes (the ceiling for this stack)
  4. nginx serving the same bytes as a static file (the physical ceiling)

Options:
  --duration S       seconds of measured page views per server (default 10)
  --login-duration S seconds of measured logins (default 15)
  --warmup S         seconds of warm-up before each measurement (default 3)
  --connections N    keep-alive connections wrk holds open (default 64)
  --phones N         phones logging in at once in the login measurement (default 64)
  --workers N,N      numbers of portal processes to measure (PORTAL_WORKERS), and of bare
                     Express processes (node:cluster) to compare each with (default 1,2)
  --only WHAT        views or logins: measure one part only
  --results          write bench/RESULTS.md even for an --only run
  --no-results       do not write bench/RESULTS.md
  --keep             keep the bench database and the temporary directory (for inspection)
  -h, --help         this text

Environment:
  BENCH_ADMIN_DATABASE_URL  PostgreSQL to create the bench database on
                            (default postgres://postgres@127.0.0.1:5432/postgres)
  BENCH_CPU_PROF=DIR        write V8 CPU profiles of the portal and bare Express processes into DIR

Needs Debian's wrk and nginx: sudo apt-get install wrk nginx-light
`;

interface Settings {
  durationS: number;
  loginDurationS: number;
  warmupS: number;
  connections: number;
  phones: number;
  /** numbers of processes to measure the portal (and bare Express) with */
  workers: number[];
  only: 'views' | 'logins' | undefined;
  writeResults: boolean;
  keep: boolean;
}

/** What a phone's browser sends with a page request (a cheap Android phone in Indonesia). */
const PHONE_HEADERS = {
  'User-Agent': 'Mozilla/5.0 (Linux; Android 11; SM-A032F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'Accept-Language': 'id-ID,id;q=0.9,en-US;q=0.8,en;q=0.7',
};
const WRK_THREADS = 1;
const PATHS = 2000;

function fail(message: string): never {
  console.error(`bench:portal: ${message}`);
  process.exit(2);
}

function say(line: string): void {
  console.log(line);
}

function readSettings(argv: string[]): Settings {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        duration: { type: 'string', default: '10' },
        'login-duration': { type: 'string', default: '15' },
        warmup: { type: 'string', default: '3' },
        connections: { type: 'string', default: '64' },
        phones: { type: 'string', default: '64' },
        workers: { type: 'string', default: '1,2' },
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
  if (parsed.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (name: string, value: string, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) fail(`--${name} must be a number from ${min} to ${max}, not "${value}"`);
    return n;
  };
  if (parsed.only !== undefined && parsed.only !== 'views' && parsed.only !== 'logins') fail(`--only must be views or logins, not "${parsed.only}"`);
  const only = parsed.only as Settings['only'];
  const workers = parsed.workers.split(',').map((w) => Math.round(number('workers', w.trim(), 1, 64)));
  if (new Set(workers).size !== workers.length) fail(`--workers lists a number twice: "${parsed.workers}"`);
  return {
    durationS: number('duration', parsed.duration, 1, 600),
    loginDurationS: number('login-duration', parsed['login-duration'], 1, 600),
    warmupS: number('warmup', parsed.warmup, 0, 120),
    connections: Math.round(number('connections', parsed.connections, 1, 10_000)),
    phones: Math.round(number('phones', parsed.phones, 1, 1024)),
    workers,
    only,
    writeResults: parsed['no-results'] ? false : parsed.results || only === undefined,
    keep: parsed.keep,
  };
}

function osName(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? `${os.type()} ${os.release()}`;
  } catch {
    return `${os.type()} ${os.release()}`;
  }
}

function exactCommand(argv: string[]): string {
  const event = process.env.npm_lifecycle_event;
  const args = argv.map((a) => (/^[\w./=:-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  if (event === 'bench:portal') return `npm run ${event}${args ? ` -- ${args}` : ''}`;
  return `node dist/bench/portal.js${args ? ` ${args}` : ''}`;
}

function summary(r: ViewResult): string {
  return [
    `${Math.round(r.perSecond).toLocaleString('en-US')}/s`,
    `p50 ${r.p50Ms.toFixed(2)} ms`,
    `p99 ${r.p99Ms.toFixed(2)} ms`,
    `${r.requests.toLocaleString('en-US')} requests`,
    `${r.non2xx} non-2xx`,
    `${r.socketErrors} socket errors`,
    `wrk CPU ${Math.round(r.generatorCpu * 100)}% of a core`,
  ].join(', ');
}

function loginSummary(r: LoginLoadResult): string {
  return [
    `${Math.round(r.perSecond).toLocaleString('en-US')}/s`,
    `p50 ${r.p50Ms.toFixed(1)} ms`,
    `p99 ${r.p99Ms.toFixed(1)} ms`,
    `${r.completed.toLocaleString('en-US')} completed`,
    `${r.failed} failed`,
    `driver CPU ${Math.round(r.generatorCpu * 100)}% of a core`,
  ].join(', ');
}

/**
 * PostgreSQL 15 backends report their transaction counts at most once a second; waiting a little
 * longer makes pg_stat_database's count (read by transactionCount) up to date.
 */
function settleStatistics(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1500));
}

/** The page as a phone gets it: its bytes and headers. */
async function fetchPage(url: string): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const res = await fetch(url, { headers: PHONE_HEADERS, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

interface RunContext {
  settings: Settings;
  tmp: string;
  wrk: string;
  paths: string[];
}

/** Warm-up, then the measured wrk run, against one server; its CPU read from /proc meanwhile. */
async function measureViews(ctx: RunContext, server: ViewServer, processes: number, url: string, proc: ServerProcess, bodyBytes: number): Promise<ViewMeasurement> {
  const tag = `[${server}${processes > 1 ? `, ${processes} processes` : ''}]`;
  const load = { url, paths: ctx.paths, connections: ctx.settings.connections, threads: WRK_THREADS, headers: PHONE_HEADERS, dir: ctx.tmp };
  if (ctx.settings.warmupS > 0) {
    say(`${tag} warm-up, ${ctx.settings.warmupS} s`);
    await runWrk(ctx.wrk, { ...load, durationS: ctx.settings.warmupS });
  }
  say(`${tag} measuring, ${ctx.settings.durationS} s, ${ctx.settings.connections} connections`);
  const cpu = watchCpu(proc.pid);
  const result = await runWrk(ctx.wrk, { ...load, durationS: ctx.settings.durationS });
  const measurement = { server, processes, result, bodyBytes, cpu: cpu() };
  say(`${tag} ${summary(result)}; server CPU ${Math.round(measurement.cpu.serverCores * 100)}% of a core, machine ${Math.round(measurement.cpu.machineBusy * 100)}% busy`);
  if (result.non2xx + result.socketErrors > 0) say(`${tag} WARNING: ${result.non2xx} non-2xx answers and ${result.socketErrors} socket errors`);
  return measurement;
}

/** Starts a server, waits for it, checks it serves the page of the expected size, measures it, stops it. */
async function measurePeer(
  ctx: RunContext,
  cleanup: Cleanup,
  server: ViewServer,
  processes: number,
  start: () => ServerProcess,
  url: string,
  expectedBytes: number,
  logs: () => string = () => '',
): Promise<ViewMeasurement> {
  const proc = start();
  const forget = cleanup.add(`stop ${server}`, () => proc.stop());
  const first = `${url}${ctx.paths[0]}`;
  try {
    await waitForHttp(first, proc).catch((error: Error) => {
      throw new Error(`${error.message}${logs()}`);
    });
    const page = await fetchPage(first);
    if (page.status !== 200) throw new Error(`${server} answered ${page.status}${logs()}`);
    say(`[${server}] serves ${page.body.length.toLocaleString('en-US')} bytes (the login page: ${expectedBytes.toLocaleString('en-US')})`);
    return await measureViews(ctx, server, processes, url, proc, page.body.length);
  } finally {
    await proc.stop();
    forget();
  }
}

/** Tries one whole login until the RADIUS server answers (it may still be starting); returns the Accept. */
async function probeLogin(portalUrl: string, radius: { host: string; port: number; secret: string }, gaveUp: Promise<string>): Promise<Buffer> {
  const client = new RadiusClient({ ...radius, timeoutMs: 1000, retries: 0 });
  const agent = makeAgent(1);
  let exited: string | undefined;
  void gaveUp.then((how) => (exited = how));
  const deadline = Date.now() + 30_000;
  try {
    for (let phone = 1; ; phone++) {
      try {
        const steps = await loginOnce(agent, new URL(portalUrl), client, phone);
        return steps.accept.raw;
      } catch (error) {
        const e = error as Error & { step?: string };
        const retry = e.step === 'radius' && /no RADIUS answer/.test(e.message) && !exited && Date.now() < deadline;
        if (!retry) throw new Error(`a probe login failed at ${e.step ?? 'an unknown step'}: ${e.message}${exited ? ` (the RADIUS server exited: ${exited})` : ''}`);
      }
    }
  } finally {
    agent.destroy();
    await client.close();
  }
}

/** Warm-up, then measured click-through logins against one portal; its CPU, the RADIUS server's and the database's transactions meanwhile. */
async function measureLogins(o: {
  settings: Settings;
  dbName: string;
  portalUrl: string;
  radius: { host: string; port: number; secret: string };
  portalProc: ServerProcess;
  radiusProc: ServerProcess;
  workers: number;
  firstPhone: number;
}): Promise<{ login: LoginMeasurement; nextPhone: number }> {
  const { settings } = o;
  const tag = `[logins${o.workers > 1 ? `, portal in ${o.workers} workers` : ''}]`;
  const load = (durationS: number, firstPhone: number, label: string) =>
    runLoginLoad({
      portalUrl: o.portalUrl,
      radius: o.radius,
      concurrency: settings.phones,
      durationMs: durationS * 1000,
      firstPhone,
      onProgress: ({ elapsedMs, completed, failed }) => {
        if (process.stdout.isTTY) process.stdout.write(`\r  ${tag} ${label}: ${(elapsedMs / 1000).toFixed(0)}/${durationS} s, ${completed.toLocaleString('en-US')} completed, ${failed} failed\x1b[K`);
      },
    }).finally(() => process.stdout.isTTY && process.stdout.write('\r\x1b[K'));
  let firstPhone = o.firstPhone;
  if (settings.warmupS > 0) {
    say(`${tag} warm-up, ${settings.warmupS} s, ${settings.phones} phones at once`);
    const warm = await load(settings.warmupS, firstPhone, 'warm-up');
    firstPhone = warm.nextPhone;
    say(`${tag} warm-up: ${loginSummary(warm)}`);
  }
  say(`${tag} measuring, ${settings.loginDurationS} s, ${settings.phones} phones at once, each login a new phone (MAC)`);
  await settleStatistics();
  const xactBefore = await transactionCount(o.dbName);
  const stopSampling = await sampleDatabaseWaits(o.dbName);
  const portalCpu = watchCpu(o.portalProc.pid);
  const radiusCpu = watchCpu(o.radiusProc.pid);
  const result = await load(settings.loginDurationS, firstPhone, 'measuring');
  const portalShare = portalCpu();
  const radiusShare = radiusCpu();
  const waits = describeWaits(await stopSampling());
  await settleStatistics();
  const transactionsPerLogin = ((await transactionCount(o.dbName)) - xactBefore) / Math.max(1, result.completed + result.failed);
  const login: LoginMeasurement = {
    portalWorkers: o.workers,
    result,
    portalCores: portalShare.serverCores,
    radiusCores: radiusShare.serverCores,
    machineBusy: portalShare.machineBusy,
    transactionsPerLogin,
    waits,
  };
  say(`${tag} ${loginSummary(result)}; portal CPU ${Math.round(login.portalCores * 100)}%, RADIUS CPU ${Math.round(login.radiusCores * 100)}% of a core, machine ${Math.round(login.machineBusy * 100)}% busy`);
  say(`${tag} database: ${transactionsPerLogin.toFixed(2)} transactions per login (portal + RADIUS); its busy connections were waiting on: ${waits}`);
  for (const failure of result.failures) say(`${tag} failed: ${failure}`);
  return { login, nextPhone: result.nextPhone };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const settings = readSettings(argv);
  const wantViews = settings.only !== 'logins';
  const wantLogins = settings.only !== 'views';

  // Everything that can be checked before minutes are spent.
  const wrk = findWrk();
  if (!wrk) fail('wrk is not installed (Debian: sudo apt-get install wrk)');
  const nginx = findNginx();
  if (wantViews && !nginx) fail('nginx is not installed (Debian: sudo apt-get install nginx-light)');
  const portalProblem = checkCitywifiPortal();
  if (portalProblem) fail(portalProblem);
  const radiusProblem = wantLogins ? checkCitywifiRadius() : undefined;
  if (radiusProblem) fail(radiusProblem);
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
  say(`The portal runs with PORTAL_LOGIN_RATE_PER_MINUTE=${BENCH_LOGIN_RATE_PER_MINUTE.toLocaleString('en-US')}: all the load comes from 127.0.0.1, and the default (20 per address per minute) would refuse it.`);

  const cleanup = new Cleanup();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${signal}: stopping the servers and dropping the bench database…`);
    void cleanup.runAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const tmp = mkdtempSync(join(os.tmpdir(), 'citywifi-bench-portal-'));
  // nginx, started as root, reads its files from unprivileged worker processes.
  chmodSync(tmp, 0o755);
  if (settings.keep) say(`keeping ${tmp}`);
  else cleanup.add(`remove ${tmp}`, () => rmSync(tmp, { recursive: true, force: true }));

  const views: ViewMeasurement[] = [];
  const logins: LoginMeasurement[] = [];
  let acceptAttributes = '';
  let pageInfo = { bytes: 0, headers: '' };
  const failures: string[] = [];
  try {
    const dbName = newDatabaseName('bench_portal');
    const db = await createDatabase(dbName);
    if (settings.keep) say(`keeping database ${dbName}`);
    else cleanup.add(`drop database ${dbName}`, () => dropDatabase(dbName));
    const secretKeyHex = randomBytes(32).toString('hex');
    const secret = makeSecret();
    const dataDir = join(tmp, 'citywifi-data');
    say(`[setup] migrating ${dbName}, adding a plan, the site "${BENCH_ROUTER.identity}" and its router as a NAS on 127.0.0.1`);
    await seedPortalDatabase(db, { secretKeyHex, secret, dataDir });

    const [authPort, acctPort] = await freeUdpPorts();
    const radiusProc = wantLogins ? startCitywifi({ db, secretKeyHex, authPort, acctPort, dataDir }) : undefined;
    if (radiusProc) cleanup.add('stop the RADIUS server', () => radiusProc.stop());
    const paths = loginPaths(PATHS);
    const radius = { host: '127.0.0.1', port: authPort, secret };
    const ctx: RunContext = { settings, tmp, wrk, paths };
    let firstPhone = 1000;
    let pageBody: Buffer | undefined;

    // The portal, once per number of processes: its page views, then its logins.
    for (const workers of settings.workers) {
      const label = workers > 1 ? `citywifi portal, ${workers} workers` : 'citywifi portal, one process';
      const portalPort = await freeTcpPort();
      const portalUrl = `http://127.0.0.1:${portalPort}`;
      const portalProc = startPortalProcess({ db, secretKeyHex, dataDir, port: portalPort, workers });
      const forget = cleanup.add(`stop the portal (${workers})`, () => portalProc.stop());
      try {
        await waitForHttp(`${portalUrl}${paths[0]}`, portalProc);
        const page = await fetchPage(`${portalUrl}${paths[0]}`);
        if (page.status !== 200) throw new Error(`the portal answered GET /login with ${page.status}:\n${page.body.toString('utf8').slice(0, 500)}\n${portalProc.output()}`);
        if (!pageBody) {
          pageBody = page.body;
          pageInfo = { bytes: page.body.length, headers: [...page.headers.keys()].join(', ') };
          say(`[setup] the portal's login page: ${page.body.length.toLocaleString('en-US')} bytes of HTML; headers: ${pageInfo.headers}`);
        }
        if (radiusProc && !acceptAttributes) {
          const accept = await probeLogin(portalUrl, radius, radiusProc.exited);
          acceptAttributes = formatAttributes(describeReply(accept));
          say(`[setup] a probe click-through login went through; the Access-Accept carries ${acceptAttributes}`);
        }
        say(`[${label}]`);
        if (wantViews) views.push(await measureViews(ctx, 'citywifi login page', workers, portalUrl, portalProc, page.body.length));
        if (wantLogins && radiusProc) {
          const measured = await measureLogins({ settings, dbName, portalUrl, radius, portalProc, radiusProc, workers, firstPhone });
          firstPhone = measured.nextPhone;
          logins.push(measured.login);
        }
      } finally {
        await portalProc.stop();
        forget();
      }
    }

    if (wantViews && pageBody) {
      const bare = makeBareTemplate(pageBody.toString('utf8'));
      const viewsDir = writeBareViews(join(tmp, 'bare-express'), bare);
      say(`[bare Express + EJS] the login page's HTML as an EJS template, ${bare.tokenLengths.length} per-request values (the hidden tokens)`);
      for (const workers of settings.workers) {
        try {
          const port = await freeTcpPort();
          const start = () => startBareExpress({ port, views: viewsDir, tokenLengths: bare.tokenLengths, workers });
          views.push(await measurePeer(ctx, cleanup, 'bare Express + EJS', workers, start, `http://127.0.0.1:${port}`, pageBody.length));
        } catch (error) {
          failures.push(`bare Express + EJS (${workers}): ${(error as Error).message}`);
          console.error(`[bare Express + EJS, ${workers}] FAILED: ${(error as Error).message}`);
        }
      }
      try {
        const dir = join(tmp, 'nginx');
        const port = await freeTcpPort();
        const nginxWorkers = os.cpus().length;
        writeNginxSite({ dir, port, page: pageBody, workers: nginxWorkers });
        views.push(
          await measurePeer(ctx, cleanup, 'nginx static file', nginxWorkers, () => startNginx(nginx!, dir), `http://127.0.0.1:${port}`, pageBody.length, () => `\n--- nginx error.log ---\n${nginxErrorLog(dir)}`),
        );
      } catch (error) {
        failures.push(`nginx: ${(error as Error).message}`);
        console.error(`[nginx] FAILED: ${(error as Error).message}`);
      }
    }
  } catch (error) {
    if (interrupted) return 130;
    failures.push((error as Error).message);
    console.error(`\nFAILED: ${(error as Error).message}\n`);
  } finally {
    await cleanup.runAll();
  }

  if (views.length > 0 || logins.length > 0) {
    const rows = portalTableRows(views, logins);
    const lines = portalVerdicts(views, logins);
    say('');
    say(textTable(rows));
    say('');
    for (const line of lines) say(line);
    say(`Load: wrk, ${WRK_THREADS} thread, ${settings.connections} keep-alive connections, ${PATHS.toLocaleString('en-US')} different GET /login URLs in turn; logins: ${settings.phones} phones at once, a closed loop.`);
    say(`The portal ran with PORTAL_LOGIN_RATE_PER_MINUTE=${BENCH_LOGIN_RATE_PER_MINUTE.toLocaleString('en-US')} (raised for the bench: all the load comes from one address).`);
    if (settings.writeResults) {
      const path = resultsPath();
      writeResultsSection(path, resultsSection({ settings, argv, views, logins, lines, failures, pgVersion: pgVersion!, nginx: nginx ? nginxVersion(nginx) : undefined, loadBefore, acceptAttributes, pageInfo }), 'Portal');
      say(`Written to the Portal section of ${path}`);
    } else {
      say('Not written to bench/RESULTS.md (an --only or --no-results run; add --results to write it).');
    }
  }
  return failures.length > 0 ? 1 : 0;
}

function resultsSection(r: {
  settings: Settings;
  argv: string[];
  views: ViewMeasurement[];
  logins: LoginMeasurement[];
  lines: string[];
  failures: string[];
  pgVersion: string;
  nginx: string | undefined;
  loadBefore: number;
  acceptAttributes: string;
  pageInfo: { bytes: number; headers: string };
}): string {
  const cpus = os.cpus();
  const { settings } = r;
  const out = [
    '## Portal: login page views and click-through logins',
    '',
    `Measured ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} with \`${exactCommand(r.argv)}\`.`,
    '',
    `- Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${osName()} (Linux ${os.release()})`,
    `- Load average (1 min) before the run: ${r.loadBefore.toFixed(2)}${r.loadBefore > cpus.length / 2 ? ' (the machine was busy with other work: the figures are lower and noisier than on an idle machine)' : ''}`,
    `- Software: Node ${process.version}, Express 5 + EJS, PostgreSQL ${r.pgVersion}${r.nginx ? `, nginx ${r.nginx} (Debian)` : ''}, wrk (Debian)`,
    `- Page views: wrk, ${WRK_THREADS} thread, ${settings.connections} keep-alive connections, ${settings.warmupS} s warm-up then ${settings.durationS} s per server, ` +
      `cycling through ${PATHS.toLocaleString('en-US')} GET /login URLs with a hotspot's variables (each its own MAC and octal-escaped chap-id/chap-challenge) and a phone's headers. ` +
      `citywifi: \`citywifi portal\` with PORTAL_WORKERS=${settings.workers.join(' and ')} (node:cluster workers on one port; 1 = a single process), NODE_ENV=production, on its PostgreSQL database (${r.pageInfo.bytes.toLocaleString('en-US')} bytes of HTML). ` +
      `Bare Express + EJS: ${settings.workers.join(' and ')} processes (more than one: node:cluster workers, as the portal's), Express defaults, the same HTML as an EJS template with its hidden tokens made per request (bench/portal-bare-express.ts); each portal figure is compared with the bare page in as many processes. ` +
      `nginx: the same bytes as a static file, ${cpus.length} worker processes, access log off (bench/portal-nginx.ts).`,
    `- Logins: ${settings.phones} phones at once, a closed loop, each login a new phone (MAC): GET /login, POST /login/click with ctx, the CSRF token and cookie, the handoff form read, ` +
      'then the Access-Request the router would send (CHAP-Password from the handoff\'s response, CHAP-Challenge, Message-Authenticator) over UDP to `citywifi radius`, and its Access-Accept. ' +
      `${settings.warmupS} s warm-up, ${settings.loginDurationS} s measured. Latency is the whole login, page request to Accept.`,
    `- The portal ran with PORTAL_LOGIN_RATE_PER_MINUTE=${BENCH_LOGIN_RATE_PER_MINUTE.toLocaleString('en-US')}: all the load comes from 127.0.0.1, and the default (20 per address per minute) would refuse it.`,
    `- Logins were measured against each portal above (${settings.workers.join(' and ')} processes) and the one \`citywifi radius\` process, on the same database; the RADIUS server commits an authorize batch without waiting for the WAL flush (migration 20261125000500), accounting is not part of this measurement.`,
    '- Everything (servers, PostgreSQL, wrk and the login driver) shares the same cores; server CPU is the process under test with its workers (cluster workers, nginx workers; logins: portal + RADIUS), in cores; machine busy is all cores.',
    '',
    markdownTable(portalTableRows(r.views, r.logins)),
    '',
    ...r.lines.map((line) => `- ${line}`),
  ];
  if (r.acceptAttributes) out.push(`- citywifi's Access-Accept for a click-through login: ${r.acceptAttributes}`);
  if (r.failures.length > 0) out.push('', 'Failed in this run:', ...r.failures.map((f) => `- ${f.split('\n')[0]}`));
  out.push(
    '',
    `Targets on 2 cores: the login page at ≥ ${PORTAL_TARGETS.viewsVsBareExpress}× the bare Express + EJS page and ≥ ${PORTAL_TARGETS.viewsPerSecond.toLocaleString('en-US')} views/s; ` +
      `≥ ${PORTAL_TARGETS.loginsPerSecond.toLocaleString('en-US')} completed logins/s (a city-wide reconnect after a power cut). ` +
      'The issue quotes about 5,700 views/s for bare Express + EJS in one process and about 78,000/s for nginx on 2 cores.',
  );
  return out.join('\n');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
