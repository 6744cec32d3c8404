// `npm run bench:dashboard` (issue 5 §4): the dashboard over a year of history for 5,000 sites
// (`citywifi sim history`, kept between runs in its own database), run as `citywifi dashboard` and
// driven over HTTP after signing in through the form: the overview (snapshot warm, and the first
// request with none), site pages (first visit and again), the yearly report and its CSV and XLSX,
// the map. The peer computes the same figures from the raw tables as a RADIUS manager does, timed in
// the same run. Prints each figure against its target and writes the Dashboard section of RESULTS.md.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { CLI_MAIN } from "./citywifi.js";
import { Cleanup } from "./cleanup.js";
import {
  DashboardClient,
  percentile,
  summarize,
  type Summary,
} from "./dashboard-http.js";
import {
  ensureHistory,
  HISTORY_DATABASE,
  runCli,
} from "./dashboard-history.js";
import { PeerQueries, TIMEZONE } from "./dashboard-peer.js";
import {
  latencyRows,
  markdownTable,
  ms,
  peerRows,
  targetRows,
  textTable,
  type PeerFigure,
  type Target,
} from "./dashboard-report.js";
import type { DbTarget } from "./postgres.js";
import { resultsPath, writeResultsSection } from "./report.js";
import { startProcess, type ServerProcess } from "./server-process.js";

const USAGE = `Usage: npm run bench:dashboard [-- options]

Reuses (or fills, 6–12 minutes) the database ${HISTORY_DATABASE} with \`citywifi sim history\`, runs
\`citywifi dashboard\` over it, signs in and measures the overview, site pages, the yearly report and
its downloads and the map; the peer computes the same figures from the raw tables.

Options:
  --sites N           sites in the history (default 5000)
  --days N            days of history (default 365)
  --session-days N    days of raw sessions (default 30)
  --seed N            the history's seed (default 1)
  --max-age-hours H   refill when the history ended longer ago than this (default 24)
  --refill            fill the database anew whatever it holds
  --seconds S         seconds per timed request kind (default 8)
  --concurrency N     requests in flight for the throughput figures (default 8; latency targets are judged at 1)
  --restarts N        dashboard starts for the overview's first request without a snapshot (default 8)
  --site-codes N      different sites opened once each for the first-visit figure (default 300)
  --report-runs N     runs of the yearly report, its CSV, XLSX and of each peer figure (default 5)
  --results / --no-results   write bench/RESULTS.md (default: yes)
  --help`;

