import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CODE, RadiusClient } from '../../../core/radius/index.js';
import { CLI_PATH, runCli } from '../../helpers/run-cli.js';

/**
 * The newcomer's path: no DATABASE_URL, so everything runs on the embedded PostgreSQL in a data
 * directory; migrate, one CHAP login and one accounting cycle through `citywifi start`.
 */
describe('smoke test on the embedded database', function () {
  this.timeout(180_000);
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'citywifi-smoke-'));
    env = { DATABASE_URL: '', CITYWIFI_SECRET_KEY: '', CITYWIFI_DATA_DIR: dir };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates, logs a citizen in by CHAP and records the session', async () => {
    for (const args of [
      ['migrate'],
      ['plans', 'add', '--name', 'warga', '--rate-limit', '1M/2M', '--session-timeout', '1h'],
      ['nas', 'add', '--name', 'local', '--address', '127.0.0.1', '--secret', 'smoke-secret'],
      ['users', 'add', '--username', 'budi', '--password', 'budi-rahasia', '--plan', 'warga'],
    ]) {
      const r = await runCli(args, env);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(0);
    }

    // `start` is production mode: on the embedded database only when asked with --embedded.
    const child = spawn(process.execPath, [CLI_PATH, 'start', '--embedded', '--host', '127.0.0.1', '--auth-port', '0', '--acct-port', '0', '--metrics-port', '0', '--portal-port', '0'], {
      env: {
        PATH: process.env.PATH,
        TZ: process.env.TZ,
        CITYWIFI_DATA_DIR: dir,
        CITYWIFI_LOG_LEVEL: 'info',
        PORTAL_HOST: '127.0.0.1',
        PORTAL_METRICS_PORT: '0',
        CONTROLLER_HTTP_PORT: '0',
        DASHBOARD_PORT: '0',
        DASHBOARD_METRICS_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const ports = await new Promise<{ authPort: number; acctPort: number }>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`citywifi start exited with ${code}`)));
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const entry = JSON.parse(line);
          if (entry.msg === 'RADIUS server listening') resolve(entry);
        });
      });
      const auth = new RadiusClient({ host: '127.0.0.1', port: ports.authPort, secret: 'smoke-secret', timeoutMs: 3000, retries: 1 });
      const acct = new RadiusClient({ host: '127.0.0.1', port: ports.acctPort, secret: 'smoke-secret', timeoutMs: 3000, retries: 1 });
      const who: Array<[string, string]> = [['User-Name', 'budi'], ['Calling-Station-Id', '02:00:00:00:00:01'], ['NAS-Identifier', 'smoke']];
      const login = await auth.request(CODE.ACCESS_REQUEST, who, { chap: { password: 'budi-rahasia' } });
      expect(login.code).to.equal(CODE.ACCESS_ACCEPT);
      expect(login.attributes['Vendor-Specific']['Mikrotik-Rate-Limit']).to.equal('1M/2M');
      for (const status of ['Start', 'Interim-Update', 'Stop']) {
        const r = await acct.request(CODE.ACCOUNTING_REQUEST, [...who, ['Acct-Session-Id', 'smoke-1'], ['Acct-Status-Type', status], ['Acct-Session-Time', 30], ['Acct-Output-Octets', 1234]]);
        expect(r.code).to.equal(CODE.ACCOUNTING_RESPONSE);
      }
      await auth.close();
      await acct.close();
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }

    const list = await runCli(['sessions', 'list', '--json'], env);
    expect(list.code, list.stderr).to.equal(0);
    const [session] = JSON.parse(list.stdout);
    expect(session).to.include({ acct_session_id: 'smoke-1', username: 'budi', output_octets: 1234, session_time: 30 });
    expect(session.stopped_at).to.be.a('string');
  });
});
