import { createHash } from 'node:crypto';
import { equalInConstantTime } from './authenticators.js';
import type { RadiusAttributes } from './dictionary.js';

const CHAP_PASSWORD_LENGTH = 17;
/** RFC 2865 §5.40: a CHAP-Challenge attribute carries at least 5 bytes. */
const MIN_CHALLENGE_LENGTH = 5;

/** MD5(CHAP ident ‖ password ‖ challenge) (RFC 1994, RFC 2865 §2.2). */
export function computeChapResponse(chapId: number, password: string, challenge: Buffer): Buffer {
  return createHash('md5').update(Buffer.of(chapId)).update(password, 'utf8').update(challenge).digest();
}

interface ChapRequest {
  attributes: RadiusAttributes;
  authenticator: Buffer;
}

export function hasChap(request: Pick<ChapRequest, 'attributes'>): boolean {
  return request.attributes['CHAP-Password'] !== undefined;
}

/** The challenge is CHAP-Challenge when present, otherwise the Request Authenticator. */
function findChallenge(request: ChapRequest): Buffer | undefined {
  const challenge: unknown = request.attributes['CHAP-Challenge'];
  if (challenge === undefined) return request.authenticator;
  return Buffer.isBuffer(challenge) && challenge.length >= MIN_CHALLENGE_LENGTH ? challenge : undefined;
}

/** Checks CHAP-Password (ident byte + 16-byte response) against the cleartext password, in constant time. */
export function verifyChap(request: ChapRequest, clearPassword: string): boolean {
  const chapPassword: unknown = request.attributes['CHAP-Password'];
  if (!Buffer.isBuffer(chapPassword) || chapPassword.length !== CHAP_PASSWORD_LENGTH) return false;
  const challenge = findChallenge(request);
  if (!challenge) return false;
  const expected = computeChapResponse(chapPassword[0], clearPassword, challenge);
  return equalInConstantTime(expected, chapPassword.subarray(1));
}
