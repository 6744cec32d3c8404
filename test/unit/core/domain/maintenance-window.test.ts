import { expect } from 'chai';
import { checkMaintenanceWindow, parseLocalDateTime, toLocalInputValue } from '../../../../core/domain/maintenance-window.js';

const TZ = 'Asia/Jakarta';
const NOW = new Date('2026-11-25T09:00:00+07:00');

describe('core/domain/maintenance-window', () => {
  it('reads a datetime-local value as the city\'s wall-clock time', () => {
    expect(parseLocalDateTime('2026-11-26T22:00', TZ)?.toISOString()).to.equal('2026-11-26T15:00:00.000Z');
    expect(parseLocalDateTime('2026-11-26T22:00', 'Asia/Makassar')?.toISOString()).to.equal('2026-11-26T14:00:00.000Z');
    expect(toLocalInputValue(new Date('2026-11-26T15:00:00Z'), TZ)).to.equal('2026-11-26T22:00');
  });

  it('refuses what is not a time, and times that do not exist', () => {
    for (const text of ['', 'besok', '26/11/2026 22:00', '2026-02-30T10:00', '2026-11-26T24:00', '2026-13-01T00:00']) {
      expect(parseLocalDateTime(text, TZ), text).to.equal(null);
    }
  });

  it('accepts a window that ends in the future, at most 31 days long, with a reason', () => {
    const ok = checkMaintenanceWindow({ starts: '2026-11-25T08:00', ends: '2026-11-25T10:00', reason: '  Ganti   kabel ' }, NOW, TZ);
    expect(ok).to.deep.equal({ ok: true, startsAt: new Date('2026-11-25T01:00:00Z'), endsAt: new Date('2026-11-25T03:00:00Z'), reason: 'Ganti kabel' });
  });

  it('names what is wrong', () => {
    const check = (starts: string, ends: string, reason = 'Ganti kabel') => {
      const outcome = checkMaintenanceWindow({ starts, ends, reason }, NOW, TZ);
      return outcome.ok ? 'ok' : outcome.problem;
    };
    expect(check('x', '2026-11-26T10:00')).to.equal('badStart');
    expect(check('2026-11-26T10:00', 'x')).to.equal('badEnd');
    expect(check('2026-11-26T10:00', '2026-11-26T10:00')).to.equal('endBeforeStart');
    expect(check('2026-11-26T10:00', '2026-12-28T10:00')).to.equal('tooLong');
    expect(check('2026-11-24T10:00', '2026-11-25T09:00')).to.equal('alreadyOver');
    expect(check('2026-11-26T10:00', '2026-11-26T12:00', 'ab')).to.equal('badReason');
    expect(checkMaintenanceWindow({ starts: 1, ends: null, reason: undefined }, NOW, TZ)).to.deep.equal({ ok: false, problem: 'badStart' });
  });
});
