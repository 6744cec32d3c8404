import { expect } from 'chai';
import { localDate, secondsUntilNextLocalDay, startOfLocalDay, toLocalTime } from '../../../../core/domain/local-time.js';
import { normalizeMac, maskMac } from '../../../../core/domain/mac.js';

describe('local time in Asia/Jakarta', () => {
  it('starts the day at midnight WIB (17:00 UTC the day before)', () => {
    const day = startOfLocalDay(new Date('2026-11-23T16:59:59Z'), 'Asia/Jakarta');
    expect(day.toISOString()).to.equal('2026-11-22T17:00:00.000Z');
    const next = startOfLocalDay(new Date('2026-11-23T17:00:00Z'), 'Asia/Jakarta');
    expect(next.toISOString()).to.equal('2026-11-23T17:00:00.000Z');
  });

  it('counts the seconds left today', () => {
    expect(secondsUntilNextLocalDay(new Date('2026-11-23T23:00:00+07:00'), 'Asia/Jakarta')).to.equal(3600);
  });

  it('gives the local date and weekday, whatever the host time zone', () => {
    const instant = new Date('2026-11-22T18:30:00Z');
    expect(localDate(instant, 'Asia/Jakarta')).to.equal('2026-11-23');
    expect(localDate(instant, 'UTC')).to.equal('2026-11-22');
    expect(toLocalTime(instant, 'Asia/Jakarta')).to.include({ hour: 1, minute: 30, weekday: 1 });
  });

  it('works for a zone with daylight saving too', () => {
    const day = startOfLocalDay(new Date('2026-03-29T12:00:00Z'), 'Europe/Amsterdam');
    expect(day.toISOString()).to.equal('2026-03-28T23:00:00.000Z');
  });
});

describe('MAC addresses', () => {
  it('normalise every common spelling to RouterOS form', () => {
    for (const spelling of ['aa:bb:cc:dd:ee:0f', 'AA-BB-CC-DD-EE-0F', 'aabb.ccdd.ee0f', 'AABBCCDDEE0F']) {
      expect(normalizeMac(spelling)).to.equal('AA:BB:CC:DD:EE:0F');
    }
    expect(normalizeMac('---')).to.equal(undefined);
    expect(normalizeMac('AA:BB:CC:DD:EE')).to.equal(undefined);
  });

  it('are masked for reporting roles', () => {
    expect(maskMac('aa:bb:cc:dd:ee:0f')).to.equal('AA:BB:CC:XX:XX:XX');
  });
});

describe('dayStartCache', () => {
  it('gives the same day start as startOfLocalDay across a midnight', async () => {
    const { dayStartCache } = await import('../../../../core/domain/local-time.js');
    const cached = dayStartCache('Asia/Jakarta');
    for (const iso of ['2026-11-23T23:59:59+07:00', '2026-11-24T00:00:00+07:00', '2026-11-23T10:00:00+07:00', '2026-11-24T12:00:00+07:00']) {
      expect(cached(new Date(iso)).toISOString()).to.equal(startOfLocalDay(new Date(iso), 'Asia/Jakarta').toISOString());
    }
  });
});
