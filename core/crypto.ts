import { createCipheriv, createDecipheriv, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Config } from './config.js';
import { AppError } from './errors.js';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

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

const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** A slow, salted hash for passwords that are only ever compared (dashboard admins). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, SCRYPT_PARAMS);
  return `scrypt$${SCRYPT_PARAMS.N}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    ...SCRYPT_PARAMS,
    N: Number(n),
  });
  return timingSafeEqual(actual, expected);
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
