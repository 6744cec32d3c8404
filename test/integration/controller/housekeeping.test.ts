import { expect } from 'chai';
import { withTransaction, type Db } from '../../../core/db/index.js';
import { tryHousekeepingLock } from '../../../core/db/queries/housekeeping-progress.js';
import { fixedClock } from '../../../core/domain/clock.js';
import { createLogger } from '../../../core/logger.js';
import { createHousekeeping } from '../../../controller/housekeeping.js';
import { resetTables, testDb } from '../../helpers/test-db.js';

const logger = createLogger('housekeeping-test', { level: 'silent' });
const HOUR = 3_600_000;
/** 00:00 WIB on 20 November 2026 */
const DAY_START = Date.parse('2026-11-19T17:00:00Z');

async function progress(db: Db, job: string): Promise<Date | undefined> {
  return (await db('housekeeping_progress').where({ job }).first())?.done_until;
}

describe('housekeeping', () => {
  let site: number;
  beforeEach(async () => {
    const db = testDb();
    await resetTables();
    await db('housekeeping_progress').del();
    [{ id: site }] = await db('sites').insert({ code: 'HK', name: 'HK', router_host: '10.0.0.1' }).returning('id');
    await db('site_state_changes').insert({ site_id: site, at: new Date(DAY_START + 2 * HOUR), from_state: 'unknown', to_state: 'up' });
    await db('site_status').insert({ site_id: site, state: 'up', since: new Date(DAY_START + 2 * HOUR) });
  });

  it('rolls up the completed hours since the data began, then only the new ones (and the two before), and the day', async () => {
    const db = testDb();
    const clock = fixedClock(new Date(DAY_START + 5 * HOUR + 7 * 60_000)); // 05:07 WIB
    const housekeeping = createHousekeeping({ db, clock, logger, timezone: 'Asia/Jakarta' });
    const first = await housekeeping.rollUpDue();
    expect(first.hours).to.equal(5); // 02:00–05:00, and the two hours before the first change
    expect((await progress(db, 'rollups'))?.getTime()).to.equal(DAY_START + 5 * HOUR);
    expect(await db('rollups_hourly').where({ site_id: site }).sum('up_seconds as s').first()).to.deep.equal({ s: 3 * 3600 });
    expect(first.days).to.deep.equal(['2026-11-20']);
    const day = await db('rollups_daily').where({ site_id: site }).first();
    expect(day.up_seconds).to.equal(3 * 3600);

    // nothing new within the same hour
    expect((await housekeeping.rollUpDue()).hours).to.equal(0);

    // the controller was down 30 hours: it catches up across midnight, the day closed and the next begun
    clock.set(new Date(DAY_START + 35 * HOUR + 60_000));
    const caughtUp = await housekeeping.rollUpDue();
    expect(caughtUp.hours).to.equal(30 + 2);
    expect(caughtUp.days).to.deep.equal(['2026-11-20', '2026-11-21']);
    const days = await db('rollups_daily').where({ site_id: site }).orderBy('day').select('up_seconds', 'unknown_seconds');
    expect(days).to.deep.equal([
      { up_seconds: 22 * 3600, unknown_seconds: 0 },
      { up_seconds: 11 * 3600, unknown_seconds: 0 },
    ]);

    // 02:05 on the 22nd, the last run having rolled to 01:00: the two hours rolled again span midnight
    clock.set(new Date(DAY_START + 49 * HOUR + 5 * 60_000));
    await housekeeping.rollUpDue();
    clock.set(new Date(DAY_START + 50 * HOUR + 5 * 60_000));
    const acrossMidnight = await housekeeping.rollUpDue();
    expect(acrossMidnight.hours).to.equal(3);
    expect(acrossMidnight.days).to.deep.equal(['2026-11-21', '2026-11-22']);
  });

  it('leaves the work to the controller that holds the lock', async () => {
    const db = testDb();
    const clock = fixedClock(new Date(DAY_START + 5 * HOUR + 60_000));
    const housekeeping = createHousekeeping({ db, clock, logger, timezone: 'Asia/Jakarta' });
    let report: Awaited<ReturnType<typeof housekeeping.runOnce>> | undefined;
    await withTransaction(db, async (tx) => {
      expect(await tryHousekeepingLock(tx)).to.equal(true);
      report = await housekeeping.runOnce();
    });
    expect(report?.rollups.ran).to.equal(false);
    expect(report?.purge).to.equal(null);
    expect(await db('rollups_hourly').count('* as n').first()).to.deep.equal({ n: 0 });
    // once the lock is free, it does it
    const after = await housekeeping.runOnce();
    expect(after.rollups.hours).to.be.greaterThan(0);
    expect(after.purge).to.not.equal(null);
  });

  it('purges once per local day', async () => {
    const db = testDb();
    const clock = fixedClock(new Date(DAY_START + 23 * HOUR)); // 23:00 WIB
    const housekeeping = createHousekeeping({ db, clock, logger, timezone: 'Asia/Jakarta' });
    await db('post_auth_log').insert({ at: new Date(DAY_START - 100 * 24 * HOUR), username: 'old', result: 'reject' });
    const first = await housekeeping.purgeIfDue();
    expect(first?.find((c) => c.dataClass === 'post_auth_log')?.rows).to.equal(1);
    clock.advance(30 * 60); // 23:30, the same day
    expect(await housekeeping.purgeIfDue()).to.equal(null);
    clock.advance(60 * 60); // 00:30, the next day
    expect(await housekeeping.purgeIfDue()).to.not.equal(null);
  });
});
