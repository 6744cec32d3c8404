import { expect } from 'chai';
import { AppError } from '../../../../core/errors.js';
import { combineGigawords, splitGigawords } from '../../../../core/radius/index.js';

describe('gigawords', () => {
  it('adds gigawords × 2^32 to the octets, treating missing parts as 0', () => {
    expect(combineGigawords(5, 2)).to.equal(2 * 4294967296 + 5);
    expect(combineGigawords(4294967295, undefined)).to.equal(4294967295);
    expect(combineGigawords(undefined, 1)).to.equal(4294967296);
    expect(combineGigawords(undefined, undefined)).to.equal(0);
  });

  it('splits a byte limit into low 32 bits and gigawords, and back', () => {
    expect(splitGigawords(10 * 1024 ** 3)).to.deep.equal({ low: 2147483648, gigawords: 2 });
    expect(splitGigawords(4294967295)).to.deep.equal({ low: 4294967295, gigawords: 0 });
    const bytes = 123 * 2 ** 32 + 456;
    const { low, gigawords } = splitGigawords(bytes);
    expect(combineGigawords(low, gigawords)).to.equal(bytes);
  });

  it('refuses negative, fractional and unsafe byte counts', () => {
    for (const bad of [-1, 1.5, 2 ** 53, Number.NaN]) expect(() => splitGigawords(bad), String(bad)).to.throw(AppError);
  });
});
