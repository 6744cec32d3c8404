import { createHash } from 'node:crypto';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../core/config.js';
import { createSecretBox, type SecretBox } from '../../core/crypto.js';
import { addPlan, type NewPlan } from '../../core/db/queries/plans.js';
import { addSite, type NewSite } from '../../core/db/queries/sites.js';
import { fixedClock } from '../../core/domain/clock.js';
import { createRecordingSender, type RecordingSender } from '../../portal/otp/recording-sender.js';
import { startPortal, type RunningPortal } from '../../portal/server.js';
import { resetTables, TEST_SECRET_KEY, testDatabaseUrl, testDb } from './test-db.js';

export const portalBox: SecretBox = createSecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));

export const SITE_CODE = 'taman-kota-1';
/** Kelurahan Sawah, Kecamatan Ciputat (seeded). */
export const SITE_AREA = '36.74.04.1004';
export const PHONE_MAC = 'AA:BB:CC:00:20:01';
export const OTHER_MAC = 'AA:BB:CC:00:20:02';
/** The reference CHAP values of PROTOCOLS.md §A.2, as the router writes them. */
export const CHAP_ID = '\\371';
export const CHAP_CHALLENGE = '\\357\\015\\330\\013\\021\\234\\145\\245\\303\\253\\142\\246\\133\\175\\375\\316';

export interface PortalFixture extends RunningPortal {
  clock: ReturnType<typeof fixedClock>;
  sender: RecordingSender;
  config: Config;
}

/**
 * The portal on 127.0.0.1 (ports chosen by the system, for the portal and its metrics listener:
 * `metricsPort`) over the test database, with a clock the test moves.
 */
export async function startPortalFixture(options: { now?: string; env?: Record<string, string> } = {}): Promise<PortalFixture> {
  const clock = fixedClock(options.now ?? '2026-11-23T10:00:00+07:00');
  const config = loadConfig({
    DATABASE_URL: testDatabaseUrl(),
    CITYWIFI_SECRET_KEY: TEST_SECRET_KEY,
    PORTAL_HOST: '127.0.0.1',
    PORTAL_PORT: '0',
    PORTAL_METRICS_PORT: '0',
    ...options.env,
  });
  const sender = createRecordingSender();
  const portal = await startPortal({ config, db: testDb(), box: portalBox, logger: pino({ level: 'silent' }), clock, sender });
  return { ...portal, close: portal.close, clock, sender, config };
}

/** A clean database with a plan and one site whose router answers on 127.0.0.1. */
export async function seedPortalSite(options: { plan?: Partial<NewPlan>; site?: Partial<NewSite> } = {}) {
  const db = testDb();
  await resetTables(db);
  const plan = await addPlan(db, { name: 'warga', rateLimit: '2M/5M', sessionTimeout: 7200, dailyTime: 4 * 3600, ...options.plan });
  const site = await addSite(db, {
    code: SITE_CODE,
    name: 'Taman Kota 1',
    areaCode: SITE_AREA,
    hotspotHost: '127.0.0.1',
    planName: 'warga',
    ...options.site,
  });
  return { plan, site };
}

/** The variables a MikroTik hotspot passes to GET /login, in its exact format (octal-escaped CHAP values). */
export function routerVariables(over: Record<string, string> = {}): Record<string, string> {
  return {
    mac: PHONE_MAC,
    ip: '10.5.50.2',
    username: '',
    'link-login': 'http://10.5.50.1/login?dst=http%3A%2F%2Fwww.example.com%2F',
    'link-login-only': 'http://10.5.50.1/login',
    'link-orig': 'http://www.example.com/',
    'chap-id': CHAP_ID,
    'chap-challenge': CHAP_CHALLENGE,
    error: '',
    identity: SITE_CODE,
    'server-name': 'hotspot1',
    ...over,
  };
}

export function loginUrl(portal: RunningPortal, over: Record<string, string> = {}): string {
  return `${portal.url}/login?${new URLSearchParams(routerVariables(over)).toString()}`;
}

/** The CHAP response the router expects for the reference chap-id and challenge. */
export function referenceChapResponse(password: string): string {
  const challenge = Buffer.from('ef0dd80b119c65a5c3ab62a65b7dfdce', 'hex');
  return createHash('md5').update(Buffer.of(0xf9)).update(password).update(challenge).digest('hex');
}
