import { expect } from 'chai';
import { findRateLimitProblem, isValidRateLimit } from '../../../../core/domain/rate-limit.js';

describe('rate-limit strings', () => {
  it('accept the forms in the MikroTik manual', () => {
    for (const good of ['128k', '64k/128M', '64k 256k', '64k/64k 256k/256k 128k/128k 10/10', '2M/5M', '1G', '0/0']) {
      expect(isValidRateLimit(good), good).to.equal(true);
    }
  });

  it('accept all six parts, priority and minimum rate included', () => {
    expect(isValidRateLimit('2M/5M 4M/8M 1M/2M 10/10 8 512k/1M')).to.equal(true);
    expect(isValidRateLimit('2M/5M 4M/8M 1M/2M 10s/10s 1')).to.equal(true);
  });

  it('refuse malformed rates, naming the part that is wrong', () => {
    expect(findRateLimitProblem('5x')).to.match(/rate "5x"/);
    expect(findRateLimitProblem('2m/5m')).to.match(/rate "2m\/5m"/);
    expect(findRateLimitProblem('2M/5M/7M')).to.match(/rate/);
    expect(findRateLimitProblem('1.5M')).to.match(/rate/);
    expect(findRateLimitProblem('2M 4M 1M 10/10 9')).to.match(/priority "9"/);
    expect(findRateLimitProblem('2M 4M 1M 4M')).to.match(/burst time "4M"/);
    expect(findRateLimitProblem('')).to.match(/empty/);
    expect(findRateLimitProblem('1M 1M 1M 1 1 1M 1M')).to.match(/7 parts/);
  });

  it('refuse a minimum rate above the rate, except under an unlimited rate', () => {
    expect(findRateLimitProblem('1M/1M 2M 3M 4 5 2M')).to.match(/minimum rate "2M" is above/);
    expect(findRateLimitProblem('1M/4M 2M 3M 4 5 512k/2M')).to.equal(undefined);
    expect(findRateLimitProblem('0/0 0 0 1 8 5M')).to.equal(undefined);
  });

  it('refuse what does not fit in one RADIUS attribute', () => {
    expect(isValidRateLimit('1'.repeat(254))).to.equal(false);
  });
});
