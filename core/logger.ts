import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'chapPassword',
  '*.chapPassword',
  'chapResponse',
  '*.chapResponse',
  'sharedSecret',
  '*.sharedSecret',
  'routerPassword',
  '*.routerPassword',
  'phone',
  '*.phone',
  'cookie',
  '*.cookie',
  'req.headers.cookie',
  'req.headers.authorization',
  'headers.cookie',
  'headers.authorization',
  'otpCode',
  '*.otpCode',
  '*.otp',
];

/** One pino root per service; modules take child loggers from it. */
export function createLogger(
  service: string,
  options: { level?: string; destination?: pino.DestinationStream } = {},
): Logger {
  return pino(
    {
      name: service,
      level: options.level ?? 'info',
      base: { service },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
