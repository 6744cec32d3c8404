import type { Logger } from '../core/logger.js';

/** Logs dropped packets at a bounded rate: the first of each reason, then a count every interval. */
export class DropLog {
  private last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 10_000,
  ) {}

  drop(reason: string, source: string, nowMs: number): void {
    const entry = this.last.get(reason);
    if (entry && nowMs - entry.at < this.intervalMs) {
      entry.suppressed += 1;
      return;
    }
    this.logger.warn({ reason, source, suppressedSinceLast: entry?.suppressed ?? 0 }, 'dropped a RADIUS datagram');
    this.last.set(reason, { at: nowMs, suppressed: 0 });
  }
}
