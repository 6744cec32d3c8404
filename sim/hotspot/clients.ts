import { randomBytes, randomInt } from 'node:crypto';
import { normalizeMac } from '../../core/domain/mac.js';

export type LoginBy = 'mac' | 'http-chap' | 'http-pap';

/** What the router keeps for a logged-in client (a row of /ip hotspot active). */
export interface HotspotSession {
  username: string;
  loginBy: LoginBy;
  acctSessionId: string;
  nasPort: number;
  startedAt: Date;
  /** Echoed in every Accounting-Request, as received in the Access-Accept. */
  class?: string | Buffer;
  sessionTimeout?: number;
  idleTimeout?: number;
  interimInterval?: number;
  rateLimit?: string;
  /** Router's view: input = received from the client (upload), output = sent to it (download). */
  inputOctets: number;
  outputOctets: number;
  inputPackets: number;
  outputPackets: number;
}

/** A client of the hotspot (a row of /ip hotspot host), told apart by its MAC. */
export interface HotspotClient {
  mac: string;
  ip: string;
  session?: HotspotSession;
  /** The MAC login (login-by=mac) has been tried since the client appeared or last logged out. */
  macLoginTried: boolean;
  /** The CHAP values of the latest login page shown to the client; a login post spends them. */
  chap?: { id: number; challenge: Buffer };
  /** A login post is being checked with RADIUS; another one meanwhile gets auth-in-progress, as on a router. */
  loginInProgress?: boolean;
  /** Settles when a MAC login under way ends, so requests that arrive together wait for it. */
  pendingMacLogin?: Promise<void>;
}

/** A locally administered MAC, random so that emulated phones of several runs never collide. */
export function randomMac(): string {
  const bytes = randomBytes(6);
  bytes[0] = (bytes[0] & 0xfc) | 0x02;
  return normalizeMac(bytes.toString('hex'))!;
}

/** The clients of one emulated hotspot, with the addresses its DHCP server would have handed out. */
export class ClientTable {
  private readonly byMac = new Map<string, HotspotClient>();
  private nextHost = 10;
  private nextSession = randomInt(0x1000_0000, 0x7000_0000);

  get all(): ReadonlyMap<string, HotspotClient> {
    return this.byMac;
  }

  find(mac: string): HotspotClient | undefined {
    return this.byMac.get(mac);
  }

  /** The client with this MAC, added (with the next free 10.5.x.y address) when it is new. */
  ensure(mac: string): HotspotClient {
    let client = this.byMac.get(mac);
    if (!client) {
      const host = this.nextHost++;
      client = { mac, ip: `10.5.${50 + Math.floor(host / 250)}.${(host % 250) + 2}`, macLoginTried: false };
      this.byMac.set(mac, client);
    }
    return client;
  }

  /** A new session number: NAS-Port, and as 8 hex digits the Acct-Session-Id (RouterOS's form). */
  nextSessionNumber(): { nasPort: number; acctSessionId: string } {
    const nasPort = this.nextSession++;
    return { nasPort, acctSessionId: nasPort.toString(16).padStart(8, '0') };
  }
}
