import { expect } from 'chai';
import { describeToday, openingState, validateOpeningHours, type OpeningHours } from '../../../../core/domain/opening-hours.js';

const TZ = 'Asia/Jakarta';
const at = (local: string) => new Date(`${local}+07:00`);

describe('opening hours', () => {
  const weekdays: OpeningHours = { mon: [['06:00', '22:00']], tue: [['06:00', '22:00']], sat: [['08:00', '12:00'], ['12:00', '17:00']] };

  it('are always open when none are set', () => {
    expect(openingState(null, at('2026-11-23T03:00:00'), TZ)).to.deep.equal({ open: true });
  });

  it('are open inside a range and say how long is left', () => {
    expect(openingState(weekdays, at('2026-11-23T21:30:00'), TZ)).to.deep.equal({ open: true, secondsUntilClose: 1800 });
    expect(openingState(weekdays, at('2026-11-23T22:00:00'), TZ).open).to.equal(false);
    expect(openingState(weekdays, at('2026-11-23T05:59:59'), TZ).open).to.equal(false);
  });

  it('are closed on a day with no hours (Sunday)', () => {
    expect(openingState(weekdays, at('2026-11-22T10:00:00'), TZ).open).to.equal(false);
  });

  it('join back-to-back ranges when counting to closing time', () => {
    expect(openingState(weekdays, at('2026-11-28T11:00:00'), TZ)).to.deep.equal({ open: true, secondsUntilClose: 6 * 3600 });
  });

  it('run past midnight when the close is before the open', () => {
    const night: OpeningHours = { fri: [['20:00', '02:00']] };
    expect(openingState(night, at('2026-11-28T01:00:00'), TZ)).to.deep.equal({ open: true, secondsUntilClose: 3600 });
    expect(openingState(night, at('2026-11-28T03:00:00'), TZ).open).to.equal(false);
  });

  it('describe today for a citizen', () => {
    expect(describeToday(weekdays, at('2026-11-28T18:00:00'), TZ)).to.equal('08:00–12:00, 12:00–17:00');
    expect(describeToday(weekdays, at('2026-11-22T18:00:00'), TZ)).to.equal('tutup');
  });

  it('refuse malformed hours with a reason', () => {
    expect(validateOpeningHours({ mon: [['6:00', '22:00']] })).to.match(/mon/);
    expect(validateOpeningHours({ funday: [] })).to.match(/unknown weekday/);
    expect(validateOpeningHours(weekdays)).to.equal(undefined);
  });
});
