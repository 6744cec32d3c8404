import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { loadConfig } from '../core/config.js';
import { createSecretBox, loadSecretKey } from '../core/crypto.js';
import { createDb, migrateLatest } from '../core/db/index.js';
import { countSitesByState } from '../core/db/queries/site-state-counts.js';
import { createLogger } from '../core/logger.js';
import { startCitizens } from '../sim/citizens/index.js';
import { generateHistory, HistoryExistsError } from '../sim/history/generate.js';
import { describeFaults, startRouterFleet } from '../sim/routeros/index.js';
import { DEMO_NAS_SECRET, ensureDemoAdmin, ensureDemoPlan, makeDemoVouchers, seedDemoSites } from './demo-world.js';
import { wholeNumberIn } from './options.js';
import { startAllServices, untilSignal } from './start.js';

interface DemoFlags {
  dataDir: string;
  sites: number;
  citizens?: number;
  historyDays: number;
  interval: number;
  freePorts?: boolean;
}

/** A few percent of the emulated routers misbehave, so the dashboard has outages to show. */
const DEMO_FAULTS = { dead: { percent: 2 }, flapping: { percent: 1 }, rebooting: { percent: 1 }, busy: { percent: 1 } };
const FLEET_SEED = 7;
const STATUS_EVERY_MS = 30_000;

/** The environment of the demo: embedded database in the data directory, loopback only, short intervals. */
function demoEnvironment(flags: DemoFlags): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: '',
    CITYWIFI_SECRET_KEY: '',
    CITYWIFI_DATA_DIR: flags.dataDir,
    CITYWIFI_LOG_LEVEL: process.env.CITYWIFI_LOG_LEVEL || 'warn',
    RADIUS_HOST: '127.0.0.1',
    PORTAL_HOST: '127.0.0.1',
    DASHBOARD_HOST: '127.0.0.1',
    CONTROLLER_HTTP_HOST: '127.0.0.1',
    CONTROLLER_INTERVAL_SECONDS: String(flags.interval),
    RADIUS_INTERIM_INTERVAL: '60',
    OTP_SENDER: 'console',
    ALERT_WEBHOOK_URL: '',
    ALERT_WEBHOOK_SECRET: '',
  };
  if (flags.freePorts) {
    for (const name of ['RADIUS_AUTH_PORT', 'RADIUS_ACCT_PORT', 'RADIUS_METRICS_PORT', 'PORTAL_PORT', 'PORTAL_METRICS_PORT', 'DASHBOARD_PORT', 'DASHBOARD_METRICS_PORT', 'CONTROLLER_HTTP_PORT']) {
      env[name] = '0';
    }
  }
  return env;
}

/**
 * `citywifi demo`: the whole system alive on one machine with nothing configured. The embedded
 * database in the data directory, migrated; the Tangsel sites placed in their kelurahan, each with an
 * emulated router (a few faulty) and a NAS; a plan, vouchers and an admin; the four services; and
 * simulated citizens going online through the emulated hotspots, the portal and RADIUS.
 */
