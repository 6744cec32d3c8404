import type { SecretBox } from '../core/crypto.js';
import { normalizeMac } from '../core/domain/mac.js';
import { parseChapValues, type ChapValues } from '../core/domain/mikrotik-escapes.js';
import { validateDestination, validateLinkLoginOnly } from '../core/domain/redirects.js';

/**
 * The router's variables for one phone (what a MikroTik Hotspot passes to an external login page),
 * validated. They travel between the portal's pages in one signed, time-limited hidden field `ctx`.
 */
export interface RouterContext {
  mac: string;
  ip: string;
  identity: string;
  serverName: string;
  /** validated: the router itself (private IPv4 or the site's hotspot host) */
  linkLoginOnly: string;
  /** validated http(s) URL, or '' */
  linkOrig: string;
  /** the octal-escape text exactly as the router sent it ('' = CHAP off) */
  chapId: string;
  chapChallenge: string;
  /** when the portal first saw these values (ms since epoch) */
  issuedAt: number;
}

/** The raw router variables, as GET query parameters or POST form fields. */
export interface RouterVariables {
  mac: string;
  ip: string;
  username: string;
  linkLoginOnly: string;
  linkOrig: string;
  chapId: string;
  chapChallenge: string;
  error: string;
  identity: string;
  serverName: string;
}

/** Longest value accepted for each variable; longer is bad input. */
const LIMITS: Record<keyof RouterVariables, number> = {
  mac: 32,
  ip: 64,
  username: 128,
  linkLoginOnly: 2048,
  linkOrig: 2048,
  chapId: 16,
  chapChallenge: 512,
  error: 512,
  identity: 128,
  serverName: 128,
};

const NAMES: Record<keyof RouterVariables, string> = {
  mac: 'mac',
  ip: 'ip',
  username: 'username',
  linkLoginOnly: 'link-login-only',
  linkOrig: 'link-orig',
  chapId: 'chap-id',
  chapChallenge: 'chap-challenge',
  error: 'error',
  identity: 'identity',
  serverName: 'server-name',
};

/** One text value from a query or form: arrays and over-long values are bad input (undefined). */
export function singleText(value: unknown, max: number): string | undefined {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string' || value.length > max) return undefined;
  return value;
}

/** Reads the router variables from a query or form; undefined when any is malformed or too long. */
export function readRouterVariables(source: Record<string, unknown>): RouterVariables | undefined {
  const out = {} as RouterVariables;
  for (const key of Object.keys(NAMES) as Array<keyof RouterVariables>) {
    const text = singleText(source[NAMES[key]], LIMITS[key]);
    if (text === undefined) return undefined;
    out[key] = text.trim();
  }
  return out;
}

export type ContextProblem = 'no-identity' | 'bad-mac' | 'bad-link-login' | 'bad-destination' | 'bad-chap';

/** A router always sends the same link-login-only: each one is validated once (a pure check), up to a bound. */
const linkChecks = new Map<string, string | undefined>();
const MAX_LINK_CHECKS = 20_000;

function validLinkLoginOnly(text: string, hotspotHost: string | null): string | undefined {
  const key = `${hotspotHost ?? ''} ${text}`;
  if (linkChecks.has(key)) return linkChecks.get(key);
  const valid = validateLinkLoginOnly(text, hotspotHost);
  if (linkChecks.size >= MAX_LINK_CHECKS) linkChecks.clear();
  linkChecks.set(key, valid);
  return valid;
}

/**
 * Phones' captive-network checks open a few well-known addresses (connectivitycheck.gstatic.com,
 * captive.apple.com, …), so link-orig repeats too: each text is validated once, up to a bound.
 */
const destinationChecks = new Map<string, string | undefined>();
const MAX_DESTINATION_CHECKS = 20_000;

function validDestination(text: string): string | undefined {
  if (destinationChecks.has(text)) return destinationChecks.get(text);
  const valid = validateDestination(text);
  if (destinationChecks.size >= MAX_DESTINATION_CHECKS) destinationChecks.clear();
  destinationChecks.set(text, valid);
  return valid;
}

