import { CODE, RadiusClient, RadiusTimeoutError, splitGigawords, type RadiusAttributes, type RadiusReply, type ReplyAttribute } from '../../core/radius/index.js';
import type { HotspotClient, HotspotSession } from './clients.js';

const MIKROTIK = 14988;
const WISPR = 14122;

export interface RadiusServerAddress {
  host: string;
  authPort: number;
  acctPort: number;
  secret: string;
  /** Wait per attempt, like /radius timeout; default 1000 ms. */
  timeoutMs?: number;
  /** Retransmissions after the first attempt; default 2. */
  retries?: number;
  /** The router's own address its RADIUS packets come from (e.g. 127.10.1.7 on loopback); default any. */
  localAddress?: string;
}

/** Who the router is, as its RADIUS packets say it. */
export interface NasIdentity {
  identity: string;
  serverName: string;
  nasIp: string;
  interfaceName: string;
  logoutUrl: string;
}

export type Credentials =
  | { kind: 'mac' }
  | { kind: 'chap'; username: string; chapId: number; response: Buffer; challenge: Buffer }
  | { kind: 'pap'; username: string; password: string };

export type AuthOutcome =
  | { accepted: true; attributes: RadiusAttributes }
  | { accepted: false; message: string };

export type AccountingStatus = 'Start' | 'Interim-Update' | 'Stop';

/** errors.txt's texts for what the router itself decides (§A.8). */
export const ROUTER_ERRORS = {
  radiusTimeout: 'RADIUS server is not responding',
  invalidUsername: 'invalid username or password',
  authInProgress: 'already authorizing, retry later',
} as const;

function firstText(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  if (Buffer.isBuffer(first)) return first.toString('utf8');
  return undefined;
}

function replyMessage(attributes: RadiusAttributes): string | undefined {
  const value: unknown = attributes['Reply-Message'];
  const parts = (Array.isArray(value) ? value : [value]).map(firstText).filter((part): part is string => part !== undefined);
  return parts.length ? parts.join('') : undefined;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The limits and Class of an Access-Accept that the router keeps with the session. */
export function sessionTermsOf(attributes: RadiusAttributes): Pick<HotspotSession, 'class' | 'sessionTimeout' | 'idleTimeout' | 'interimInterval' | 'rateLimit'> {
  const vendor = (attributes['Vendor-Specific'] ?? {}) as Record<string, unknown>;
  const klass: unknown = attributes['Class'];
  return {
    class: typeof klass === 'string' || Buffer.isBuffer(klass) ? klass : undefined,
    sessionTimeout: numberOf(attributes['Session-Timeout']),
    idleTimeout: numberOf(attributes['Idle-Timeout']),
    interimInterval: numberOf(attributes['Acct-Interim-Interval']),
    rateLimit: firstText(vendor['Mikrotik-Rate-Limit']),
  };
}

/**
 * The router's RADIUS client for the hotspot: Access-Requests with the attributes a MikroTik sends
 * (§A.6; Message-Authenticator always, as RouterOS 7.15+ does) and Accounting-Requests (§A.7).
 */
export class HotspotRadius {
  private readonly auth: RadiusClient;
  private readonly acct: RadiusClient;

  constructor(server: RadiusServerAddress, private readonly nas: NasIdentity) {
    const common = { host: server.host, secret: server.secret, timeoutMs: server.timeoutMs, retries: server.retries, localAddress: server.localAddress };
    this.auth = new RadiusClient({ ...common, port: server.authPort });
    this.acct = new RadiusClient({ ...common, port: server.acctPort });
  }

  private commonAttributes(client: HotspotClient, username: string, acctSessionId: string, nasPort: number): ReplyAttribute[] {
    return [
      ['User-Name', username],
      ['NAS-Identifier', this.nas.identity],
      ['NAS-IP-Address', this.nas.nasIp],
      ['NAS-Port', nasPort],
      ['NAS-Port-Type', 'Wireless-802.11'],
      ['NAS-Port-Id', this.nas.interfaceName],
      ['Calling-Station-Id', client.mac],
      ['Called-Station-Id', this.nas.serverName],
      ['Framed-IP-Address', client.ip],
      ['Acct-Session-Id', acctSessionId],
      ['Vendor-Specific', MIKROTIK, [['Mikrotik-Host-IP', client.ip]]],
      ['Vendor-Specific', WISPR, [['WISPr-Logoff-URL', this.nas.logoutUrl]]],
    ];
  }

  /** Asks RADIUS; a server that does not answer is the router's radius-timeout error. */
  async authorize(client: HotspotClient, credentials: Credentials, session: { acctSessionId: string; nasPort: number }): Promise<AuthOutcome> {
    const username = credentials.kind === 'mac' ? client.mac : credentials.username;
    const attributes = this.commonAttributes(client, username, session.acctSessionId, session.nasPort);
    let userPassword: string | undefined;
    if (credentials.kind === 'chap') {
      attributes.push(['CHAP-Password', Buffer.concat([Buffer.of(credentials.chapId), credentials.response])]);
      attributes.push(['CHAP-Challenge', credentials.challenge]);
    } else {
      // login-by=mac with an empty mac-auth-password sends an empty User-Password.
      userPassword = credentials.kind === 'pap' ? credentials.password : '';
    }
    let reply: RadiusReply;
    try {
      reply = await this.auth.request(CODE.ACCESS_REQUEST, attributes, { userPassword, messageAuthenticator: true });
    } catch (error) {
      if (error instanceof RadiusTimeoutError) return { accepted: false, message: ROUTER_ERRORS.radiusTimeout };
      throw error;
    }
    if (reply.code === CODE.ACCESS_ACCEPT) return { accepted: true, attributes: reply.attributes };
    return { accepted: false, message: replyMessage(reply.attributes) ?? ROUTER_ERRORS.invalidUsername };
  }

  /** One Accounting-Request for the session; resolves with the server's answer (after it committed). */
  account(client: HotspotClient, session: HotspotSession, status: AccountingStatus, now: Date, terminateCause?: string): Promise<RadiusReply> {
    const attributes = this.commonAttributes(client, session.username, session.acctSessionId, session.nasPort);
    attributes.push(['Acct-Status-Type', status], ['Acct-Delay-Time', 0]);
    if (session.class !== undefined) attributes.push(['Class', session.class]);
    if (status !== 'Start') {
      const input = splitGigawords(session.inputOctets);
      const output = splitGigawords(session.outputOctets);
      attributes.push(
        ['Acct-Session-Time', Math.max(0, Math.floor((now.getTime() - session.startedAt.getTime()) / 1000))],
        ['Acct-Input-Octets', input.low],
        ['Acct-Input-Gigawords', input.gigawords],
        ['Acct-Output-Octets', output.low],
        ['Acct-Output-Gigawords', output.gigawords],
        ['Acct-Input-Packets', session.inputPackets],
        ['Acct-Output-Packets', session.outputPackets],
      );
    }
    if (status === 'Stop') attributes.push(['Acct-Terminate-Cause', terminateCause ?? 'User-Request']);
    return this.acct.request(CODE.ACCOUNTING_REQUEST, attributes);
  }

  async close(): Promise<void> {
    await Promise.all([this.auth.close(), this.acct.close()]);
  }
}
