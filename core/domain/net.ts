import { BlockList, isIP } from 'node:net';

interface Network {
  family: 4 | 6;
  bytes: number[];
  prefix: number;
}

function toBytes(address: string, family: 4 | 6): number[] {
  if (family === 4) return address.split('.').map(Number);
  // The URL parser writes IPv6 in its canonical form, embedded IPv4 included, which is easy to expand.
  const canonical = new URL(`http://[${address}]`).hostname.slice(1, -1);
  const [head, tail] = canonical.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const known = [...groups(head), ...groups(tail)].length;
  const all = tail === undefined ? groups(head) : [...groups(head), ...Array(8 - known).fill('0'), ...groups(tail)];
  return all.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

function formatBytes({ family, bytes }: Pick<Network, 'family' | 'bytes'>): string {
  if (family === 4) return bytes.join('.');
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return new URL(`http://[${groups.join(':')}]`).hostname.slice(1, -1);
}

function maskBytes(bytes: number[], prefix: number): number[] {
  return bytes.map((byte, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return byte & ((0xff << (8 - bits)) & 0xff);
  });
}

function isMappedIpv4(bytes: number[]): boolean {
  return bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

function parseNetwork(text: string): Network | undefined {
  const [address, prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0 || address.includes('%')) return undefined;
  const family = isIP(address);
  if (family !== 4 && family !== 6) return undefined;
  const width = family === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  if (prefix > width) return undefined;
  const bytes = maskBytes(toBytes(address, family), prefix);
  // An IPv4 peer seen on a dual-stack socket is the same peer as its plain IPv4 address.
  if (family === 6 && prefix >= 96 && isMappedIpv4(bytes)) return { family: 4, bytes: bytes.slice(12), prefix: prefix - 96 };
  return { family, bytes, prefix };
}

/**
 * An IPv4 or IPv6 address, or a network in CIDR notation, in one normal form: lowercase, IPv6
 * compressed, host bits of a network cleared ('10.0.0.7/24' → '10.0.0.0/24'), a single-host prefix
 * dropped ('10.0.0.1/32' → '10.0.0.1'), IPv4-mapped IPv6 as IPv4. Undefined when it is neither.
 */
export function parseAddressOrCidr(text: string): string | undefined {
  const network = parseNetwork(text);
  if (!network) return undefined;
  const address = formatBytes(network);
  return network.prefix === (network.family === 4 ? 32 : 128) ? address : `${address}/${network.prefix}`;
}

/** Whether an IP address (as a socket reports it) falls within an address or CIDR entry. */
export function isAddressWithin(ip: string, entry: string): boolean {
  const network = parseNetwork(entry);
  const family = isIP(ip);
  if (!network || family === 0) return false;
  const list = new BlockList();
  list.addSubnet(formatBytes(network), network.prefix, network.family === 4 ? 'ipv4' : 'ipv6');
  return list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}