const { values: flags } = parseArgs({
  options: {
    sites: { type: "string", default: "5000" },
    days: { type: "string", default: "365" },
    "session-days": { type: "string", default: "30" },
    seed: { type: "string", default: "1" },
    "max-age-hours": { type: "string", default: "24" },
    refill: { type: "boolean", default: false },
    seconds: { type: "string", default: "8" },
    concurrency: { type: "string", default: "8" },
    restarts: { type: "string", default: "8" },
    "site-codes": { type: "string", default: "300" },
    "report-runs": { type: "string", default: "5" },
    results: { type: "boolean", default: true },
    "no-results": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const num = (name: keyof typeof flags) => {
  const n = Number(flags[name]);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`--${name} must be a number, not ${String(flags[name])}`);
  return n;
};
const opts = {
  sites: num("sites"),
  days: num("days"),
  sessionDays: num("session-days"),
  seed: num("seed"),
  maxAgeHours: num("max-age-hours"),
  seconds: num("seconds"),
  concurrency: Math.max(1, num("concurrency")),
  restarts: Math.max(1, num("restarts")),
  siteCodes: Math.max(10, num("site-codes")),
  reportRuns: Math.max(1, num("report-runs")),
  results: flags.results && !flags["no-results"],
};

const log = (line: string) => console.log(line);
const load = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");

interface Dashboard {
  process: ServerProcess;
  url: URL;
}

async function startDashboard(
  db: DbTarget,
  secretKeyHex: string,
  dataDir: string,
): Promise<Dashboard> {
  const proc = startProcess(
    "citywifi dashboard",
    process.execPath,
    [CLI_MAIN, "dashboard"],
    {
      ...process.env,
      DATABASE_URL: db.url,
      CITYWIFI_SECRET_KEY: secretKeyHex,
      CITYWIFI_DATA_DIR: dataDir,
      CITYWIFI_TIMEZONE: TIMEZONE,
      DASHBOARD_HOST: "127.0.0.1",
      DASHBOARD_PORT: "0",
      DASHBOARD_METRICS_PORT: "0",
      NODE_ENV: "production",
    },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = /dashboard: (http:\/\/[^\s/]+)\//.exec(proc.output());
    if (found) return { process: proc, url: new URL(found[1]) };
    const exited = await Promise.race([
      proc.exited,
      new Promise<undefined>((resolve) => setTimeout(resolve, 100, undefined)),
    ]);
    if (exited !== undefined)
      throw new Error(
        `citywifi dashboard ended (${exited}) before listening:\n${proc.output().trim().split("\n").slice(-10).join("\n")}`,
      );
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(
        `citywifi dashboard did not say its URL within 60 s:\n${proc.output().slice(-2000)}`,
      );
    }
  }
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const localDay = (at: Date) =>
  new Intl.DateTimeFormat("en-CA", {
    timeZone: TIMEZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);

async function main(): Promise<void> {
  const cleanup = new Cleanup();
  const onSignal = () => {
    console.error("\ninterrupted: cleaning up");
    void cleanup.runAll().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const secretKeyHex = randomBytes(32).toString("hex");
  const dataDir = mkdtempSync(join(os.tmpdir(), "citywifi-bench-dashboard-"));
  cleanup.add("remove the data directory", () =>
    rmSync(dataDir, { recursive: true, force: true }),
  );
  const loadBefore = load();
  try {
    log(
      `dashboard benchmark: ${os.cpus().length} cores, load average ${loadBefore}`,
    );
    const history = await ensureHistory(
      {
        sites: opts.sites,
        days: opts.days,
        sessionDays: opts.sessionDays,
        seed: opts.seed,
      },
      {
        maxAgeHours: opts.maxAgeHours,
        refill: flags.refill ?? false,
        secretKeyHex,
        log,
      },
    );
    log(`${HISTORY_DATABASE}: ${history.story}`);
    const db = history.target;

    // the figures' dates: the year and month the history ends in, today and the last 30 days as the dashboard sees them now
    const now = new Date();
    const end = new Date(history.mark.end);
    const lastDay = localDay(new Date(end.getTime() - 1));
    const year = lastDay.slice(0, 4);
    const month = lastDay.slice(0, 7);
    const peer = new PeerQueries(db);
    cleanup.add("close the peer connections", () => peer.close());
    const today = localDay(now);
    const [todayStart, thirtyStart] = await peer.localMidnights(
      today,
      addDays(today, -29),
    );
    const fill = await peer.todayFill(todayStart, now, thirtyStart);
    log(
      `today (${today}, ${TIMEZONE}) holds ${fill.today.toLocaleString("en-US")} sessions; a day of the last 30 held ${Math.round(fill.perDay).toLocaleString("en-US")} on average`,
    );

    // an admin for this run, signed in through the form
    const username = `bench-${randomBytes(4).toString("hex")}`;
    const password = `Bench-${randomBytes(12).toString("base64url")}`;
    await runCli(db, secretKeyHex, [
      "admin",
      "add",
      "--username",
      username,
      "--password",
      password,
      "--role",
      "admin",
    ]);
    cleanup.add("remove the benchmark admin", async () => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await client
        .query("delete from admin_users where username = $1", [username])
        .finally(() => client.end());
    });

    // 1. the overview's first request with no snapshot: a fresh dashboard process each time
    log(
      `overview without a snapshot: ${opts.restarts} starts of citywifi dashboard…`,
    );
    const firstPage: number[] = [];
    const firstApiAfter: number[] = [];
    let cookie = "";
    for (let i = 0; i < opts.restarts; i++) {
      const dash = await startDashboard(db, secretKeyHex, dataDir);
      const client = new DashboardClient(dash.url);
      try {
        if (!cookie) {
          await client.signIn(username, password);
          cookie = client.cookie;
        }
        client.cookie = cookie;
        await client.request("/sign-in"); // the connection pool and express warmed, nothing of the overview
        const page = await client.timedGet("/");
        if (page.error) throw new Error(page.error);
        firstPage.push(page.ms);
        const api = await client.timedGet("/api/overview");
        if (api.error) throw new Error(api.error);
        firstApiAfter.push(api.ms);
      } finally {
        client.close();
        await dash.process.stop();
      }
    }

    // 2. one dashboard for the rest
    const dash = await startDashboard(db, secretKeyHex, dataDir);
    cleanup.add("stop the dashboard", () => dash.process.stop());
    const client = new DashboardClient(dash.url, opts.concurrency + 2);
    client.cookie = cookie;
    const sites = await peer.siteCodes(opts.siteCodes);
    const sitePath = (i: number) =>
      `/sites/${encodeURIComponent(sites[i % sites.length].code)}`;
    const summaries: Summary[] = [];
    const measure = async (
      label: string,
      path: (i: number) => string,
      concurrency: number,
      shape: { seconds?: number; count?: number },
    ) => {
      const t = await client.load(
        concurrency > 1 ? `${label} @${concurrency}` : label,
        path,
        { concurrency, ...shape },
      );
      const s = summarize(t);
      summaries.push(s);
      log(
        `  ${s.label}: ${s.requests} requests, p50 ${ms(s.p50)} ms, p95 ${ms(s.p95)} ms, p99 ${ms(s.p99)} ms, ${s.perSecond.toFixed(1)}/s${s.errors ? `, ${s.errors} errors (${s.firstError})` : ""}`,
      );
      return s;
    };

    log(
      "site pages, first visit of each (the dashboard process has not shown them; PostgreSQL may have their rows cached)…",
    );
    const siteCold = await measure("/sites/<code> first visit", sitePath, 1, {
      count: sites.length,
    });
    log(
      "warm requests (snapshot of the overview shared for 20 s, as in production)…",
    );
    await client.load("warm-up", () => "/", { concurrency: 2, seconds: 2 });
    const overviewWarm = await measure(
      "/ overview (snapshot warm)",
      () => "/",
      1,
      { seconds: opts.seconds },
    );
    const apiWarm = await measure(
      "/api/overview (snapshot warm)",
      () => "/api/overview",
      1,
      { seconds: opts.seconds },
    );
    const siteWarm = await measure(
      "/sites/<code> again",
      (i) => sitePath(i % 50),
      1,
      { seconds: opts.seconds },
    );
    const map = await measure("/map", () => "/map", 1, {
      seconds: opts.seconds,
    });
    await measure("/ overview (snapshot warm)", () => "/", opts.concurrency, {
      seconds: opts.seconds,
    });
    await measure(
      "/api/overview (snapshot warm)",
      () => "/api/overview",
      opts.concurrency,
      { seconds: opts.seconds },
    );
    await measure("/sites/<code> (300 sites)", sitePath, opts.concurrency, {
      seconds: opts.seconds,
    });
    await measure("/map", () => "/map", opts.concurrency, {
      seconds: opts.seconds,
    });
    log(`reports for ${year} and ${month}…`);
    const yearReport = await measure(
      `/reports?period=${year}`,
      () => `/reports?period=${year}`,
      1,
      { count: opts.reportRuns },
    );
    const yearCsv = await measure(
      `/reports/export.csv?period=${year}`,
      () => `/reports/export.csv?period=${year}`,
      1,
      { count: opts.reportRuns },
    );
    const yearXlsx = await measure(
      `/reports/export.xlsx?period=${year}`,
      () => `/reports/export.xlsx?period=${year}`,
      1,
      { count: opts.reportRuns },
    );
    const monthReport = await measure(
      `/reports?period=${month}`,
      () => `/reports?period=${month}`,
      1,
      { count: opts.reportRuns },
    );
    client.close();
    await dash.process.stop();

    // 3. the peer, the same database, the dashboard stopped
    log("the peer: the same figures from the raw tables…");
    const runs = async (work: () => Promise<number>, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push(await work());
      return out;
    };
    const siteRuns: number[] = [];
    for (const s of sites.slice(0, 100))
      siteRuns.push(await peer.site(s.id, new Date(), thirtyStart));
    const peers: PeerFigure[] = [
      {
        figure: `report ${year} per kelurahan`,
        runs: await runs(
          () =>
            peer.report(`${year}-01-01`, `${Number(year) + 1}-01-01`, lastDay),
          opts.reportRuns,
        ),
        versus: `/reports?period=${year}`,
        oursMedian: yearReport.p50,
      },
      {
        figure: `report ${month} per kelurahan`,
        runs: await runs(
          () =>
            peer.report(
              `${month}-01`,
              addDays(`${month}-28`, 4).slice(0, 7) + "-01",
              lastDay,
            ),
          opts.reportRuns,
        ),
        versus: `/reports?period=${month}`,
        oursMedian: monthReport.p50,
      },
      {
        figure: "overview history figures",
        runs: await runs(
          () => peer.overview(new Date(), todayStart, thirtyStart),
          opts.reportRuns * 2,
        ),
        versus: "first / with no snapshot",
        oursMedian: percentile(firstPage, 50),
      },
      {
        figure: `site page figures (${siteRuns.length} sites)`,
        runs: siteRuns,
        versus: "/sites/<code> first visit",
        oursMedian: siteCold.p50,
      },
    ];
    for (const p of peers)
      log(
        `  ${p.figure}: median ${ms(percentile(p.runs, 50))} ms over ${p.runs.length} runs`,
      );

    const firstP95 = percentile(firstPage, 95);
    const targets: Target[] = [
      {
        figure: "overview / p95, snapshot warm",
        measured: overviewWarm.p95,
        limitMs: 200,
        note: `one user, ${overviewWarm.requests} requests`,
      },
      {
        figure: "overview / p95, first request (no snapshot)",
        measured: firstP95,
        limitMs: 200,
        note: `${firstPage.length} fresh processes; p95 of so few is about their max`,
      },
      {
        figure: "/api/overview p95, snapshot warm",
        measured: apiWarm.p95,
        limitMs: 200,
        note: `one user, ${apiWarm.requests} requests`,
      },
      {
        figure: "site page p95, first visit",
        measured: siteCold.p95,
        limitMs: 200,
        note: `${siteCold.requests} different sites`,
      },
      {
        figure: "site page p95, again",
        measured: siteWarm.p95,
        limitMs: 200,
        note: `${siteWarm.requests} requests over 50 sites`,
      },
      {
        figure: `yearly report ${year} (slowest run)`,
        measured: yearReport.max,
        limitMs: 2000,
        note: `${yearReport.requests} runs, page`,
      },
      {
        figure: `yearly report ${year} CSV (slowest)`,
        measured: yearCsv.max,
        limitMs: 2000,
        note: `${yearCsv.requests} runs`,
      },
      {
        figure: `yearly report ${year} XLSX (slowest)`,
        measured: yearXlsx.max,
        limitMs: 2000,
        note: `${yearXlsx.requests} runs`,
      },
      {
        figure: "map p95",
        measured: map.p95,
        limitMs: 200,
        note: "no target of its own; the same bar as a page",
      },
    ];

    const firstRows: string[][] = [
      ["first request after start", "n", "p50 ms", "p95 ms", "max ms"],
      [
        "/ (reads the overview snapshot)",
        String(firstPage.length),
        ms(percentile(firstPage, 50)),
        ms(firstP95),
        ms(Math.max(...firstPage)),
      ],
      [
        "/api/overview right after it (snapshot fresh)",
        String(firstApiAfter.length),
        ms(percentile(firstApiAfter, 50)),
        ms(percentile(firstApiAfter, 95)),
        ms(Math.max(...firstApiAfter)),
      ],
    ];
    const loadAfter = load();
    const about = [
      `${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown"}), load average before ${loadBefore}, after ${loadAfter}; Node ${process.version}.`,
      `History: ${opts.sites} sites, ${opts.days} days of rollups, ${opts.sessionDays} days of sessions, seed ${opts.seed}, ending ${history.mark.end} (${HISTORY_DATABASE}: ${history.story}).`,
      `Today (${today}) held ${fill.today.toLocaleString("en-US")} sessions when measured; a day of the last 30 held ${Math.round(fill.perDay).toLocaleString("en-US")} on average.`,
    ];

    console.log(
      "\nLatency and throughput (one dashboard process; latency targets judged at concurrency 1)",
    );
    console.log(textTable(latencyRows(summaries)));
    console.log(
      "\nThe overview with no snapshot (a fresh `citywifi dashboard` each time)",
    );
    console.log(textTable(firstRows));
    console.log(
      "\nThe peer: the same figures from the raw tables, as a RADIUS manager computes them",
    );
    console.log(textTable(peerRows(peers)));
    console.log("\nTargets (issue 5 §4)");
    console.log(textTable(targetRows(targets)));
    console.log(`\n${about.join("\n")}`);

    if (opts.results) {
      const section = [
        "## Dashboard",
        "",
        `\`npm run bench:dashboard\`, ${new Date().toISOString().slice(0, 10)}. ${about.join(" ")}`,
        "",
        "### Targets",
        "",
        markdownTable(targetRows(targets)),
        "",
        "### Requests",
        "",
        markdownTable(latencyRows(summaries)),
        "",
        "The overview with no snapshot (a fresh dashboard process each time, signed in, nothing of the overview read yet):",
        "",
        markdownTable(firstRows),
        "",
        "### Peer",
        "",
        "The same figures computed from the raw tables (sessions, site_state_changes) on every request, as a RADIUS manager does; SQL only, no HTTP or rendering. " +
          `The raw sessions cover only the last ${opts.sessionDays} days, so the yearly peer reads a year of state changes but only those days of sessions: it is a lower bound.`,
        "",
        markdownTable(peerRows(peers)),
        "",
      ].join("\n");
      writeResultsSection(resultsPath(), section, "Dashboard");
      console.log(`\nwrote the Dashboard section of ${resultsPath()}`);
    }
  } finally {
    await cleanup.runAll();
  }
}

main().catch((error: Error) => {
  console.error(`bench:dashboard failed: ${error.message}`);
  process.exit(1);
});
