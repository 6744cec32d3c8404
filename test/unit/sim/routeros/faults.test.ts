import { expect } from 'chai';
import { assignFaults, describeFaults, parseFaultShares } from '../../../../sim/routeros/faults.js';

describe('sim/routeros fault shares', () => {
  it('reads percents (bare or with %) and exact counts (#N)', () => {
    expect(parseFaultShares('dead=5,silent=3%,slow=#2,no-wireless=0.5')).to.deep.equal({
      ok: true,
      value: { dead: { percent: 5 }, silent: { percent: 3 }, slow: { count: 2 }, 'no-wireless': { percent: 0.5 } },
    });
    expect(parseFaultShares('')).to.deep.equal({ ok: true, value: {} });
  });

  it('refuses unknown kinds, bad numbers and percents above 100', () => {
    for (const text of ['broken=1', 'dead', 'dead=x', 'dead=#1.5', 'dead=#2%', 'dead=101']) {
      const parsed = parseFaultShares(text);
      expect(parsed.ok, text).to.equal(false);
    }
    const unknown = parseFaultShares('broken=1');
    expect(!unknown.ok && unknown.reason).to.match(/unknown fault "broken".*dead, silent/);
  });

  it('gives each share its routers, one fault at most per router, the same for the same seed', () => {
    const shares = { dead: { percent: 5 }, silent: { percent: 3 }, slow: { count: 7 } };
    const faults = assignFaults(1000, shares, 42);
    expect(faults.filter((f) => f === 'dead')).to.have.length(50);
    expect(faults.filter((f) => f === 'silent')).to.have.length(30);
    expect(faults.filter((f) => f === 'slow')).to.have.length(7);
    expect(faults.filter((f) => f === null)).to.have.length(913);
    expect(assignFaults(1000, shares, 42)).to.deep.equal(faults);
    expect(assignFaults(1000, shares, 43)).not.to.deep.equal(faults);
    expect(describeFaults(faults)).to.equal('dead=50 silent=30 slow=7');
  });

  it('refuses shares that name more routers than the fleet has', () => {
    expect(() => assignFaults(3, { dead: { count: 2 }, silent: { count: 2 } }, 1)).to.throw(RangeError, /4 routers but the fleet has 3/);
  });
});
