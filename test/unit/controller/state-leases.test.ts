import { expect } from 'chai';
import {
  addSeconds,
  fairShare,
  firstPollAt,
  leaseTiming,
  leastGapAfterTakeoverSeconds,
  nextSlot,
  phaseOf,
  slotOf,
  worstTakeoverSeconds,
} from '../../../controller/state-leases.js';

describe('lease arithmetic', () => {
  for (const interval of [10, 60, 300]) {
    it(`hands a dead controller's sites over within two intervals, and never early (interval ${interval} s)`, () => {
      const t = leaseTiming(interval);
      expect(worstTakeoverSeconds(t)).to.be.at.most(2 * interval);
      expect(leastGapAfterTakeoverSeconds(t)).to.be.greaterThan(interval);
      expect(t.liveForSeconds).to.be.greaterThan(t.renewEverySeconds);
    });
  }

  it('splits the fleet evenly, rounding up so no site is left over', () => {
    expect(fairShare(5000, 1)).to.equal(5000);
    expect(fairShare(5000, 3)).to.equal(1667);
    expect(fairShare(10, 4) * 4).to.be.at.least(10);
    expect(fairShare(7, 0)).to.equal(7);
  });

  it('spreads slot phases across the interval', () => {
    const buckets = new Array(10).fill(0);
    for (let id = 1; id <= 1000; id++) buckets[Math.floor(phaseOf(id) * 10)]++;
    for (const count of buckets) expect(count).to.be.within(90, 110);
  });

  it('puts a site\'s slots exactly one interval apart', () => {
    const now = new Date('2026-11-23T08:00:00.000+07:00');
    const first = nextSlot(42, now, 60);
    expect(first.getTime()).to.be.at.least(now.getTime());
    expect(first.getTime() - now.getTime()).to.be.below(60_000);
    expect(nextSlot(42, addSeconds(first, 0.001), 60).getTime() - first.getTime()).to.equal(60_000);
    expect(nextSlot(42, first, 60).getTime()).to.equal(first.getTime());
  });

  it('first polls a taken-over site at a slot after the one its last poll served', () => {
    const now = new Date('2026-11-23T08:00:00.000+07:00');
    const slot = nextSlot(7, addSeconds(now, -50), 60);
    const lastPoll = addSeconds(slot, 4); // polled 4 s late in its slot
    const at = firstPollAt(7, lastPoll, now, 60);
    expect(slotOf(7, lastPoll, 60).getTime()).to.equal(slot.getTime());
    expect(at.getTime()).to.equal(slot.getTime() + 60_000);
    expect(at.getTime()).to.be.at.least(now.getTime());
    const long = firstPollAt(7, addSeconds(now, -3600), now, 60);
    expect(long.getTime() - now.getTime()).to.be.within(0, 59_999);
    const never = firstPollAt(7, null, now, 60);
    expect(never.getTime() - now.getTime()).to.be.within(0, 59_999);
  });
});
