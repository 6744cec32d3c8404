import { z } from 'zod';
import { AppError } from './errors.js';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  CITYWIFI_DATA_DIR: z.string().min(1).default('./data'),
  CITYWIFI_SECRET_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes); make one with: openssl rand -hex 32')
    .optional(),
  CITYWIFI_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CITYWIFI_TIMEZONE: z.string().default('Asia/Jakarta'),
  RADIUS_HOST: z.string().min(1).default('0.0.0.0'),
  RADIUS_AUTH_PORT: port.default(1812),
  RADIUS_ACCT_PORT: port.default(1813),
  RADIUS_METRICS_PORT: port.default(9812),
  RADIUS_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  RADIUS_RECV_BUFFER_BYTES: positiveInt.default(8 * 1024 * 1024),
  RADIUS_INTERIM_INTERVAL: positiveInt.min(60).default(300),
  RADIUS_STALE_AFTER_INTERVALS: positiveInt.default(3),
  RADIUS_DUPLICATE_WINDOW_SECONDS: positiveInt.default(30),
  RADIUS_COA_TIMEOUT_MS: positiveInt.default(3000),
  PORTAL_HOST: z.string().min(1).default('0.0.0.0'),
  PORTAL_PORT: port.default(8080),
  PORTAL_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  PORTAL_METRICS_PORT: port.default(9813),
  PORTAL_TERMS_VERSION: z.string().min(1).max(40).default('2026-11'),
  PORTAL_CREDENTIAL_TTL_SECONDS: positiveInt.max(3600).default(180),
  PORTAL_TRUST_PROXY: z.enum(['yes', 'no']).default('no'),
  PORTAL_LOGIN_RATE_PER_MINUTE: positiveInt.default(20),
  PORTAL_WORKERS: positiveInt.max(64).default(1),
  DASHBOARD_HOST: z.string().min(1).default('127.0.0.1'),
  DASHBOARD_PORT: port.default(8081),
  DASHBOARD_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  DASHBOARD_METRICS_PORT: port.default(9815),
  DASHBOARD_SESSION_HOURS: positiveInt.max(24 * 30).default(12),
  DASHBOARD_TRUST_PROXY: z.enum(['yes', 'no']).default('no'),
  CONTROLLER_ID: z.string().min(1).max(80).optional(),
  CONTROLLER_INTERVAL_SECONDS: positiveInt.min(10).default(60),
  CONTROLLER_CONCURRENCY: positiveInt.default(500),
  CONTROLLER_CONNECT_TIMEOUT_MS: positiveInt.default(5000),
  CONTROLLER_COMMAND_TIMEOUT_MS: positiveInt.default(5000),
  CONTROLLER_DOWN_AFTER_FAILURES: positiveInt.default(2),
  CONTROLLER_DEGRADED_CPU_PERCENT: positiveInt.max(100).default(90),
  CONTROLLER_DEGRADED_MEMORY_PERCENT: positiveInt.max(100).default(95),
  CONTROLLER_DEGRADED_AFTER_POLLS: positiveInt.default(3),
  CONTROLLER_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  CONTROLLER_HTTP_PORT: port.default(9814),
  ALERT_WEBHOOK_URL: z.string().url('must be an http(s) URL').optional(),
  ALERT_WEBHOOK_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  ALERT_GATHER_SECONDS: z.coerce.number().int().min(0).max(60).default(60),
  ALERT_FLAP_COUNT: positiveInt.min(2).default(3),
  ALERT_FLAP_WINDOW_MINUTES: positiveInt.default(30),
  ALERT_AREA_MIN_SITES: positiveInt.min(2).default(5),
  ALERT_AREA_WINDOW_MINUTES: positiveInt.default(3),
  OTP_SENDER: z.enum(['console', 'webhook']).default('console'),
  OTP_WEBHOOK_URL: z.string().url('must be an http(s) URL').optional(),
  OTP_WEBHOOK_TOKEN: z.string().min(1).optional(),
  OTP_WEBHOOK_TEMPLATE: z.string().min(1).default('Kode masuk WiFi kota Anda: {code}. Berlaku 5 menit. Jangan berikan kepada siapa pun.'),
  OTP_RESEND_COOLDOWN_SECONDS: positiveInt.default(60),
  OTP_DAILY_PER_NUMBER: positiveInt.default(5),
  OTP_DAILY_PER_DEVICE: positiveInt.default(5),
  OTP_DAILY_PER_ADDRESS: positiveInt.default(30),
});

