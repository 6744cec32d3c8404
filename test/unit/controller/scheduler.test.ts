import { expect } from 'chai';
import { PollSchedule, runPool, slowFirst, type PollHistory } from '../../../controller/scheduler.js';
import { addSeconds } from '../../../controller/state-leases.js';

describe('poll schedule', () => {
  const start = new Date('2026-11-23T08:00:00.000+07:00');

  it('makes every site due once per interval, at start times spread across it', () => {
    const schedule = new PollSchedule(60);
    for (let id = 1; id <= 600; id++) schedule.add(id, null, start);
    const polls = new Map<number, number>();
    const perTenSeconds = new Array(6).fill(0);
    for (let s = 0; s <= 180; s += 5) {
      const now = addSeconds(start, s);
      for (const id of schedule.due(now)) {
        polls.set(id, (polls.get(id) ?? 0) + 1);
        // ticks 5 and 10 catch the slots in (0, 10], and so on
        if (s >= 5 && s <= 60) perTenSeconds[Math.floor((s - 5) / 10)]++;
        schedule.polled(id, now);
      }
    }
    for (let id = 1; id <= 600; id++) expect(polls.get(id), `site ${id}`).to.equal(3);
    for (const n of perTenSeconds) expect(n).to.be.within(80, 120);
  });

  it('does not poll a late site twice to catch up', () => {
    const schedule = new PollSchedule(60);
    schedule.add(5, null, start);
    const late = addSeconds(start, 300);
    expect(schedule.due(late)).to.deep.equal([5]);
    schedule.polled(5, late);
    expect(schedule.due(late)).to.deep.equal([]);
    expect(schedule.nextDueAt()!.getTime() - late.getTime()).to.be.within(1, 60_000);
  });
});

describe('slowFirst', () => {
  const at = new Date('2026-11-23T08:00:00.000+07:00');
  const site = (siteId: number, over: Partial<PollHistory> = {}): PollHistory => ({
    siteId, monitoring: 'api', lastPollAt: at, lastError: null, rttMs: 3, memory: { consecutiveFailures: 0 }, ...over,
  });

  it('starts the polls that timed out first, then those never polled, then the slowest answers, heartbeat sites last', () => {
    const sites = [
      site(1),
      site(2, { monitoring: 'heartbeat', lastPollAt: null }),
      site(3, { rttMs: 4000 }),
      site(4, { lastError: 'refused: connect ECONNREFUSED', rttMs: null, memory: { consecutiveFailures: 5 } }),
      site(5, { lastPollAt: null, rttMs: null }),
      site(6, { lastError: 'timeout: poll ran out of time after 10000 ms (connect 5000 + command 5000 ms): …', rttMs: null, memory: { consecutiveFailures: 1 } }),
      site(7, { lastError: 'connect-timeout: no connection in 5000 ms', rttMs: null, memory: { consecutiveFailures: 4 } }),
      site(8, { rttMs: 900 }),
      site(9),
    ];
    expect(slowFirst(sites).map((s) => s.siteId)).to.deep.equal([7, 6, 5, 3, 8, 1, 9, 4, 2]);
  });

  it('keeps the order of sites it cannot tell apart', () => {
    const sites = [5, 3, 9, 1].map((id) => site(id, { lastPollAt: null }));
    expect(slowFirst(sites).map((s) => s.siteId)).to.deep.equal([5, 3, 9, 1]);
  });
});

describe('runPool', () => {
  it('never runs more than the cap at once, and runs everything', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await runPool(Array.from({ length: 50 }, (_, i) => i), 7, async (i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      done.push(i);
    });
    expect(most).to.equal(7);
    expect(done.sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
  });
});
