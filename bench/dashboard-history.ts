// The database the dashboard benchmark reads: a year of history for the fleet, made by
// `citywifi sim history` and kept between runs (a fill takes 6–12 minutes at 5,000 sites). What it
// holds is written on the database itself (COMMENT ON DATABASE), so the schema is the application's
// alone; a run reuses the database when the comment names the same parameters and the fill is recent.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import pg from "pg";
import { CLI_MAIN } from "./citywifi.js";
import {
  ADMIN_URL,
  createDatabase,
  dropDatabase,
  targetFor,
  type DbTarget,
} from "./postgres.js";

export const HISTORY_DATABASE =
  process.env.BENCH_HISTORY_DATABASE ?? "citywifi_bench_history";
const MARK = "citywifi bench history ";

export interface FillParams {
  sites: number;
  days: number;
  sessionDays: number;
  seed: number;
}

export interface FillMark extends FillParams {
  /** the end of the history (exclusive): the start of the hour the fill ran in */
  end: string;
  /** 'filled' by this benchmark, or 'adopted' (an existing fill checked against the parameters) */
  how: "filled" | "adopted";
  at: string;
}

export interface HistoryDb {
  target: DbTarget;
  mark: FillMark;
  /** what happened this run: reused, adopted or filled (with the fill's seconds) */
  story: string;
}

async function withAdmin<T>(
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function withDb<T>(
  target: DbTarget,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function databaseExists(name: string): Promise<boolean> {
  return withAdmin(
    async (c) =>
      (await c.query("select 1 from pg_database where datname = $1", [name]))
        .rowCount === 1,
  );
}

async function readMark(name: string): Promise<FillMark | undefined> {
  const text = await withAdmin(async (c) => {
    const { rows } = await c.query<{ d: string | null }>(
      "select shobj_description(oid, 'pg_database') as d from pg_database where datname = $1",
      [name],
    );
    return rows[0]?.d ?? null;
  });
  if (!text?.startsWith(MARK)) return undefined;
  try {
    return JSON.parse(text.slice(MARK.length)) as FillMark;
  } catch {
    return undefined;
  }
}

async function writeMark(name: string, mark: FillMark): Promise<void> {
  await withAdmin((c) =>
    c.query(
      `comment on database ${pg.escapeIdentifier(name)} is ${pg.escapeLiteral(MARK + JSON.stringify(mark))}`,
    ),
  );
}

const sameParams = (a: FillParams, b: FillParams) =>
  a.sites === b.sites &&
  a.days === b.days &&
  a.sessionDays === b.sessionDays &&
  a.seed === b.seed;

/** Runs `citywifi ARGS` against a database; rejects with its last output lines when it fails. */
export function runCli(
  db: DbTarget,
  secretKeyHex: string,
  args: string[],
  onLine: (line: string) => void = () => {},
): Promise<string> {
  const dataDir = mkdtempSync(join(os.tmpdir(), "citywifi-bench-dash-"));
  return new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        CITYWIFI_SECRET_KEY: secretKeyHex,
        CITYWIFI_DATA_DIR: dataDir,
        CITYWIFI_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const keep = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      out = (out + text).slice(-16_000);
      for (const line of text.split("\n")) if (line.trim()) onLine(line.trim());
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      rmSync(dataDir, { recursive: true, force: true });
      if (code === 0) resolve(out);
      else
        reject(
          new Error(
            `citywifi ${args.join(" ")} ended with ${signal ?? `code ${code}`}:\n${out.trim().split("\n").slice(-8).join("\n")}`,
          ),
        );
    });
  });
}

/** The end of the history a database holds (the rollups' mark), and the facts that say which parameters made it. */
async function readFacts(target: DbTarget) {
  return withDb(target, async (c) => {
    const q = async <T>(sql: string) => (await c.query(sql)).rows[0] as T;
    const sites = await q<{ n: number }>(
      "select count(*)::int as n from sites",
    );
    const days = await q<{ first: string | null; last: string | null }>(
      "select to_char(min(day), 'YYYY-MM-DD') as first, to_char(max(day), 'YYYY-MM-DD') as last from rollups_daily",
    );
    const mark = await q<{ until: Date | null } | undefined>(
      "select done_until as until from housekeeping_progress where job = 'rollups'",
    ).catch(() => undefined);
    const sessions = await q<{ first: Date | null }>(
      "select min(started_at) as first from sessions",
    );
    const fingerprint = await q<{ md5: string }>(
      "select md5(string_agg(code || ':' || lat || ':' || lon || ':' || category, ',' order by code)) as md5 from sites",
    );
    return {
      sites: sites.n,
      firstDay: days.first,
      lastDay: days.last,
      end: mark?.until ?? null,
      firstSession: sessions.first,
      fingerprint: fingerprint.md5,
    };
  });
}

