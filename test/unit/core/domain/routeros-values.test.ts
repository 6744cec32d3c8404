import { expect } from 'chai';
import {
  parseBoolean,
  parseCounter,
  parseDuration,
  parseHealth,
  parseInteger,
  parseMeasure,
  parseRouterDateTime,
  parseVersion,
  routerDateTimeToDate,
} from '../../../../core/domain/routeros-values.js';

describe('core/domain/routeros-values', () => {
  describe('parseDuration', () => {
    it('reads v6 and v7 durations, largest unit first, zero parts left out', () => {
      expect(parseDuration('1w2d3h4m5s')).to.equal(604_800 + 2 * 86_400 + 3 * 3600 + 4 * 60 + 5);
      expect(parseDuration('4d15h20m38s')).to.equal(4 * 86_400 + 15 * 3600 + 20 * 60 + 38);
      expect(parseDuration('7w6d9h34m')).to.equal(7 * 604_800 + 6 * 86_400 + 9 * 3600 + 34 * 60);
      expect(parseDuration('42m53s')).to.equal(42 * 60 + 53);
      expect(parseDuration('0s')).to.equal(0);
    });
    it('matches ms and us before m: 500ms is half a second, not 500 minutes', () => {
      expect(parseDuration('500ms')).to.equal(0.5);
      expect(parseDuration('4m17s120ms')).to.equal(257.12);
      expect(parseDuration('1s250us')).to.equal(1.00025);
      expect(parseDuration('3m')).to.equal(180);
    });
    it('accepts the old clock style', () => {
      expect(parseDuration('01:22:53')).to.equal(3600 + 22 * 60 + 53);
      expect(parseDuration('1d01:22:53')).to.equal(86_400 + 3600 + 22 * 60 + 53);
    });
    it('refuses what is not a duration', () => {
      for (const bad of ['', 'abc', '5x', '1h-2m', undefined, '12']) expect(parseDuration(bad), String(bad)).to.equal(undefined);
    });
  });

  it('parseBoolean reads true/false and yes/no, nothing else', () => {
    expect(parseBoolean('true')).to.equal(true);
    expect(parseBoolean('yes')).to.equal(true);
    expect(parseBoolean('false')).to.equal(false);
    expect(parseBoolean('no')).to.equal(false);
    expect(parseBoolean('maybe')).to.equal(undefined);
    expect(parseBoolean(undefined)).to.equal(undefined);
  });

  it('parseCounter keeps 64-bit counters exact and refuses junk', () => {
    expect(parseCounter('18446744073709551615')).to.equal(18446744073709551615n);
    expect(parseCounter('18446744073709551616')).to.equal(undefined);
    expect(parseCounter('0')).to.equal(0n);
    expect(parseCounter('-1')).to.equal(undefined);
    expect(parseCounter('12a')).to.equal(undefined);
  });

  it('parseInteger and parseMeasure strip nothing but units', () => {
    expect(parseInteger('28')).to.equal(28);
    expect(parseInteger('28%')).to.equal(undefined);
    expect(parseMeasure('24.3V')).to.deep.equal({ value: 24.3, unit: 'V' });
    expect(parseMeasure('46')).to.deep.equal({ value: 46, unit: '' });
    expect(parseMeasure('ok')).to.equal(undefined);
  });

  it('parseVersion reads the number and the channel', () => {
    expect(parseVersion('7.18.2 (stable)')).to.deep.equal({ number: '7.18.2', major: 7, minor: 18, patch: 2, channel: 'stable' });
    expect(parseVersion('6.49.17 (long-term)')).to.include({ major: 6, minor: 49, patch: 17, channel: 'long-term' });
    expect(parseVersion('6.27')).to.include({ number: '6.27', major: 6, minor: 27, patch: 0, channel: undefined });
    expect(parseVersion('7.1beta4')).to.include({ number: '7.1beta4', major: 7, minor: 1 });
    expect(parseVersion('banana')).to.equal(undefined);
  });

  it('parseRouterDateTime reads both build-time formats and the lowercase v6 dates', () => {
    const expected = { year: 2022, month: 7, day: 19, hour: 11, minute: 25, second: 54 };
    expect(parseRouterDateTime('Jul/19/2022 11:25:54')).to.deep.equal(expected);
    expect(parseRouterDateTime('2024-11-26 12:09:40')).to.deep.equal({ year: 2024, month: 11, day: 26, hour: 12, minute: 9, second: 40 });
    expect(parseRouterDateTime('jan/02/1970 00:00:00')).to.deep.equal({ year: 1970, month: 1, day: 2, hour: 0, minute: 0, second: 0 });
    expect(parseRouterDateTime('Foo/19/2022 11:25:54')).to.equal(undefined);
    expect(parseRouterDateTime('2024-13-26 12:09:40')).to.equal(undefined);
    expect(routerDateTimeToDate(expected, 420).toISOString()).to.equal('2022-07-19T04:25:54.000Z');
  });

  describe('parseHealth', () => {
    it('reads the v6 shape: one item with named fields, with or without units', () => {
      expect(parseHealth([{ voltage: '24.3V', temperature: '46C', 'psu1-state': 'ok' }])).to.deep.equal({
        voltage: { value: 24.3, unit: 'V' },
        temperature: { value: 46, unit: 'C' },
        'psu1-state': { value: 'ok', unit: '' },
      });
      expect(parseHealth([{ voltage: '24' }])).to.deep.equal({ voltage: { value: 24, unit: '' } });
    });
    it('reads the v7 shape: one item per sensor', () => {
      const items = [
        { '.id': '*D', name: 'voltage', value: '24.3', type: 'V' },
        { '.id': '*E', name: 'temperature', value: '57', type: 'C' },
        { '.id': '*F', name: 'psu1-state', value: 'fail', type: '' },
      ];
      expect(parseHealth(items)).to.deep.equal({
        voltage: { value: 24.3, unit: 'V' },
        temperature: { value: 57, unit: 'C' },
        'psu1-state': { value: 'fail', unit: '' },
      });
    });
    it('gives nothing for a board without sensors', () => {
      expect(parseHealth([])).to.deep.equal({});
    });
  });
});
