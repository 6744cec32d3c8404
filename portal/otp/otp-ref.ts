import type { SecretBox } from '../../core/crypto.js';
import type { OtpPurpose } from './sender.js';

/**
 * What travels in the hidden field between the pages of a code: the number (encrypted and sealed, so
 * it is neither shown in the page's source nor changeable), what the code is for, the device, and
 * until when the field may be used. A `grant` is the same after a right code for "My data": it lets
 * the citizen see and delete their data for a few minutes without another code.
 */
export type RefKind = OtpPurpose | 'grant';

export interface OtpRef {
  phone: string;
  kind: RefKind;
  mac: string | null;
  expiresAt: number;
}

const VERSION = 'r1';

/** How long a code page's field stays usable (several codes and resends fit in it). */
export const REF_TTL_SECONDS = 30 * 60;
/** How long "My data" stays open after a right code. */
export const GRANT_TTL_SECONDS = 10 * 60;

/** Longest sealed value accepted from a form. */
export const MAX_REF_LENGTH = 512;

export function sealOtpRef(box: SecretBox, ref: OtpRef): string {
  return box.encrypt(JSON.stringify({ v: VERSION, p: ref.phone, k: ref.kind, m: ref.mac, e: ref.expiresAt }));
}

/** The sealed field if it is genuine, of the expected kind and device, and not expired; otherwise undefined. */
export function openOtpRef(box: SecretBox, sealed: unknown, expect: { kind: RefKind; mac: string | null; now: Date }): OtpRef | undefined {
  if (typeof sealed !== 'string' || sealed.length === 0 || sealed.length > MAX_REF_LENGTH) return undefined;
  let body: { v?: unknown; p?: unknown; k?: unknown; m?: unknown; e?: unknown };
  try {
    body = JSON.parse(box.decrypt(sealed));
  } catch {
    return undefined;
  }
  if (body.v !== VERSION || typeof body.p !== 'string' || typeof body.e !== 'number') return undefined;
  if (body.k !== expect.kind || (body.m ?? null) !== expect.mac) return undefined;
  if (body.e <= expect.now.getTime()) return undefined;
  return { phone: body.p, kind: expect.kind, mac: expect.mac, expiresAt: body.e };
}