const dayDiff = (a: string, b: string) =>
  Math.round(
    (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000,
  );

/**
 * A database filled before this benchmark marked its fills (e.g. by hand with `citywifi sim history`):
 * accepted when the sites, the days of rollups and of sessions match, and when the sites are the ones
 * the seed places (a one-day fill of the same seed in a scratch database gives the same sites).
 */
async function checkUnmarked(
  target: DbTarget,
  want: FillParams,
  secretKeyHex: string,
  log: (line: string) => void,
): Promise<FillMark | string> {
  const facts = await readFacts(target).catch((error: Error) => ({
    error: error.message,
  }));
  if ("error" in facts) return `cannot read it (${facts.error})`;
  if (facts.sites !== want.sites)
    return `it holds ${facts.sites} sites, not ${want.sites}`;
  if (!facts.firstDay || !facts.lastDay || !facts.end || !facts.firstSession)
    return "it holds no complete fill (no rollups, sessions or rollup mark)";
  const days = dayDiff(facts.firstDay, facts.lastDay) + 1;
  if (days !== want.days)
    return `its daily rollups span ${days} days, not ${want.days}`;
  const sessionDays = Math.ceil(
    (facts.end.getTime() - facts.firstSession.getTime()) / 86_400_000,
  );
  if (sessionDays !== want.sessionDays)
    return `its sessions span ${sessionDays} days, not ${want.sessionDays}`;
  log(
    `  checking that its sites are the ones seed ${want.seed} places (a one-day fill in a scratch database)…`,
  );
  const scratchName = `citywifi_bench_seedcheck_${Date.now()}`;
  const scratch = await createDatabase(scratchName);
  try {
    await runCli(scratch, secretKeyHex, ["migrate"]);
    await runCli(scratch, secretKeyHex, [
      "sim",
      "history",
      "--sites",
      String(want.sites),
      "--days",
      "1",
      "--session-days",
      "1",
      "--seed",
      String(want.seed),
    ]);
    const placed = await readFacts(scratch);
    if (placed.fingerprint !== facts.fingerprint)
      return `its sites are not the ones seed ${want.seed} places`;
  } finally {
    await dropDatabase(scratchName);
  }
  return {
    ...want,
    end: facts.end.toISOString(),
    how: "adopted",
    at: new Date().toISOString(),
  };
}

/** Drops the database, makes it anew, migrates it and fills it with `citywifi sim history`, showing its progress. */
async function fill(
  want: FillParams,
  secretKeyHex: string,
  log: (line: string) => void,
): Promise<FillMark> {
  await dropDatabase(HISTORY_DATABASE);
  const target = await createDatabase(HISTORY_DATABASE);
  await runCli(target, secretKeyHex, ["migrate"]);
  const started = Date.now();
  const ticker = setInterval(
    () => log(`  filling… ${Math.round((Date.now() - started) / 1000)} s`),
    30_000,
  );
  try {
    await runCli(
      target,
      secretKeyHex,
      [
        "sim",
        "history",
        "--sites",
        String(want.sites),
        "--days",
        String(want.days),
        "--session-days",
        String(want.sessionDays),
        "--seed",
        String(want.seed),
      ],
      (line) => {
        if (line.startsWith("history generated") || line.startsWith("steps:"))
          log(`  ${line}`);
      },
    );
  } finally {
    clearInterval(ticker);
  }
  const facts = await readFacts(target);
  const mark: FillMark = {
    ...want,
    end: (facts.end ?? new Date()).toISOString(),
    how: "filled",
    at: new Date().toISOString(),
  };
  await writeMark(HISTORY_DATABASE, mark);
  await withDb(target, (c) => c.query("vacuum analyze"));
  return mark;
}

/**
 * The history database for these parameters: reused when its mark matches and its history ended less
 * than maxAgeHours ago (the overview reads today's sessions and the last 24 hours, which a stale fill
 * lacks); adopted when it has no mark but its data match; otherwise filled anew.
 */
export async function ensureHistory(
  want: FillParams,
  options: {
    maxAgeHours: number;
    refill: boolean;
    secretKeyHex: string;
    log: (line: string) => void;
  },
): Promise<HistoryDb> {
  const { log } = options;
  const target = targetFor(HISTORY_DATABASE);
  let why = "it does not exist";
  if (options.refill) why = "--refill was given";
  else if (await databaseExists(HISTORY_DATABASE)) {
    let mark = await readMark(HISTORY_DATABASE);
    let story = "reused";
    if (!mark) {
      log(
        `${HISTORY_DATABASE} has no benchmark mark; checking whether its data match the parameters…`,
      );
      const checked = await checkUnmarked(
        target,
        want,
        options.secretKeyHex,
        log,
      );
      if (typeof checked === "string") why = checked;
      else {
        await writeMark(HISTORY_DATABASE, checked);
        mark = checked;
        story =
          "adopted (its data match the parameters; marked for later runs)";
      }
    }
    if (mark && !sameParams(mark, want))
      why = `it was filled with ${JSON.stringify({ sites: mark.sites, days: mark.days, sessionDays: mark.sessionDays, seed: mark.seed })}`;
    else if (mark) {
      const ageHours = (Date.now() - Date.parse(mark.end)) / 3_600_000;
      if (ageHours <= options.maxAgeHours) {
        await runCli(target, options.secretKeyHex, ["migrate"]);
        return {
          target,
          mark,
          story: `${story}; its history ends ${mark.end} (${ageHours.toFixed(1)} h ago)`,
        };
      }
      why = `its history ended ${ageHours.toFixed(1)} h ago (more than --max-age-hours ${options.maxAgeHours})`;
    }
  }
  log(
    `filling ${HISTORY_DATABASE} with \`citywifi sim history\` (${want.sites} sites, ${want.days} days, ${want.sessionDays} of sessions, seed ${want.seed}) because ${why}; this takes 6–12 minutes at 5,000 sites…`,
  );
  const started = Date.now();
  const mark = await fill(want, options.secretKeyHex, log);
  const seconds = (Date.now() - started) / 1000;
  return {
    target,
    mark,
    story: `filled anew in ${seconds.toFixed(0)} s because ${why}`,
  };
}
