import { expect } from 'chai';
import { loadConfig } from '../../../core/config.js';
import { AppError } from '../../../core/errors.js';

describe('loadConfig', () => {
  it('gives the documented defaults and freezes the result', () => {
    const config = loadConfig({});
    expect(config.radius.authPort).to.equal(1812);
    expect(config.radius.acctPort).to.equal(1813);
    expect(config.radius.interimInterval).to.equal(300);
    expect(config.timezone).to.equal('Asia/Jakarta');
    expect(config.databaseUrl).to.equal(undefined);
    expect(Object.isFrozen(config)).to.equal(true);
    expect(Object.isFrozen(config.radius)).to.equal(true);
  });

  it('names every bad variable on its own line', () => {
    let error: unknown;
    try {
      loadConfig({ RADIUS_AUTH_PORT: 'abc', DATABASE_URL: 'mysql://x', CITYWIFI_SECRET_KEY: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(AppError);
    const lines = (error as AppError).message.split('\n');
    expect(lines).to.have.length(3);
    expect(lines.some((l) => l.startsWith('RADIUS_AUTH_PORT="abc"'))).to.equal(true);
    expect(lines.some((l) => l.startsWith('DATABASE_URL="mysql://x"'))).to.equal(true);
    expect(lines.some((l) => l.startsWith('CITYWIFI_SECRET_KEY="short"'))).to.equal(true);
  });

  it('refuses an unknown time zone', () => {
    expect(() => loadConfig({ CITYWIFI_TIMEZONE: 'Mars/Olympus' })).to.throw(/CITYWIFI_TIMEZONE/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).to.equal(undefined);
  });
});
