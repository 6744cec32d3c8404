import type { Db } from '../core/db/index.js';
import { recordAccounting, type AccountingRecord } from '../core/db/queries/sessions.js';

interface Pending {
  record: AccountingRecord;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: records that arrive while a write is in flight go together in the next one, so under
 * load many Accounting-Requests share one transaction. Each caller learns only after its record is
 * committed; a batch that fails is retried record by record, so one bad record holds up no other.
 */
export class AccountingWriter {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly db: Db,
    private readonly maxBatch = 500,
    private readonly onError: (error: unknown, records: number) => void = () => {},
  ) {}

  write(record: AccountingRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await recordAccounting(this.db, batch.map((p) => p.record));
        for (const p of batch) p.resolve();
      } catch (error) {
        this.onError(error, batch.length);
        if (batch.length === 1) {
          batch[0].reject(error);
          continue;
        }
        for (const p of batch) {
          try {
            await recordAccounting(this.db, [p.record]);
            p.resolve();
          } catch (single) {
            p.reject(single);
          }
        }
      }
    }
    this.flushing = false;
  }

  /** Waits until everything queued is written (for shutdown). */
  async drain(): Promise<void> {
    while (this.flushing || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
  }
}