/** A MAC as RouterOS sends it ($(mac)) is already in the normal form. */
const NORMAL_MAC = /^[0-9A-F]{2}(?::[0-9A-F]{2}){5}$/;

/** Validates the variables against the site's hotspot host; the problem says what was wrong. */
export function buildRouterContext(
  vars: RouterVariables,
  hotspotHost: string | null,
  now: Date,
): { ok: true; ctx: RouterContext } | { ok: false; problem: ContextProblem } {
  if (!vars.identity) return { ok: false, problem: 'no-identity' };
  const mac = NORMAL_MAC.test(vars.mac) ? vars.mac : normalizeMac(vars.mac);
  if (!mac) return { ok: false, problem: 'bad-mac' };
  const linkLoginOnly = validLinkLoginOnly(vars.linkLoginOnly, hotspotHost);
  if (!linkLoginOnly) return { ok: false, problem: 'bad-link-login' };
  const linkOrig = vars.linkOrig === '' ? '' : validDestination(vars.linkOrig);
  if (linkOrig === undefined) return { ok: false, problem: 'bad-destination' };
  if (parseChapValues(vars.chapId, vars.chapChallenge).kind === 'invalid') return { ok: false, problem: 'bad-chap' };
  return {
    ok: true,
    ctx: {
      mac,
      ip: vars.ip,
      identity: vars.identity,
      serverName: vars.serverName,
      linkLoginOnly,
      linkOrig,
      chapId: vars.chapId,
      chapChallenge: vars.chapChallenge,
      issuedAt: now.getTime(),
    },
  };
}

/** The CHAP values of a context, or undefined when the router has CHAP off. */
export function chapOf(ctx: RouterContext): ChapValues | undefined {
  const parsed = parseChapValues(ctx.chapId, ctx.chapChallenge);
  return parsed.kind === 'chap' ? parsed.values : undefined;
}

const CONTEXT_VERSION = 'c1';
/** A context older than this is refused: the router's CHAP challenge will have moved on too. */
export const CONTEXT_MAX_AGE_SECONDS = 30 * 60;

function signature(box: SecretBox, payload: string): string {
  return box.keyedHash(`ctx:${payload}`).slice(0, 32);
}

/** The signed `ctx` field: version.payload.signature (base64url JSON and a keyed hash). */
export function signRouterContext(box: SecretBox, ctx: RouterContext): string {
  const payload = Buffer.from(
    JSON.stringify([ctx.mac, ctx.ip, ctx.identity, ctx.serverName, ctx.linkLoginOnly, ctx.linkOrig, ctx.chapId, ctx.chapChallenge, ctx.issuedAt]),
  ).toString('base64url');
  return `${CONTEXT_VERSION}.${payload}.${signature(box, payload)}`;
}

/** The context behind a `ctx` field, or undefined when it is forged, damaged or too old. */
export function verifyRouterContext(box: SecretBox, token: unknown, now: Date): RouterContext | undefined {
  if (typeof token !== 'string' || token.length > 8192) return undefined;
  const [version, payload, sig, ...rest] = token.split('.');
  if (version !== CONTEXT_VERSION || !payload || !sig || rest.length > 0) return undefined;
  if (!constantTimeEqual(sig, signature(box, payload))) return undefined;
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || fields.length !== 9) return undefined;
  const [mac, ip, identity, serverName, linkLoginOnly, linkOrig, chapId, chapChallenge, issuedAt] = fields as [
    string, string, string, string, string, string, string, string, number,
  ];
  const age = now.getTime() - issuedAt;
  if (typeof issuedAt !== 'number' || age < -60_000 || age > CONTEXT_MAX_AGE_SECONDS * 1000) return undefined;
  return { mac, ip, identity, serverName, linkLoginOnly, linkOrig, chapId, chapChallenge, issuedAt };
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
