import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { SecretBox } from '../core/crypto.js';
import type { RadiusClientRecord } from '../core/db/queries/radius-clients.js';

/** A known RADIUS client (NAS) with its secret decrypted, held in memory. */
export interface RadiusClient extends Omit<RadiusClientRecord, 'secretEnc'> {
  secret: string;
}

interface CidrEntry {
  list: BlockList;
  client: RadiusClient;
}

/** Strips the IPv4-mapped prefix a dual-stack socket reports. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/** Finds the client for a source address: an exact address first, then the narrowest CIDR that holds it. */
export class ClientTable {
  private exact = new Map<string, RadiusClient>();
  private cidrs: CidrEntry[] = [];

  constructor(records: RadiusClientRecord[] = [], box?: SecretBox) {
    if (box) this.replace(records, box);
  }

  replace(records: RadiusClientRecord[], box: SecretBox): void {
    const exact = new Map<string, RadiusClient>();
    const cidrs: Array<CidrEntry & { prefix: number }> = [];
    for (const { secretEnc, ...rest } of records) {
      const client: RadiusClient = { ...rest, secret: box.decrypt(secretEnc) };
      const [ip, prefixText] = client.address.split('/');
      const family = isIPv6(ip) ? 'ipv6' : 'ipv4';
      const full = family === 'ipv4' ? 32 : 128;
      const prefix = prefixText === undefined ? full : Number(prefixText);
      if (prefix === full) {
        exact.set(ip, client);
      } else {
        const list = new BlockList();
        list.addSubnet(ip, prefix, family);
        cidrs.push({ list, client, prefix });
      }
    }
    cidrs.sort((a, b) => b.prefix - a.prefix);
    this.exact = exact;
    this.cidrs = cidrs;
  }

  find(sourceAddress: string): RadiusClient | undefined {
    const address = plainAddress(sourceAddress);
    const hit = this.exact.get(address);
    if (hit) return hit;
    const family = isIPv6(address) ? 'ipv6' : 'ipv4';
    for (const entry of this.cidrs) if (entry.list.check(address, family)) return entry.client;
    return undefined;
  }

  get size(): number {
    return this.exact.size + this.cidrs.length;
  }
}
