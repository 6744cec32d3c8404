import { expect } from 'chai';
import { formatByteSize, formatDuration, parseByteSize, parseDuration, parseWholeNumber } from '../../../../core/domain/units.js';

const valueOf = <T>(result: { ok: true; value: T } | { ok: false; reason: string }) => (result.ok ? result.value : result.reason);

describe('parseDuration', () => {
  it('reads plain seconds and every unit', () => {
    expect(valueOf(parseDuration('3600'))).to.equal(3600);
    expect(valueOf(parseDuration('90s'))).to.equal(90);
    expect(valueOf(parseDuration('30m'))).to.equal(1800);
    expect(valueOf(parseDuration('2h'))).to.equal(7200);
    expect(valueOf(parseDuration('1d'))).to.equal(86_400);
    expect(valueOf(parseDuration(' 2H '))).to.equal(7200);
  });

  it('adds combined units', () => {
    expect(valueOf(parseDuration('1h30m'))).to.equal(5400);
    expect(valueOf(parseDuration('1d12h'))).to.equal(129_600);
  });

  it('refuses garbage, zero and overflow with a reason that shows the accepted form', () => {
    for (const bad of ['', 'abc', '1x', '1.5h', '-5', 'h', '1 h']) {
      const result = parseDuration(bad);
      expect(result.ok, bad).to.equal(false);
      if (!result.ok) expect(result.reason).to.contain('90s, 30m, 2h, 1d');
    }
    expect(valueOf(parseDuration('0'))).to.match(/more than 0/);
    expect(valueOf(parseDuration('0m'))).to.match(/more than 0/);
    expect(valueOf(parseDuration('30000d'))).to.match(/too long/);
  });

  it('writes seconds back in a form it reads again', () => {
    for (const seconds of [1, 59, 60, 5400, 86_400, 90_061]) {
      expect(valueOf(parseDuration(formatDuration(seconds)))).to.equal(seconds);
    }
    expect(formatDuration(5400)).to.equal('1h30m');
  });
});

describe('parseByteSize', () => {
  it('reads bytes and binary multiples of 1024', () => {
    expect(valueOf(parseByteSize('1000'))).to.equal(1000);
    expect(valueOf(parseByteSize('500K'))).to.equal(500 * 1024);
    expect(valueOf(parseByteSize('500M'))).to.equal(500 * 1024 ** 2);
    expect(valueOf(parseByteSize('2G'))).to.equal(2 * 1024 ** 3);
    expect(valueOf(parseByteSize('1T'))).to.equal(1024 ** 4);
    expect(valueOf(parseByteSize('1.5g'))).to.equal(1.5 * 1024 ** 3);
    expect(valueOf(parseByteSize('2GB'))).to.equal(2 * 1024 ** 3);
    expect(valueOf(parseByteSize('2GiB'))).to.equal(2 * 1024 ** 3);
  });

  it('refuses garbage and zero', () => {
    for (const bad of ['', 'G', '2Q', '2 G B', '-1', '1e9']) expect(parseByteSize(bad).ok, bad).to.equal(false);
    expect(valueOf(parseByteSize('0K'))).to.match(/more than 0/);
    expect(valueOf(parseByteSize('9999999T'))).to.match(/too large/);
  });

  it('writes bytes back in the largest exact unit', () => {
    expect(formatByteSize(2 * 1024 ** 3)).to.equal('2G');
    expect(formatByteSize(500 * 1024 ** 2)).to.equal('500M');
    expect(formatByteSize(1000)).to.equal('1000');
    expect(formatByteSize(1536)).to.equal('1536');
  });
});

describe('parseWholeNumber', () => {
  it('accepts digits within the bounds and names the bounds otherwise', () => {
    expect(valueOf(parseWholeNumber('10000', 1, 10_000))).to.equal(10_000);
    expect(valueOf(parseWholeNumber('0', 1, 10_000))).to.equal('"0" is out of range: use 1 to 10000');
    expect(valueOf(parseWholeNumber('10001', 1, 10_000))).to.match(/out of range/);
    for (const bad of ['', '1.5', '1e3', '-1', '0x10', 'ten']) expect(parseWholeNumber(bad, 0, 100).ok, bad).to.equal(false);
  });
});
