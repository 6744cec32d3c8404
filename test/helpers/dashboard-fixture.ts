import { pino } from 'pino';
import { loadConfig, type Config } from '../../core/config.js';
import { createSecretBox, hashPassword, type SecretBox } from '../../core/crypto.js';
import { addAdmin } from '../../core/db/queries/admins.js';
import type { AdminRole } from '../../core/domain/admin-roles.js';
import { fixedClock } from '../../core/domain/clock.js';
import { startDashboard, type RunningDashboard } from '../../dashboard/server.js';
import { resetTables, TEST_SECRET_KEY, testDatabaseUrl, testDb } from './test-db.js';

export const dashboardBox: SecretBox = createSecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));

export interface DashboardFixture extends RunningDashboard {
  clock: ReturnType<typeof fixedClock>;
  config: Config;
}

/** The dashboard on 127.0.0.1 (ports chosen by the system) over the test database, with a clock the test moves. */
export async function startDashboardFixture(options: { now?: string; env?: Record<string, string> } = {}): Promise<DashboardFixture> {
  const clock = fixedClock(options.now ?? '2026-11-25T09:00:00+07:00');
  const config = loadConfig({
    DATABASE_URL: testDatabaseUrl(),
    CITYWIFI_SECRET_KEY: TEST_SECRET_KEY,
    DASHBOARD_HOST: '127.0.0.1',
    DASHBOARD_PORT: '0',
    DASHBOARD_METRICS_PORT: '0',
    ...options.env,
  });
  const dashboard = await startDashboard({ config, db: testDb(), box: dashboardBox, logger: pino({ level: 'silent' }), clock });
  return { ...dashboard, close: dashboard.close, clock, config };
}

/** Empties every table the dashboard writes, its own included (sign-in failures, API tokens). */
export async function resetDashboardTables(): Promise<void> {
  await resetTables();
  await testDb().raw('truncate admin_sign_in_failures, api_tokens restart identity');
}

export const PASSWORD = 'Kota-Wifi-2026!';

/**
 * A fresh dashboard for one test: the tables emptied, the accounts of ACCOUNTS seeded, the dashboard
 * started (at `now`) and an Agent on it, signed in as `signedInAs` when given. Close `dashboard` after.
 */
export async function openDashboard(options: { now?: string; signedInAs?: string } = {}): Promise<{ dashboard: DashboardFixture; agent: Agent }> {
  await resetDashboardTables();
  await seedAccounts();
  const dashboard = await startDashboardFixture({ now: options.now });
  const agent = new Agent(dashboard.url);
  if (options.signedInAs) {
    try {
      await agent.signIn(options.signedInAs);
    } catch (error) {
      await dashboard.close();
      throw error;
    }
  }
  return { dashboard, agent };
}

/** Accounts for each role, all with PASSWORD: adi (admin), eka (engineer), rina (reporter). */
export const ACCOUNTS: Record<AdminRole, string> = { admin: 'adi', engineer: 'eka', reporter: 'rina' };

export async function seedAccounts(): Promise<void> {
  const passwordHash = await hashPassword(PASSWORD);
  for (const [role, username] of Object.entries(ACCOUNTS)) await addAdmin(testDb(), { username, passwordHash, roles: [role as AdminRole] });
}

/**
 * A browser in miniature over real HTTP: keeps cookies (by name; the dashboard sets them on path /),
 * follows no redirects (tests look at them), and reads the CSRF token of the last page it fetched.
 */
export class Agent {
  readonly cookies = new Map<string, string>();
  lastBody = '';
  constructor(readonly base: string) {}

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
    return { ...(cookie ? { cookie } : {}), ...extra };
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; response: Response }> {
    const response = await fetch(this.base + path, { headers: this.headers(headers), redirect: 'manual' });
    this.remember(response);
    const body = await response.text();
    this.lastBody = body;
    return { status: response.status, body, response };
  }

  async post(path: string, form: Record<string, string | string[]>, options: { csrf?: string | false } = {}): Promise<{ status: number; body: string; response: Response }> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
    const csrf = options.csrf === undefined ? this.csrf() : options.csrf;
    if (csrf !== false) params.set('_csrf', csrf);
    const response = await fetch(this.base + path, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body: params.toString(),
      redirect: 'manual',
    });
    this.remember(response);
    const body = await response.text();
    this.lastBody = body;
    return { status: response.status, body, response };
  }

  /** The CSRF token in the last page fetched. */
  csrf(): string {
    const match = /name="_csrf" value="([^"]*)"/.exec(this.lastBody);
    if (!match) throw new Error('no CSRF token on the last page');
    return match[1];
  }

  /** Opens the sign-in page and signs in; resolves with the sign-in response. */
  async signIn(username: string, password = PASSWORD) {
    await this.get('/sign-in');
    const result = await this.post('/sign-in', { username, password });
    if (result.status === 303) await this.get(result.response.headers.get('location') ?? '/');
    return result;
  }
}
