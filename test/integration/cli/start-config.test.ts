import { expect } from 'chai';
import { runCli } from '../../helpers/run-cli.js';

/** `citywifi start` is production mode: it says what the configuration lacks, all at once, and starts nothing. */
describe('citywifi start: what the configuration lacks', () => {
  it('without DATABASE_URL it refuses with exit 2 and points to the demo and --embedded', async () => {
    const r = await runCli(['start'], { DATABASE_URL: '', CITYWIFI_SECRET_KEY: '' });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('cannot start; the configuration lacks:');
    expect(r.stderr).to.match(/- DATABASE_URL is not set: .*citywifi demo.*--embedded/);
  });

  it('lists every problem in one block: a missing key and a bad setting together', async () => {
    const r = await runCli(['start'], { CITYWIFI_SECRET_KEY: '', ALERT_WEBHOOK_URL: 'https://hooks.example/alerts' });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/- ALERT_WEBHOOK_SECRET="": required when ALERT_WEBHOOK_URL is set/);
    expect(r.stderr).to.match(/- CITYWIFI_SECRET_KEY is not set: .*openssl rand -hex 32/);
    expect(r.stdout).to.equal('');
  });
});
