import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, migrateLatest, type Db } from '../../../core/db/index.js';
import { rollUpHours } from '../../../core/db/queries/rollups.js';
import { startOfLocalDay } from '../../../core/domain/local-time.js';
import { expectRefused, runCli } from '../../helpers/run-cli.js';
import { createEmptyDatabase, dropDatabase } from '../../helpers/test-db.js';

const TZ = 'Asia/Jakarta';
const END_DAY = '2026-11-01';
const FIRST_DAY = '2026-09-22'; // 40 days: 2026-09-22 .. 2026-10-31
const WINDOW_FIRST_DAY = '2026-10-22'; // the last 10 days
const ARGS = ['sim', 'history', '--sites', '20', '--days', '40', '--session-days', '10', '--seed', '5', '--end', END_DAY];
const FAR_PAST = new Date('0001-01-01T00:00:00Z');

function localStart(day: string): Date {
  return startOfLocalDay(new Date(`${day}T12:00:00Z`), TZ);
}

/** A database of its own (this test fills every site in it), migrated, with a URL for the CLI. */
async function freshDatabase(): Promise<{ db: Db; url: string; drop(): Promise<void> }> {
  const { url, name } = await createEmptyDatabase('citywifi_history');
  const db = await createDb({ databaseUrl: url, dataDir: './data' }, { poolMax: 4 });
  await migrateLatest(db);
  return {
    db,
    url,
    async drop() {
      await db.destroy();
      await dropDatabase(name);
    },
  };
}

/** Everything the generator wrote, as one digest: the same seed must give the same one. */
async function digestOf(db: Db): Promise<string> {
  const hash = createHash('sha256');
  const parts = [
    `select s.code, r.* from rollups_daily r join sites s on s.id = r.site_id order by s.code, r.day`,
    `select s.code, r.* from rollups_hourly r join sites s on s.id = r.site_id order by s.code, r.hour`,
    `select s.code, c.at, c.from_state, c.to_state, c.reason from site_state_changes c join sites s on s.id = c.site_id order by s.code, c.at, c.to_state`,
    `select s.code, x.acct_session_id, x.started_at, x.session_time, x.input_octets, x.output_octets, x.mac from sessions x join sites s on s.id = x.site_id order by s.code, x.started_at, x.acct_session_id`,
    `select s.code, x.at, x.active_users, x.rx_rate from samples x join sites s on s.id = x.site_id order by s.code, x.at`,
    `select s.code, f.at, f.rating from feedback f join sites s on s.id = f.site_id order by s.code, f.at`,
    `select s.code, p.at, p.kind, p.status from problem_reports p join sites s on s.id = p.site_id order by s.code, p.at`,
    `select s.code, s.commissioned_on, s.area_code, s.lat, s.lon from sites s order by s.code`,
  ];
  for (const sql of parts) hash.update(JSON.stringify((await db.raw(sql)).rows));
  return hash.digest('hex');
}

