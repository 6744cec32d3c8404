// What the load generator sends: hotspot-like CHAP logins and Start/Interim-Update/Stop accounting
// for 10,000 named users, encoded before any timed phase so encoding never limits the rate.
import { randomBytes } from 'node:crypto';
import { CODE, encodeRequest, type RequestAttribute } from './encode.js';

export interface BenchUser {
  username: string;
  password: string;
  mac: string;
  ip: string;
}

/** The plan both servers answer with (FreeRADIUS: radgroupreply; citywifi: the account's plan). */
export const PLAN = {
  name: 'bench',
  rateLimit: '2M/5M',
  sessionTimeout: 3600,
  idleTimeout: 600,
  interimInterval: 300,
} as const;

export const NAS_IDENTIFIER = 'bench-hotspot';
export const NAS_ADDRESS = '127.0.0.1';
const CALLED_STATION_ID = 'hotspot1';
const NAS_PORT_ID = 'bridge-hotspot';
const WIRELESS_802_11 = 19;

const ALPHABET = 'abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY2345679';

function randomText(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

/** user00001..userNNNNN, each with its own random password, phone MAC and hotspot address. */
export function makeUsers(count: number): BenchUser[] {
  const users: BenchUser[] = [];
  for (let i = 1; i <= count; i++) {
    const hex = i.toString(16).padStart(6, '0').toUpperCase();
    users.push({
      username: `user${String(i).padStart(5, '0')}`,
      password: randomText(12),
      mac: `AA:BB:CC:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`,
      ip: `10.${5 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`,
    });
  }
  return users;
}

export function makeSecret(): string {
  return randomText(24);
}

/**
 * Packet p goes out on socket p % sockets as that socket's (p / sockets)th request, so its
 * identifier is fixed at encoding time. The load generator sends in exactly this order.
 */
export function identifierFor(index: number, sockets: number): number {
  return Math.floor(index / sockets) % 256;
}

function accessAttributes(user: BenchUser): RequestAttribute[] {
  return [
    ['User-Name', user.username],
    ['NAS-Identifier', NAS_IDENTIFIER],
    ['NAS-IP-Address', NAS_ADDRESS],
    ['NAS-Port-Type', WIRELESS_802_11],
    ['Calling-Station-Id', user.mac],
    ['Called-Station-Id', CALLED_STATION_ID],
    ['Framed-IP-Address', user.ip],
  ];
}

/** One CHAP login as a MikroTik hotspot sends it, with Message-Authenticator (RouterOS 7.15+). */
export function encodeChapRequest(user: BenchUser, identifier: number, secret: string, entropy?: Buffer): Buffer {
  const random = entropy ?? randomBytes(17);
  return encodeRequest(CODE.ACCESS_REQUEST, identifier, accessAttributes(user), secret, {
    messageAuthenticator: true,
    chap: { password: user.password, id: random[0], challenge: random.subarray(1, 17) },
  });
}

/** `count` CHAP Access-Requests cycling over the users from `firstUser`, each with its own challenge. */
export function buildChapStream(users: BenchUser[], count: number, sockets: number, secret: string, firstUser = 0): RequestStream {
  const entropy = randomBytes(count * 17);
  const packets: Buffer[] = new Array(count);
  for (let p = 0; p < count; p++) {
    const user = users[(firstUser + p) % users.length];
    packets[p] = encodeChapRequest(user, identifierFor(p, sockets), secret, entropy.subarray(p * 17, p * 17 + 17));
  }
  return { packets };
}

type Stage = 'Start' | 'Interim-Update' | 'Stop';

export interface AccountingSession {
  user: BenchUser;
  sessionId: string;
  nasPort: number;
}

/** Session k of a run: a user, a MikroTik-style Acct-Session-Id unique to the run, a NAS-Port. */
export function sessionFor(users: BenchUser[], runTag: string, k: number): AccountingSession {
  return { user: users[k % users.length], sessionId: `${runTag}${k.toString(16).padStart(8, '0')}`, nasPort: 0x80000000 + (k % 0x7fffffff) };
}

/** One accounting request: Start at now-600 s, an interim at 300 s, Stop at 600 s with counters. */
export function encodeAccountingRequest(session: AccountingSession, stage: Stage, identifier: number, secret: string, now: number): Buffer {
  const { user } = session;
  const elapsed = stage === 'Start' ? 0 : stage === 'Interim-Update' ? 300 : 600;
  const attributes: RequestAttribute[] = [
    ['User-Name', user.username],
    ['Acct-Status-Type', stage],
    ['Acct-Session-Id', session.sessionId],
    ['NAS-Identifier', NAS_IDENTIFIER],
    ['NAS-IP-Address', NAS_ADDRESS],
    ['NAS-Port', session.nasPort],
    ['NAS-Port-Id', NAS_PORT_ID],
    ['NAS-Port-Type', WIRELESS_802_11],
    ['Calling-Station-Id', user.mac],
    ['Called-Station-Id', CALLED_STATION_ID],
    ['Framed-IP-Address', user.ip],
    ['Acct-Authentic', 'RADIUS'],
    ['Event-Timestamp', now - 600 + elapsed],
    ['Acct-Delay-Time', 0],
  ];
  if (stage !== 'Start') {
    const scale = elapsed / 300;
    attributes.push(
      ['Acct-Session-Time', elapsed],
      ['Acct-Input-Octets', 1_250_000 * scale],
      ['Acct-Output-Octets', 9_800_000 * scale],
      ['Acct-Input-Gigawords', 0],
      ['Acct-Output-Gigawords', 0],
      ['Acct-Input-Packets', 4_100 * scale],
      ['Acct-Output-Packets', 8_300 * scale],
    );
  }
  if (stage === 'Stop') attributes.push(['Acct-Terminate-Cause', 'User-Request']);
  return encodeRequest(CODE.ACCOUNTING_REQUEST, identifier, attributes, secret);
}

/** Requests in sending order; after[p] is the request that must be answered (or lost) before p is sent, or -1. */
export interface RequestStream {
  packets: Buffer[];
  after?: Int32Array;
}

/**
 * `count` accounting requests in rounds: round r sends Start of session r, Interim-Update of session
 * r-gap and Stop of session r-2*gap, and each waits for the one before it in its session, as on a
 * real router where they are minutes apart. With a gap well above the requests in flight that wait
 * almost never happens.
 */
export function buildAccountingStream(
  users: BenchUser[],
  count: number,
  sockets: number,
  secret: string,
  options: { runTag: string; firstSession: number; gap: number },
): RequestStream {
  const now = Math.floor(Date.now() / 1000);
  const packets: Buffer[] = [];
  const after = new Int32Array(count).fill(-1);
  const { runTag, firstSession, gap } = options;
  /** The latest request of each live session (a session lives 2*gap rounds), by session number modulo. */
  const latest = new Int32Array(2 * gap + 1).fill(-1);
  for (let round = 0; packets.length < count; round++) {
    const stages: Array<[Stage, number]> = [
      ['Stop', round - 2 * gap],
      ['Interim-Update', round - gap],
      ['Start', round],
    ];
    for (const [stage, k] of stages) {
      if (k < 0 || packets.length >= count) continue;
      const slot = k % latest.length;
      const p = packets.length;
      if (stage !== 'Start') after[p] = latest[slot];
      latest[slot] = p;
      const session = sessionFor(users, runTag, firstSession + k);
      packets.push(encodeAccountingRequest(session, stage, identifierFor(p, sockets), secret, now));
    }
  }
  return { packets, after };
}

export function makeRunTag(): string {
  return randomBytes(2).toString('hex');
}