async function runDemo(flags: DemoFlags): Promise<void> {
  const config = loadConfig(demoEnvironment(flags));
  const logger = createLogger('citywifi-demo', { level: config.logLevel });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const box = createSecretBox(loadSecretKey(config));
  say(`citywifi demo: data in ${resolve(config.dataDir)}`);
  const db = await createDb(config);
  try {
    const applied = await migrateLatest(db);
    if (applied.length) say(`  database migrated (${applied.length} migrations)`);
    const planId = await ensureDemoPlan(db);
    const admin = await ensureDemoAdmin(db, config.dataDir);
    const fleet = await startRouterFleet({ count: flags.sites, basePort: 0, seed: FLEET_SEED, faults: DEMO_FAULTS });
    try {
      const sites = await seedDemoSites(db, box, { count: flags.sites, planId, routers: fleet.routers, at: new Date() });
      say(`  ${sites.length} sites in the 54 kelurahan, an emulated router each (${describeFaults(fleet.routers.map((r) => r.fault))})`);
      if (flags.historyDays > 0) await fillHistory(flags, config.timezone, say);
      const vouchers = await makeDemoVouchers(db, box, Math.max(20, Math.round(flags.sites / 10)));
      const services = await startAllServices({ config, db, box, logger });
      const crowd = startCitizens({
        sites,
        portalUrl: services.portal.url,
        radius: { host: '127.0.0.1', authPort: services.radius.authPort, acctPort: services.radius.acctPort, secret: DEMO_NAS_SECRET },
        targetOnline: flags.citizens ?? Math.max(20, Math.round(flags.sites / 5)),
        meanStaySeconds: 300,
        interimSeconds: 60,
        maxHotspots: Math.min(sites.length, 200),
        maxLoginsInFlight: 4,
        seed: FLEET_SEED,
        vouchers,
        onEvent: (e) => {
          if (e.kind === 'failed') logger.warn({ site: e.site, reason: e.reason }, 'simulated citizen could not go online');
        },
      });
      const dashboardUrl = `${services.dashboard.url}/`;
      say('');
      say('citywifi demo is running:');
      say(`  dashboard   ${dashboardUrl}`);
      say(`  sign in     ${admin.username} / ${admin.password}`);
      say(`  portal      ${services.portal.url}/login?identity=${encodeURIComponent(sites[0].code)}`);
      say(`  RADIUS      127.0.0.1:${services.radius.authPort} (auth), ${services.radius.acctPort} (accounting), secret ${DEMO_NAS_SECRET}`);
      say(
        `  metrics     http://${config.radius.metricsHost}:${services.radius.metricsPort}/metrics (RADIUS), ` +
          `http://${config.portal.metricsHost}:${services.portal.metricsPort}/metrics (portal), ` +
          `http://${config.controller.httpHost}:${services.controller.httpPort}/metrics (controller), ` +
          `http://${config.dashboard.metricsHost}:${services.dashboard.metricsPort}/metrics (dashboard)`,
      );
      say(`  the controller polls every ${flags.interval} s; citizens arrive at ${Math.min(sites.length, 200)} sites; Ctrl-C stops everything`);
      const status = setInterval(() => {
        void countSitesByState(db)
          .then((counts) => {
            const s = crowd.stats();
            say(`live: sites up ${counts.byState.up}, degraded ${counts.byState.degraded}, down ${counts.byState.down}, unknown ${counts.byState.unknown}; citizens online ${s.online}, logins ${s.logins}, failed ${s.failures}, ratings ${s.ratings}, reports ${s.reports}`);
          })
          .catch(() => undefined);
      }, STATUS_EVERY_MS);
      const signal = await untilSignal();
      clearInterval(status);
      say(`citywifi demo: stopping (${signal}): citizens log out, then the services stop`);
      await crowd.close();
      await services.stop();
    } finally {
      await fleet.close();
    }
  } finally {
    await db.destroy();
  }
  say('citywifi demo: stopped');

  /** Rollups, outages and sessions for the days before today, once per data directory (sim history). */
  async function fillHistory(f: DemoFlags, timezone: string, out: (line: string) => void): Promise<void> {
    const started = Date.now();
    try {
      const summary = await generateHistory(db, box, {
        sites: f.sites,
        days: f.historyDays,
        sessionDays: 1,
        seed: 1,
        end: new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000),
        timezone,
        replace: false,
      });
      out(`  ${f.historyDays} days of history filled (${summary.dailyRows} daily rollups, ${summary.sessions} sessions) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    } catch (error) {
      if (error instanceof HistoryExistsError) return;
      throw error;
    }
  }
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'the whole system alive on this machine with nothing configured: embedded database, the Tangerang Selatan sites with emulated routers ' +
        '(a few faulty), the four services and simulated citizens going online; prints the URLs and the demo login',
    )
    .addOption(new Option('--data-dir <dir>', 'where the embedded database, its key and the demo login live (reused on the next run)').default('./data/demo'))
    .addOption(new Option('--sites <n>', 'how many sites (and emulated routers)').default(1500).argParser(wholeNumberIn('--sites', 10, 5000)))
    .addOption(new Option('--citizens <n>', 'citizens online at a time, about (default a fifth of the sites)').argParser(wholeNumberIn('--citizens', 1, 5000)))
    .addOption(new Option('--history-days <n>', 'days of simulated history before today, filled on the first run (0: none)').default(30).argParser(wholeNumberIn('--history-days', 0, 365)))
    .addOption(new Option('--interval <seconds>', 'the controller polls every site this often').default(15).argParser(wholeNumberIn('--interval', 10, 3600)))
    .option('--free-ports', 'listen on free ports the system picks instead of the usual ones (the banner says which)')
    .action((flags: DemoFlags) => runDemo(flags));
}
