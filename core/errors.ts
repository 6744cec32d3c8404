/** The catalogue of unexpected-failure codes: one line of meaning per code. */
export const ERROR_CODES = {
  CONFIG_INVALID: 'a configuration variable has a bad value',
  DB_UNAVAILABLE: 'the database could not be reached',
  KEY_MISSING: 'no encryption key for secrets at rest',
  CIPHERTEXT_INVALID: 'an encrypted value could not be decrypted with the configured key',
  BAD_ARGUMENT: 'a command-line argument is invalid',
  NOT_FOUND: 'the named record does not exist',
  RADIUS_ENCODE: 'a RADIUS packet could not be encoded',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }
}
