import { expect } from 'chai';
import { formatClock, formatDuration, formatIsoDateTime, formatOldDateTime, localHour } from '../../../../sim/routeros/formats.js';

describe('sim/routeros durations and dates (PROTOCOLS.md §B.8–B.9)', () => {
  it('writes durations largest unit first, zero parts left out', () => {
    expect(formatDuration(42 * 60 + 53)).to.equal('42m53s');
    expect(formatDuration(3 * 86400 + 3 * 3600 + 42 * 60 + 53)).to.equal('3d3h42m53s');
    expect(formatDuration(15 * 7 * 86400 + 3 * 86400 + 3 * 3600 + 42 * 60 + 53)).to.equal('15w3d3h42m53s');
    expect(formatDuration(7 * 7 * 86400 + 6 * 86400 + 9 * 3600 + 34 * 60)).to.equal('7w6d9h34m');
    expect(formatDuration(7 * 86400 + 4 * 86400 + 23 * 3600 + 26 * 60 + 9)).to.equal('1w4d23h26m9s');
    expect(formatDuration(0)).to.equal('0s');
  });

  it('writes sub-second parts as ms, and us when asked', () => {
    expect(formatDuration(0.5)).to.equal('500ms');
    expect(formatDuration(1.25)).to.equal('1s250ms');
    expect(formatDuration(0.001234, { micro: true })).to.equal('1ms234us');
    expect(formatDuration(0.001234)).to.equal('1ms');
  });

  // 2024-11-26 12:09:40 in Jakarta is 05:09:40 UTC; the router's clock ignores the host's TZ.
  const instant = new Date('2024-11-26T05:09:40Z');

  it('writes the v7 date style in the router\'s time zone', () => {
    expect(formatIsoDateTime(instant)).to.equal('2024-11-26 12:09:40');
  });

  it('writes the old style with a capital (build-time) or lowercase month (last-link-up-time)', () => {
    expect(formatOldDateTime(new Date('2022-07-19T04:25:54Z'))).to.equal('Jul/19/2022 11:25:54');
    expect(formatOldDateTime(new Date('1970-01-01T17:00:00Z'), { lowercase: true })).to.equal('jan/02/1970 00:00:00');
  });

  it('writes /system/clock dates both ways', () => {
    expect(formatClock(instant, false)).to.deep.equal({ date: 'nov/26/2024', time: '12:09:40' });
    expect(formatClock(instant, true)).to.deep.equal({ date: '2024-11-26', time: '12:09:40' });
  });

  it('knows the hour in Jakarta', () => {
    expect(localHour(new Date('2026-02-25T12:30:00Z'))).to.equal(19.5);
    expect(localHour(new Date('2026-02-25T20:00:00Z'))).to.equal(3);
  });
});
