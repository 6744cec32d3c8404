import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import argon2 from 'argon2';
import type { Config } from './config.js';
import { AppError } from './errors.js';

const VERSION = 'v1';

/** Encrypts secrets at rest (AES-256-GCM) and makes keyed hashes for look-ups, with one 32-byte key. */
export interface SecretBox {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
  keyedHash(value: string): string;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new AppError('KEY_MISSING', 'the secret key must be 32 bytes');
  const encKey = createHmac('sha256', key).update('citywifi:encrypt').digest();
  const macKey = createHmac('sha256', key).update('citywifi:lookup').digest();
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `${VERSION}.${iv.toString('base64url')}.${body.toString('base64url')}.${tag.toString('base64url')}`;
    },
    decrypt(sealed) {
      const parts = sealed.split('.');
      if (parts.length !== 4 || parts[0] !== VERSION) {
        throw new AppError('CIPHERTEXT_INVALID', 'not a citywifi encrypted value');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', encKey, Buffer.from(parts[1], 'base64url'));
        decipher.setAuthTag(Buffer.from(parts[3], 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(parts[2], 'base64url')), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw new AppError('CIPHERTEXT_INVALID', 'the value was not encrypted with this key', { cause });
      }
    },
    keyedHash(value) {
      return createHmac('sha256', macKey).update(value).digest('hex');
    },
  };
}

/**
 * The key for secrets at rest: CITYWIFI_SECRET_KEY, or for the embedded database one generated once
 * and kept in the data directory. A server database without a configured key is refused.
 */
export function loadSecretKey(config: Config): Buffer {
  if (config.secretKeyHex) return Buffer.from(config.secretKeyHex, 'hex');
  if (config.databaseUrl) {
    throw new AppError(
      'KEY_MISSING',
      'CITYWIFI_SECRET_KEY is required with DATABASE_URL (make one with: openssl rand -hex 32)',
    );
  }
  const file = join(config.dataDir, 'secret.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600 });
  return key;
}

/**
 * argon2id at OWASP's recommended cost (19 MiB, 2 passes, 1 lane): tens of milliseconds per check on
 * a small server, so guessing offline is slow and a sign-in stays quick.
 */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** A slow, salted hash for passwords that are only ever compared (dashboard admins): argon2id, PHC string. */
export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

/** Whether `password` matches a stored hash; false (never a throw) for a hash that is not argon2's. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (!stored.startsWith('$argon2')) return false;
  try {
    return await argon2.verify(stored, password);
  } catch {
    return false;
  }
}

const TOKEN_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Random printable ASCII from an unambiguous alphabet (one-time credentials, voucher codes). */
export function randomToken(length: number, alphabet = TOKEN_ALPHABET): string {
  const out: string[] = [];
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // Rejection sampling keeps every character equally likely.
      if (byte < 256 - (256 % alphabet.length)) out.push(alphabet[byte % alphabet.length]);
      if (out.length === length) break;
    }
  }
  return out.join('');
}
