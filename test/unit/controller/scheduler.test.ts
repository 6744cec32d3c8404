import { expect } from 'chai';
import { PollSchedule, runPool } from '../../../controller/scheduler.js';
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