type Parsed = z.infer<typeof schema>;

export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  secretKeyHex: string | undefined;
  logLevel: Parsed['CITYWIFI_LOG_LEVEL'];
  timezone: string;
  radius: {
    host: string;
    authPort: number;
    acctPort: number;
    metricsHost: string;
    metricsPort: number;
    recvBufferBytes: number;
    interimInterval: number;
    staleAfterIntervals: number;
    duplicateWindowSeconds: number;
    coaTimeoutMs: number;
  };
  portal: {
    host: string;
    port: number;
    metricsHost: string;
    metricsPort: number;
    termsVersion: string;
    credentialTtlSeconds: number;
    /** Behind a reverse proxy: take the client address from X-Forwarded-For. */
    trustProxy: boolean;
    loginRatePerMinute: number;
    /** Worker processes of `citywifi portal` sharing its port (node:cluster); 1 = the process itself. */
    workers: number;
  };
  dashboard: {
    host: string;
    port: number;
    metricsHost: string;
    metricsPort: number;
    /** a signed-in session ends this many hours after sign-in */
    sessionHours: number;
    /** Behind a reverse proxy: take the client address from X-Forwarded-For (the sign-in limits count per address). */
    trustProxy: boolean;
  };
  controller: {
    /** Names this controller in the leases; default host name and process id. */
    id: string | undefined;
    intervalSeconds: number;
    concurrency: number;
    connectTimeoutMs: number;
    commandTimeoutMs: number;
    downAfterFailures: number;
    degradedCpuPercent: number;
    degradedMemoryPercent: number;
    degradedAfterPolls: number;
    /** the controller's HTTP listener: POST /heartbeat from routers behind NAT, GET /metrics */
    httpHost: string;
    httpPort: number;
    alertWebhookUrl: string | undefined;
    alertWebhookSecret: string | undefined;
    /** alerts: hold a new outage this long for others in its area (a power cut is one alert) */
    alertGatherSeconds: number;
    alertFlapCount: number;
    alertFlapWindowMinutes: number;
    alertAreaMinSites: number;
    alertAreaWindowMinutes: number;
  };
  otp: {
    sender: 'console' | 'webhook';
    webhookUrl: string | undefined;
    webhookToken: string | undefined;
    webhookTemplate: string;
    resendCooldownSeconds: number;
    dailyPerNumber: number;
    dailyPerDevice: number;
    dailyPerAddress: number;
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads every setting from the environment once, validates all of it and returns a frozen object.
 * A bad value throws AppError('CONFIG_INVALID') whose message has one line per bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(present);
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      const name = String(issue.path[0]);
      problems.push(`${name}=${JSON.stringify(present[name] ?? '')}: ${issue.message}`);
    }
  } else {
    if (!isValidTimezone(result.data.CITYWIFI_TIMEZONE)) {
      problems.push(`CITYWIFI_TIMEZONE=${JSON.stringify(result.data.CITYWIFI_TIMEZONE)}: not a known IANA time zone`);
    }
    if (result.data.ALERT_WEBHOOK_URL && !result.data.ALERT_WEBHOOK_SECRET) {
      problems.push('ALERT_WEBHOOK_SECRET="": required when ALERT_WEBHOOK_URL is set (receivers check the signature)');
    }
    if (result.data.OTP_SENDER === 'webhook' && !result.data.OTP_WEBHOOK_URL) {
      problems.push('OTP_WEBHOOK_URL="": required when OTP_SENDER=webhook');
    }
  }
  if (!result.success || problems.length > 0) {
    throw new AppError('CONFIG_INVALID', problems.join('\n'));
  }
  const e = result.data;
  return deepFreeze({
    databaseUrl: e.DATABASE_URL,
    dataDir: e.CITYWIFI_DATA_DIR,
    secretKeyHex: e.CITYWIFI_SECRET_KEY,
    logLevel: e.CITYWIFI_LOG_LEVEL,
    timezone: e.CITYWIFI_TIMEZONE,
    radius: {
      host: e.RADIUS_HOST,
      authPort: e.RADIUS_AUTH_PORT,
      acctPort: e.RADIUS_ACCT_PORT,
      metricsHost: e.RADIUS_METRICS_HOST,
      metricsPort: e.RADIUS_METRICS_PORT,
      recvBufferBytes: e.RADIUS_RECV_BUFFER_BYTES,
      interimInterval: e.RADIUS_INTERIM_INTERVAL,
      staleAfterIntervals: e.RADIUS_STALE_AFTER_INTERVALS,
      duplicateWindowSeconds: e.RADIUS_DUPLICATE_WINDOW_SECONDS,
      coaTimeoutMs: e.RADIUS_COA_TIMEOUT_MS,
    },
    portal: {
      host: e.PORTAL_HOST,
      port: e.PORTAL_PORT,
      metricsHost: e.PORTAL_METRICS_HOST,
      metricsPort: e.PORTAL_METRICS_PORT,
      termsVersion: e.PORTAL_TERMS_VERSION,
      credentialTtlSeconds: e.PORTAL_CREDENTIAL_TTL_SECONDS,
      trustProxy: e.PORTAL_TRUST_PROXY === 'yes',
      loginRatePerMinute: e.PORTAL_LOGIN_RATE_PER_MINUTE,
      workers: e.PORTAL_WORKERS,
    },
    dashboard: {
      host: e.DASHBOARD_HOST,
      port: e.DASHBOARD_PORT,
      metricsHost: e.DASHBOARD_METRICS_HOST,
      metricsPort: e.DASHBOARD_METRICS_PORT,
      sessionHours: e.DASHBOARD_SESSION_HOURS,
      trustProxy: e.DASHBOARD_TRUST_PROXY === 'yes',
    },
    controller: {
      id: e.CONTROLLER_ID,
      intervalSeconds: e.CONTROLLER_INTERVAL_SECONDS,
      concurrency: e.CONTROLLER_CONCURRENCY,
      connectTimeoutMs: e.CONTROLLER_CONNECT_TIMEOUT_MS,
      commandTimeoutMs: e.CONTROLLER_COMMAND_TIMEOUT_MS,
      downAfterFailures: e.CONTROLLER_DOWN_AFTER_FAILURES,
      degradedCpuPercent: e.CONTROLLER_DEGRADED_CPU_PERCENT,
      degradedMemoryPercent: e.CONTROLLER_DEGRADED_MEMORY_PERCENT,
      degradedAfterPolls: e.CONTROLLER_DEGRADED_AFTER_POLLS,
      httpHost: e.CONTROLLER_HTTP_HOST,
      httpPort: e.CONTROLLER_HTTP_PORT,
      alertWebhookUrl: e.ALERT_WEBHOOK_URL,
      alertWebhookSecret: e.ALERT_WEBHOOK_SECRET,
      alertGatherSeconds: e.ALERT_GATHER_SECONDS,
      alertFlapCount: e.ALERT_FLAP_COUNT,
      alertFlapWindowMinutes: e.ALERT_FLAP_WINDOW_MINUTES,
      alertAreaMinSites: e.ALERT_AREA_MIN_SITES,
      alertAreaWindowMinutes: e.ALERT_AREA_WINDOW_MINUTES,
    },
    otp: {
      sender: e.OTP_SENDER,
      webhookUrl: e.OTP_WEBHOOK_URL,
      webhookToken: e.OTP_WEBHOOK_TOKEN,
      webhookTemplate: e.OTP_WEBHOOK_TEMPLATE,
      resendCooldownSeconds: e.OTP_RESEND_COOLDOWN_SECONDS,
      dailyPerNumber: e.OTP_DAILY_PER_NUMBER,
      dailyPerDevice: e.OTP_DAILY_PER_DEVICE,
      dailyPerAddress: e.OTP_DAILY_PER_ADDRESS,
    },
  });
}

