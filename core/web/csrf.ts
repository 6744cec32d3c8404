import { randomUUID } from 'node:crypto';
import type { SecretBox } from '../crypto.js';

/**
 * CSRF tokens without server-side state (several processes, no shared memory): a random seed (kept
 * by the service in an HttpOnly cookie, or a session's own id), and in every form a keyed hash of it.
 * A forged form from another site cannot read the cookie, so it cannot know the token. A `scope`
 * keeps one service's tokens from being accepted by another that shares the key.
 */

export function newCsrfSeed(): string {
  // randomUUID draws from a pooled entropy buffer: 122 random bits without a system call per page view.
  return randomUUID().replace(/-/g, '');
}

export function csrfTokenFor(box: SecretBox, seed: string, scope = ''): string {
  return box.keyedHash(scope ? `csrf:${scope}:${seed}` : `csrf:${seed}`).slice(0, 32);
}

const SEED_SHAPE = /^[0-9a-f]{32}$/;

export function isValidCsrfSeed(seed: unknown): seed is string {
  return typeof seed === 'string' && SEED_SHAPE.test(seed);
}

export function verifyCsrfToken(box: SecretBox, seed: unknown, token: unknown, scope = ''): boolean {
  if (!isValidCsrfSeed(seed) || typeof token !== 'string' || token.length !== 32) return false;
  const expected = csrfTokenFor(box, seed, scope);
  let diff = 0;
  for (let i = 0; i < 32; i++) diff |= expected.charCodeAt(i) ^ token.charCodeAt(i);
  return diff === 0;
}
