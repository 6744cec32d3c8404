import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CLI_PATH } from '../../helpers/run-cli.js';

interface Banner {
  dashboard: string;
  username: string;
  password: string;
}

/** Reads the demo's banner from its standard output: the dashboard URL and the demo login. */
function readBanner(child: ChildProcess, output: string[]): Promise<Banner> {
  return new Promise((resolve, reject) => {
    const found: Partial<Banner> = {};
    child.once('exit', (code) => reject(new Error(`citywifi demo exited with ${code} before it was ready:\n${output.join('\n')}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      const dashboard = /^\s+dashboard\s+(http:\S+)/.exec(line);
      if (dashboard) found.dashboard = dashboard[1];
      const login = /^\s+sign in\s+(\S+) \/ (\S+)/.exec(line);
      if (login) [found.username, found.password] = [login[1], login[2]];
      if (found.dashboard && found.username) resolve(found as Banner);
    });
  });
}

/** Signs in to the dashboard the way its form does; returns the session cookie. */
async function signIn(banner: Banner): Promise<string> {
  const page = await fetch(new URL('sign-in', banner.dashboard));
  const csrfCookie = page.headers.getSetCookie().map((c) => c.split(';')[0]);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  expect(token, 'the sign-in form carries a CSRF token').to.be.a('string');
  const answer = await fetch(new URL('sign-in', banner.dashboard), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie.join('; ') },
    body: new URLSearchParams({ username: banner.username, password: banner.password, _csrf: token! }).toString(),
  });
  expect(answer.status, 'the printed demo login signs in').to.equal(303);
  return answer.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

interface Overview {
  states: { total: number; up: number; down: number };
  today: { users: number; sessions: number };
}

/**
 * The newcomer's `npm start`: `citywifi demo` from an empty data directory shows a live city on the
 * dashboard within 90 s (sites up, citizens online, sessions recorded), and stops cleanly on SIGTERM.
 * For CI it runs 300 sites instead of 1,500 and no history (`--sites 300 --history-days 0`), on
 * free ports; everything else is what a newcomer gets.
 */
describe('smoke test: citywifi demo', function () {
  this.timeout(180_000);
  let dir: string;
  let child: ChildProcess | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'citywifi-demo-'));
  });
  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows live sites, users and sessions on the dashboard within 90 s, and stops cleanly', async () => {
    const started = Date.now();
    child = spawn(process.execPath, [CLI_PATH, 'demo', '--data-dir', join(dir, 'demo'), '--sites', '300', '--history-days', '0', '--free-ports'], {
      env: { PATH: process.env.PATH, TZ: process.env.TZ, HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const banner = await readBanner(child, output);
    const cookie = await signIn(banner);

    let overview: Overview | undefined;
    while (Date.now() - started < 90_000) {
      const answer = await fetch(new URL('api/overview', banner.dashboard), { headers: { cookie } });
      expect(answer.status).to.equal(200);
      overview = (await answer.json()) as Overview;
      if (overview.states.up > 0 && overview.today.users > 0 && overview.today.sessions > 0) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    expect(overview, 'the overview answered').to.not.equal(undefined);
    expect(overview!.states.total).to.equal(300);
    expect(overview!.states.up, 'sites up within 90 s').to.be.greaterThan(0);
    expect(overview!.today.users, 'citizens online within 90 s').to.be.greaterThan(0);
    expect(overview!.today.sessions, 'sessions recorded within 90 s').to.be.greaterThan(0);

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const code = await exited;
    expect(code, output.slice(-20).join('\n')).to.equal(0);
    expect(output.join('\n')).to.contain('citywifi demo: stopped');
  });
});