/** The variables loadConfig reads, with their meaning: used by --help and kept in step with the README. */
export const CONFIG_VARIABLES: ReadonlyArray<[string, string]> = [
  ['DATABASE_URL', 'PostgreSQL URL; unset = embedded PostgreSQL (PGlite) in CITYWIFI_DATA_DIR'],
  ['CITYWIFI_DATA_DIR', 'where the embedded database and generated key live (default ./data)'],
  ['CITYWIFI_SECRET_KEY', '64 hex characters: the key for secrets at rest (required with DATABASE_URL)'],
  ['CITYWIFI_LOG_LEVEL', 'fatal|error|warn|info|debug|trace|silent (default info)'],
  ['CITYWIFI_TIMEZONE', 'the day boundary for daily quotas (default Asia/Jakarta)'],
  ['RADIUS_HOST', 'address the RADIUS listeners bind (default 0.0.0.0)'],
  ['RADIUS_AUTH_PORT', 'authentication port (default 1812)'],
  ['RADIUS_ACCT_PORT', 'accounting port (default 1813)'],
  ['RADIUS_METRICS_HOST', 'address of the Prometheus metrics listener (default 127.0.0.1)'],
  ['RADIUS_METRICS_PORT', 'port of the Prometheus metrics listener (default 9812; 0 = any free port)'],
  ['RADIUS_RECV_BUFFER_BYTES', 'UDP receive buffer size (default 8 MiB)'],
  ['RADIUS_INTERIM_INTERVAL', 'Acct-Interim-Interval sent in every Access-Accept, seconds (default 300)'],
  ['RADIUS_STALE_AFTER_INTERVALS', 'a session with no update for this many intervals is closed as stale (default 3)'],
  ['RADIUS_DUPLICATE_WINDOW_SECONDS', 'how long a reply is kept to answer retransmissions (default 30)'],
  ['RADIUS_COA_TIMEOUT_MS', 'how long to wait for a router to answer a Disconnect/CoA (default 3000)'],
  ['PORTAL_HOST', 'address the captive portal binds (default 0.0.0.0)'],
  ['PORTAL_PORT', 'port of the captive portal (default 8080)'],
  ['PORTAL_METRICS_HOST', 'address of the portal\'s Prometheus metrics listener (default 127.0.0.1)'],
  ['PORTAL_METRICS_PORT', 'port of the portal\'s Prometheus metrics listener (default 9813; 0 = any free port)'],
  ['PORTAL_TERMS_VERSION', 'version of the terms and privacy notice citizens accept (default 2026-11)'],
  ['PORTAL_CREDENTIAL_TTL_SECONDS', 'how long a one-time RADIUS credential from the portal stays valid (default 180)'],
  ['PORTAL_TRUST_PROXY', 'yes = behind a reverse proxy, take the client address from X-Forwarded-For (default no)'],
  ['PORTAL_LOGIN_RATE_PER_MINUTE', 'login attempts allowed per client address per minute, across all portal processes (default 20)'],
  ['PORTAL_WORKERS', 'worker processes `citywifi portal` runs on its one port, e.g. one per core (default 1; at most 64; needs DATABASE_URL)'],
  ['DASHBOARD_HOST', 'address the dashboard binds (default 127.0.0.1)'],
  ['DASHBOARD_PORT', 'port of the dashboard (default 8081)'],
  ['DASHBOARD_METRICS_HOST', 'address of the dashboard\'s Prometheus metrics listener (default 127.0.0.1)'],
  ['DASHBOARD_METRICS_PORT', 'port of the dashboard\'s Prometheus metrics listener (default 9815; 0 = any free port)'],
  ['DASHBOARD_SESSION_HOURS', 'a dashboard sign-in lasts this many hours (default 12)'],
  ['DASHBOARD_TRUST_PROXY', 'yes = behind a reverse proxy, take the client address from X-Forwarded-For (default no)'],
  ['CONTROLLER_ID', 'this controller\'s name in the fleet leases (default host name and process id)'],
  ['CONTROLLER_INTERVAL_SECONDS', 'each site is polled once per interval (default 60)'],
  ['CONTROLLER_CONCURRENCY', 'polls in flight at once (default 500)'],
  ['CONTROLLER_CONNECT_TIMEOUT_MS', 'time allowed to connect and log in to a router (default 5000)'],
  ['CONTROLLER_COMMAND_TIMEOUT_MS', 'how long a router may stay silent while a poll waits for its answer; a whole poll ends after connect + command timeout at most (default 5000)'],
  ['CONTROLLER_DOWN_AFTER_FAILURES', 'consecutive failed polls before a site is down (default 2)'],
  ['CONTROLLER_DEGRADED_CPU_PERCENT', 'CPU load at or above which a poll counts as unhealthy (default 90)'],
  ['CONTROLLER_DEGRADED_MEMORY_PERCENT', 'memory use at or above which a poll counts as unhealthy (default 95)'],
  ['CONTROLLER_DEGRADED_AFTER_POLLS', 'consecutive unhealthy polls before a site is degraded (default 3)'],
  ['CONTROLLER_HTTP_HOST', 'address of the controller\'s HTTP listener: heartbeats from routers behind NAT and metrics (default 127.0.0.1)'],
  ['CONTROLLER_HTTP_PORT', 'port of the controller\'s HTTP listener: POST /heartbeat, GET /metrics (default 9814; 0 = any free port)'],
  ['ALERT_WEBHOOK_URL', 'where outage and recovery alerts are posted as JSON (unset = recorded for the dashboard, not sent)'],
  ['ALERT_WEBHOOK_SECRET', 'signs each alert (HMAC-SHA256 of the body in X-Citywifi-Signature); required with ALERT_WEBHOOK_URL'],
  ['ALERT_GATHER_SECONDS', 'a new outage waits this long for others in its area, so a power cut is one alert (default 60, at most 60)'],
  ['ALERT_FLAP_COUNT', 'a site down this many times within ALERT_FLAP_WINDOW_MINUTES is reported once as flapping (default 3)'],
  ['ALERT_FLAP_WINDOW_MINUTES', 'the flapping window; a flapping site is quiet until stable this long (default 30)'],
  ['ALERT_AREA_MIN_SITES', 'this many sites of one kelurahan or kecamatan down together make one area alert (default 5)'],
  ['ALERT_AREA_WINDOW_MINUTES', 'outages within this many minutes count as together (default 3)'],
  ['OTP_SENDER', 'console (development, prints codes) or webhook (a real SMS/WhatsApp gateway) (default console)'],
  ['OTP_WEBHOOK_URL', 'the gateway URL the webhook sender posts to (required with OTP_SENDER=webhook)'],
  ['OTP_WEBHOOK_TOKEN', 'bearer token sent to the gateway'],
  ['OTP_WEBHOOK_TEMPLATE', 'the message text; {code} is replaced by the code'],
  ['OTP_RESEND_COOLDOWN_SECONDS', 'seconds before a new code may be sent to the same number (default 60)'],
  ['OTP_DAILY_PER_NUMBER', 'codes per phone number per day (default 5)'],
  ['OTP_DAILY_PER_DEVICE', 'codes per device (MAC) per day (default 5)'],
  ['OTP_DAILY_PER_ADDRESS', 'codes per client address per day (default 30)'],
];
