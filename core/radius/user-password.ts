import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import { ATTRIBUTE, listAttributes, valueOf } from './packet-layout.js';

const BLOCK = 16;
const MAX_HIDDEN_LENGTH = 128;

/** XORs each 16-byte block with MD5(secret ‖ previous ciphertext block), starting from the authenticator (RFC 2865 §5.2). */
function xorBlocks(input: Buffer, secret: string, authenticator: Buffer, hiding: boolean): Buffer {
  const output = Buffer.allocUnsafe(input.length);
  let chain = authenticator;
  for (let offset = 0; offset < input.length; offset += BLOCK) {
    const pad = createHash('md5').update(secret).update(chain).digest();
    for (let i = 0; i < BLOCK; i++) output[offset + i] = input[offset + i] ^ pad[i];
    chain = (hiding ? output : input).subarray(offset, offset + BLOCK);
  }
  return output;
}

/** The User-Password attribute value for a cleartext password: zero-padded to 16-byte blocks, then hidden. */
export function hideUserPassword(password: string, secret: string, authenticator: Buffer): Buffer {
  const clear = Buffer.from(password, 'utf8');
  if (clear.length > MAX_HIDDEN_LENGTH) throw new AppError('RADIUS_ENCODE', `a User-Password is at most ${MAX_HIDDEN_LENGTH} bytes`);
  const padded = Buffer.alloc(Math.max(BLOCK, Math.ceil(clear.length / BLOCK) * BLOCK));
  clear.copy(padded);
  return xorBlocks(padded, secret, authenticator, true);
}

/** RFC 2865 §5.2 un-hiding; undefined when absent, repeated or malformed (not 16-byte blocks, over 128 bytes). */
export function decryptUserPassword(request: { raw: Buffer; authenticator: Buffer }, secret: string): string | undefined {
  const spans = listAttributes(request.raw).filter((span) => span.type === ATTRIBUTE.USER_PASSWORD);
  if (spans.length !== 1) return undefined;
  const hidden = valueOf(request.raw, spans[0]);
  if (hidden.length === 0 || hidden.length % BLOCK !== 0 || hidden.length > MAX_HIDDEN_LENGTH) return undefined;
  const padded = xorBlocks(hidden, secret, request.authenticator, false);
  let end = padded.length;
  while (end > 0 && padded[end - 1] === 0) end--;
  return padded.toString('utf8', 0, end);
}
