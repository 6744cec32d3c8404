import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { CLI_PATH, expectRefused, runCli } from '../../helpers/run-cli.js';
import { seedPortalSite } from '../../helpers/portal-fixture.js';
import { TEST_SECRET_KEY, testDatabaseUrl } from '../../helpers/test-db.js';

describe('citywifi portal', () => {
  beforeEach(() => seedPortalSite());

  it('serves the portal on the port asked for, logs where, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI_PATH, 'portal', '--host', '127.0.0.1', '--port', '0'], {
      env: { PATH: process.env.PATH, TZ: process.env.TZ, DATABASE_URL: testDatabaseUrl(), CITYWIFI_SECRET_KEY: TEST_SECRET_KEY, CITYWIFI_LOG_LEVEL: 'info', PORTAL_METRICS_PORT: '0' },
    });
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const listening = output.split('\n').map((line) => (line.startsWith('{') ? JSON.parse(line) : {})).find((l) => l.msg === 'portal listening');
        if (listening) resolve(listening.port);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
    });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.text()).to.equal('ok');
    const terms = await fetch(`http://127.0.0.1:${port}/terms`);
    expect(terms.status).to.equal(200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).to.equal(0);
  });

  it('refuses a bad port in one line', async () => {
    expectRefused(await runCli(['portal', '--port', '70000']), /--port must be a port number/);
  });
});
