import { expect } from 'chai';
import { countStep, countStepRange, fillOf, NO_FIGURE_FILL, SHADE_FILLS, targetStep, uptimeShare, uptimeStep } from '../../../../core/domain/map-shading.js';

describe('map shading', () => {
  it('steps coverage by quarters of the target, and has no step without a target', () => {
    expect([0, 1, 2, 3, 4, 5].map((active) => targetStep(active, 4))).to.deep.equal([0, 1, 2, 3, 4, 4]);
    expect(targetStep(3, null)).to.equal(null);
    expect(targetStep(3, 0)).to.equal(null);
    // no figure is a hatch, never white (white vanished into the page) and never a step of the scale
    expect(fillOf(null)).to.equal(NO_FIGURE_FILL);
    expect(fillOf(null)).not.to.equal('#ffffff');
    expect(SHADE_FILLS).not.to.include(fillOf(null));
    expect(fillOf(4)).to.equal(SHADE_FILLS[4]);
  });

  it('steps counts by quarters of the largest, the largest always darkest, and says which counts each step holds', () => {
    expect([0, 1, 25, 26, 50, 75, 76, 100].map((n) => countStep(n, 100))).to.deep.equal([0, 1, 1, 2, 2, 3, 4, 4]);
    expect([0, 1, 2, 3].map((n) => countStep(n, 3))).to.deep.equal([0, 2, 3, 4]);
    expect(([1, 2, 3, 4] as const).map((s) => countStepRange(s, 3))).to.deep.equal([null, [1, 1], [2, 2], [3, 3]]);
    expect(([1, 2, 3, 4] as const).map((s) => countStepRange(s, 100))).to.deep.equal([[1, 25], [26, 50], [51, 75], [76, 100]]);
  });

  it('counts degraded time as up and leaves maintenance out of uptime', () => {
    expect(uptimeShare({ up: 80, degraded: 10, down: 10 })).to.equal(0.9);
    expect(uptimeShare({ up: 0, degraded: 0, down: 0 })).to.equal(null);
    expect([0.5, 0.9, 0.95, 0.98, 0.995, 1].map(uptimeStep)).to.deep.equal([0, 1, 2, 3, 4, 4]);
  });
});
