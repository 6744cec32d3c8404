import { expect } from 'chai';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { parseForms } from '../../helpers/phone-browser.js';
import { routerVariables, seedPortalSite } from '../../helpers/portal-fixture.js';
import { CLI_PATH, expectRefused, runCli } from '../../helpers/run-cli.js';
import { TEST_SECRET_KEY, testDatabaseUrl, testDb } from '../../helpers/test-db.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One request on a connection of its own (no keep-alive), as many phones would open: the primary
 * hands each new connection to the next worker, so requests in a row reach both workers.
 */
function request(url: string, options: { method?: string; cookie?: string; form?: Record<string, string> } = {}): Promise<Reply> {
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  const headers: Record<string, string> = { connection: 'close', 'user-agent': 'citywifi-test-phone/1' };
  if (options.cookie) headers.cookie = options.cookie;
  if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

type LogLine = Record<string, unknown>;

function logLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

describe('citywifi portal with PORTAL_WORKERS=2', () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  let output = '';

  beforeEach(() => seedPortalSite());
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    child = undefined;
  });

  async function startCluster(): Promise<{ port: number; metricsPort: number }> {
    output = '';
    child = spawn(process.execPath, [CLI_PATH, 'portal', '--host', '127.0.0.1', '--port', '0'], {
      env: {
        PATH: process.env.PATH,
        TZ: process.env.TZ,
        DATABASE_URL: testDatabaseUrl(),
        CITYWIFI_SECRET_KEY: TEST_SECRET_KEY,
        CITYWIFI_LOG_LEVEL: 'info',
        PORTAL_METRICS_PORT: '0',
        PORTAL_WORKERS: '2',
        PORTAL_LOGIN_RATE_PER_MINUTE: '3',
      },
    });
    const started = child;
    return new Promise((resolve, reject) => {
      started.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        // The primary's line says how many workers listen, and where its metrics are.
        const primary = logLines(output).find((l) => l.msg === 'portal listening' && l.workers === 2);
        if (primary) resolve({ port: primary.port as number, metricsPort: primary.metricsPort as number });
      });
      started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      started.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
    });
  }

  it('answers the login page from two worker processes that share one login rate limit, and serves their metrics added up', async () => {
    const { port, metricsPort } = await startCluster();
    const base = `http://127.0.0.1:${port}`;
    // The workers write their own log lines to the shared stdout; one may arrive after the primary's.
    const workersListening = () => logLines(output).filter((l) => l.msg === 'portal listening' && typeof l.worker === 'number');
    for (let waited = 0; workersListening().length < 2 && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(workersListening().map((l) => l.port)).to.deep.equal([port, port]);

    const page = await request(`${base}/login?${new URLSearchParams(routerVariables()).toString()}`);
    expect(page.status).to.equal(200);
    expect(page.body).to.contain('Taman Kota 1');
    const form = parseForms(page.body, `${base}/login`).find((f) => f.action.endsWith('/login/click'));
    expect(form, 'the click-through form').to.not.equal(undefined);
    const cookie = (page.headers['set-cookie'] ?? []).map((line) => line.split(';', 1)[0]).join('; ');
    const fields = Object.fromEntries(form!.fields.map((f) => [f.name, f.value]));

    // The same phone tries four times, each on a new connection; the limit is 3 a minute.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const reply = await request(`${base}/login/click`, { method: 'POST', cookie, form: { ...fields, accept_terms: 'yes' } });
      statuses.push(reply.status);
    }
    expect(statuses).to.deep.equal([200, 200, 200, 429]);
    expect(await testDb()('credentials').count('* as n').first()).to.deep.equal({ n: 3 });
    // Both workers issued credentials: the count that stopped the fourth try spans the two processes.
    const issuedBy = new Set(logLines(output).filter((l) => l.event === 'credential-issued').map((l) => l.worker));
    expect([...issuedBy].sort()).to.deep.equal([1, 2]);

    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).to.match(/citywifi_portal_logins_total\{method="click",result="issued"\} 3\b/);
    expect(metrics).to.match(/citywifi_portal_rate_limited_total 1\b/);

    child!.kill('SIGTERM');
    const [code] = await once(child!, 'exit');
    expect(code).to.equal(0);
    expect(logLines(output).filter((l) => l.msg === 'stopping')).to.have.length(3);
  });

  it('refuses several workers on the embedded database, in one line', async () => {
    expectRefused(await runCli(['portal', '--port', '0'], { DATABASE_URL: undefined, PORTAL_WORKERS: '2' }), /PORTAL_WORKERS=2 needs DATABASE_URL/);
  });
});
