/**
 * Retransmissions (RFC 5080 §2.2.2): the same source address and port, Identifier and Request
 * Authenticator within a short window get the reply already sent, and nothing is done twice.
 * A retransmission that arrives while the first copy is still being handled is dropped: the reply
 * to the first copy answers both.
 */
interface Entry {
  at: number;
  reply?: Buffer;
}

export type DuplicateCheck = { kind: 'new' } | { kind: 'in-progress' } | { kind: 'answered'; reply: Buffer };

export class DuplicateCache {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries = 200_000,
  ) {}

  static key(address: string, port: number, identifier: number, authenticator: Buffer): string {
    return `${address}|${port}|${identifier}|${authenticator.toString('base64')}`;
  }

  /** Looks the request up and, when it is new, marks it in progress. */
  check(key: string, nowMs: number): DuplicateCheck {
    this.evict(nowMs);
    const entry = this.entries.get(key);
    if (!entry) {
      this.entries.set(key, { at: nowMs });
      return { kind: 'new' };
    }
    return entry.reply ? { kind: 'answered', reply: entry.reply } : { kind: 'in-progress' };
  }

  answered(key: string, reply: Buffer): void {
    const entry = this.entries.get(key);
    if (entry) entry.reply = reply;
  }

  /** Forgets a request that got no reply (it was dropped), so a retransmission is handled afresh. */
  forget(key: string): void {
    this.entries.delete(key);
  }

  private evict(nowMs: number): void {
    for (const [key, entry] of this.entries) {
      if (nowMs - entry.at < this.windowMs && this.entries.size <= this.maxEntries) break;
      this.entries.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
