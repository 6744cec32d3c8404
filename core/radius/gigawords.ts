import { AppError } from '../errors.js';

const TWO_TO_32 = 2 ** 32;

/** bytes = gigawords × 2^32 + octets (Acct-Input/Output-Gigawords, RFC 2869 §5.1–5.2); missing parts count as 0. */
export function combineGigawords(octets: number | undefined, gigawords: number | undefined): number {
  return (gigawords ?? 0) * TWO_TO_32 + (octets ?? 0);
}

/** Splits a byte limit into its low 32 bits and the gigawords above them (Mikrotik-*-Limit and -Limit-Gigawords). */
export function splitGigawords(bytes: number): { low: number; gigawords: number } {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new AppError('RADIUS_ENCODE', `a byte count must be a whole number from 0 to 2^53, not ${bytes}`);
  return { low: bytes % TWO_TO_32, gigawords: Math.floor(bytes / TWO_TO_32) };
}