describe('citywifi sim history', function () {
  this.timeout(180_000);
  let a: Awaited<ReturnType<typeof freshDatabase>>;
  let output: { code: number; stdout: string; stderr: string };

  before(async () => {
    a = await freshDatabase();
    output = await runCli(ARGS, { DATABASE_URL: a.url });
  });
  after(async () => {
    await a?.drop();
  });

  it('places 20 new sites inside their kelurahan and prints a summary', async () => {
    expect(output.code, output.stderr).to.equal(0);
    expect(output.stdout).to.match(/^history generated: sites=20 created=20 days=2026-09-22\.\.2026-10-31 raw-from=2026-10-22 /);
    expect(output.stdout).to.match(/ sessions=[1-9]\d+ /);
    const sites = await a.db('sites').select('code', 'area_code', 'lat', 'lon', 'commissioned_on');
    expect(sites).to.have.length(20);
    for (const s of sites) {
      expect(s.area_code, s.code).to.match(/^36\.74\.0\d\.\d{4}$/);
      expect(s.lat).to.be.within(-6.37, -6.22);
      expect(s.lon).to.be.within(106.63, 106.79);
      expect(s.commissioned_on, s.code).to.not.equal(null);
    }
  });

  it('writes a daily row for every site and day since it was commissioned, whose state seconds add up to the day', async () => {
    const rows = (await a.db.raw(
      `select s.id, greatest(s.commissioned_on, date '${FIRST_DAY}') as first_day, count(r.day) as days, min(r.day) as min_day, max(r.day) as max_day,
              min(r.up_seconds + r.down_seconds + r.degraded_seconds + r.maintenance_seconds + r.unknown_seconds) as min_total,
              max(r.up_seconds + r.down_seconds + r.degraded_seconds + r.maintenance_seconds + r.unknown_seconds) as max_total
       from sites s left join rollups_daily r on r.site_id = s.id
       where s.commissioned_on < date '${END_DAY}'
       group by s.id, s.commissioned_on`,
    )).rows as Array<{ id: number; first_day: string | Date; days: number; min_total: number; max_total: number }>;
    expect(rows.length).to.be.greaterThan(10);
    for (const r of rows) {
      const first = typeof r.first_day === 'string' ? r.first_day : new Date(r.first_day.getTime() - r.first_day.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
      const expected = Math.round((Date.parse(`${END_DAY}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000);
      expect(Number(r.days), `site ${r.id}`).to.equal(expected);
      expect(Number(r.min_total), `site ${r.id}`).to.equal(86_400);
      expect(Number(r.max_total), `site ${r.id}`).to.equal(86_400);
    }
  });

  it('has outages, maintenance and a fleet that grows over the days', async () => {
    const [t] = (await a.db.raw(
      `select sum(down_seconds) as down, sum(maintenance_seconds) as maint, sum(degraded_seconds) as degraded,
              count(*) filter (where day = date '${FIRST_DAY}') as first_sites, count(*) filter (where day = date '2026-10-31') as last_sites
       from rollups_daily`,
    )).rows;
    expect(Number(t.down)).to.be.greaterThan(0);
    expect(Number(t.maint)).to.be.greaterThan(0);
    expect(Number(t.last_sites)).to.be.greaterThan(Number(t.first_sites));
    expect(await a.db('maintenance_windows').count('* as n').first()).to.have.property('n').that.satisfies((n: unknown) => Number(n) > 0);
  });

  it('counts in each day of the raw window exactly the sessions stored for it', async () => {
    const rows = (await a.db.raw(
      `with x as (select site_id, cast(started_at at time zone '${TZ}' as date) as d, count(*) as n, sum(session_time) as t,
                         sum(input_octets) as i, sum(output_octets) as o, count(distinct mac) as u
                  from sessions group by 1, 2)
       select r.day, r.sessions, r.session_time, r.input_octets, r.output_octets, r.users, x.n, x.t, x.i, x.o, x.u
       from rollups_daily r left join x on x.site_id = r.site_id and x.d = r.day
       where r.day >= date '${WINDOW_FIRST_DAY}'`,
    )).rows as Array<Record<string, number | null>>;
    expect(rows.length).to.be.greaterThan(100);
    let total = 0;
    for (const r of rows) {
      expect(Number(r.sessions)).to.equal(Number(r.n ?? 0));
      expect(Number(r.session_time)).to.equal(Number(r.t ?? 0));
      expect(Number(r.input_octets)).to.equal(Number(r.i ?? 0));
      expect(Number(r.output_octets)).to.equal(Number(r.o ?? 0));
      expect(Number(r.users)).to.equal(Number(r.u ?? 0));
      total += Number(r.sessions);
    }
    // 20 to 60 a day at a mature site, fewer at new ones
    expect(total / rows.length).to.be.within(5, 80);
    const [{ before }] = (await a.db.raw(`select count(*) as before from sessions where started_at < ?`, [localStart(WINDOW_FIRST_DAY)])).rows;
    expect(Number(before)).to.equal(0);
  });

  it('has hourly rows in the window whose hours add up to the day, busiest in the evening', async () => {
    const mismatched = (await a.db.raw(
      `select r.site_id, r.day from rollups_daily r
       join (select site_id, cast(hour at time zone '${TZ}' as date) as d, sum(up_seconds + down_seconds + degraded_seconds + maintenance_seconds + unknown_seconds) as secs,
                    sum(sessions) as sessions, count(*) as hours
             from rollups_hourly group by 1, 2) h on h.site_id = r.site_id and h.d = r.day
       where r.day >= date '${WINDOW_FIRST_DAY}' and (h.secs <> 86400 or h.hours <> 24 or h.sessions <> r.sessions)`,
    )).rows;
    expect(mismatched).to.deep.equal([]);
    const byHour = (await a.db.raw(
      `select cast(extract(hour from hour at time zone '${TZ}') as integer) as h, sum(sessions) as n from rollups_hourly group by 1`,
    )).rows as Array<{ h: number; n: number }>;
    const count = (h: number) => Number(byHour.find((r) => r.h === h)?.n ?? 0);
    expect(count(20)).to.be.greaterThan(count(3) * 4);
  });

  it('gives the days before the raw window the state seconds the real hourly rollup finds in the state changes and windows', async () => {
    const from = localStart(FIRST_DAY);
    const to = localStart(WINDOW_FIRST_DAY);
    await a.db
      .transaction(async (tx) => {
        await rollUpHours(tx, { from, to }, { timezone: TZ, horizons: { states: FAR_PAST, samples: FAR_PAST, sessions: FAR_PAST, hourly: FAR_PAST } });
        const rows = (await tx.raw(
          `select r.site_id, r.day, r.up_seconds, h.up, r.down_seconds, h.down, r.degraded_seconds, h.degr, r.maintenance_seconds, h.maint
           from rollups_daily r
           left join (select site_id, cast(hour at time zone '${TZ}' as date) as d, sum(up_seconds) as up, sum(down_seconds) as down,
                             sum(degraded_seconds) as degr, sum(maintenance_seconds) as maint
                      from rollups_hourly where hour >= ? and hour < ? group by 1, 2) h on h.site_id = r.site_id and h.d = r.day
           where r.day < ?`,
          [from, to, WINDOW_FIRST_DAY],
        )).rows as Array<Record<string, number>>;
        expect(rows.length).to.be.greaterThan(300);
        const differing = rows.filter((r) => Number(r.up_seconds) !== Number(r.up) || Number(r.down_seconds) !== Number(r.down)
          || Number(r.degraded_seconds) !== Number(r.degr) || Number(r.maintenance_seconds) !== Number(r.maint));
        expect(differing).to.deep.equal([]);
        expect(rows.filter((r) => Number(r.down_seconds) > 0).length).to.be.greaterThan(0);
        expect(rows.filter((r) => Number(r.maintenance_seconds) > 0).length).to.be.greaterThan(0);
        throw new Error('rollback');
      })
      .catch((error: Error) => {
        if (error.message !== 'rollback') throw error;
      });
  });

  it('keeps uptime from the state changes equal to uptime from the daily rollups over the whole range', async () => {
    const from = localStart(FIRST_DAY).getTime();
    const end = localStart(END_DAY).getTime();
    const changes = (await a.db('site_state_changes').orderBy(['site_id', 'at', 'id']).select('site_id', 'at', 'to_state')) as Array<{ site_id: number; at: Date; to_state: string }>;
    const down = new Map<number, number>();
    const bySite = new Map<number, typeof changes>();
    for (const c of changes) bySite.set(c.site_id, [...(bySite.get(c.site_id) ?? []), c]);
    for (const [site, list] of bySite) {
      let secs = 0;
      list.forEach((c, i) => {
        if (c.to_state !== 'down') return;
        const until = i + 1 < list.length ? list[i + 1].at.getTime() : end;
        secs += Math.max(0, Math.min(until, end) - Math.max(c.at.getTime(), from)) / 1000;
      });
      down.set(site, secs);
    }
    const rows = (await a.db('rollups_daily').groupBy('site_id').select('site_id').sum('down_seconds as down')) as Array<{ site_id: number; down: number }>;
    expect(rows.some((r) => Number(r.down) > 0)).to.equal(true);
    for (const r of rows) expect(Number(r.down), `site ${r.site_id}`).to.equal(down.get(r.site_id) ?? 0);
  });

  it('stores samples for the last two days, problem reports and ratings, and the rollups\' progress', async () => {
    const [{ first, last }] = (await a.db.raw('select min(at) as first, max(at) as last from samples')).rows;
    expect(new Date(first).getTime()).to.equal(localStart(END_DAY).getTime() - 2 * 86_400_000);
    expect(new Date(last).getTime()).to.be.below(localStart(END_DAY).getTime());
    expect(Number((await a.db('problem_reports').count('* as n').first())!.n)).to.be.greaterThan(0);
    const ratings = (await a.db('feedback').select('rating')) as Array<{ rating: number }>;
    expect(ratings.length).to.be.greaterThan(20);
    expect(new Set(ratings.map((r) => r.rating)).size).to.be.greaterThan(2);
    const progress = await a.db('housekeeping_progress').where({ job: 'rollups' }).first('done_until');
    expect(new Date(progress.done_until).getTime()).to.equal(localStart(END_DAY).getTime());
  });

  it('refuses to write over the history, and --replace writes the same history again', async () => {
    const before = await digestOf(a.db);
    const refused = await runCli(ARGS, { DATABASE_URL: a.url });
    expectRefused(refused, /history already exists .*--replace/);
    const again = await runCli([...ARGS, '--replace'], { DATABASE_URL: a.url });
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.match(/sites=20 created=0 /);
    expect(await digestOf(a.db)).to.equal(before);
  });

  it('writes the same history in another database with the same seed, and another with another seed', async () => {
    const b = await freshDatabase();
    try {
      const same = await runCli(ARGS, { DATABASE_URL: b.url });
      expect(same.code, same.stderr).to.equal(0);
      expect(await digestOf(b.db)).to.equal(await digestOf(a.db));
      const other = await runCli([...ARGS.slice(0, -4), '--seed', '6', '--end', END_DAY, '--replace'], { DATABASE_URL: b.url });
      expect(other.code, other.stderr).to.equal(0);
      expect(await digestOf(b.db)).to.not.equal(await digestOf(a.db));
    } finally {
      await b.drop();
    }
  });

  it('runs on the embedded database (PGlite) that the demo uses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citywifi-history-'));
    try {
      const env = { DATABASE_URL: undefined, CITYWIFI_DATA_DIR: dir };
      const migrated = await runCli(['migrate'], env);
      expect(migrated.code, migrated.stderr).to.equal(0);
      const result = await runCli(['sim', 'history', '--sites', '5', '--days', '10', '--session-days', '3', '--seed', '5', '--end', END_DAY], env);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.match(/^history generated: sites=5 created=5 days=2026-10-22\.\.2026-10-31 raw-from=2026-10-29 /);
      expect(result.stdout).to.match(/ sessions=[1-9]\d* /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
