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
  } else if (!isValidTimezone(result.data.CITYWIFI_TIMEZONE)) {
    problems.push(`CITYWIFI_TIMEZONE=${JSON.stringify(result.data.CITYWIFI_TIMEZONE)}: not a known IANA time zone`);
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
];
