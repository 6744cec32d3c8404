import type { Request, Response } from 'express';
import type { SecretBox } from '../../core/crypto.js';

/**
 * A signed cookie saying "this browser verified device MAC until T", so the login page can offer
 * "continue" without a database look-up on every view. POST /login/continue still checks the device.
 */
export const REMEMBERED_COOKIE = 'cw_device';
const COOKIE = REMEMBERED_COOKIE;

function sign(box: SecretBox, body: string): string {
  return box.keyedHash(`device:${body}`).slice(0, 32);
}

export function readRememberedCookie(req: Request, box: SecretBox): { mac: string; until: number } | undefined {
  const value: unknown = req.cookies?.[COOKIE];
  if (typeof value !== 'string' || value.length > 128) return undefined;
  const [mac, until, sig] = value.split('|');
  if (!mac || !until || !sig || sign(box, `${mac}|${until}`) !== sig) return undefined;
  return { mac, until: Number(until) };
}

export function setRememberedCookie(req: Request, res: Response, box: SecretBox, value: { mac: string; until: number }): void {
  const body = `${value.mac}|${value.until}`;
  res.cookie(COOKIE, `${body}|${sign(box, body)}`, {
    httpOnly: true,
    sameSite: 'lax',
    secure: req.secure,
    path: '/',
    expires: new Date(value.until),
  });
}
