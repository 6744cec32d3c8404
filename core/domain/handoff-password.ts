import { computeChapResponse } from '../radius/chap.js';
import type { ChapValues } from './mikrotik-escapes.js';

/**
 * What the browser posts to the router as `password`: with CHAP (the router sent chap-id), the
 * lowercase hex of MD5(chap-id byte ‖ password ‖ challenge bytes), computed here on the server so no
 * octal escape ever reaches JavaScript; without CHAP, the plain one-time password (PAP).
 */
export function handoffPassword(password: string, chap: ChapValues | undefined): string {
  if (!chap) return password;
  return computeChapResponse(chap.id, password, chap.challenge).toString('hex');
}
