import type { Db } from '../core/db/index.js';
import { recordAccounting, type AccountingRecord } from '../core/db/queries/sessions.js';

interface Pending {
  record: AccountingRecord;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * One lane of group commit: records that arrive while a write is in flight go together in the next
 * one. Each caller learns only after its record is committed; a batch that fails is retried record
 * by record, so one bad record holds up no other.
 */
class Lane {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly db: Db,
    private readonly maxBatch: number,
    private readonly onError: (error: unknown, records: number) => void,
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

  get busy(): boolean {
    return this.flushing || this.queue.length > 0;
  }
}

function laneOf(record: AccountingRecord, lanes: number): number {
  const key = `${record.nasId}|${record.acctSessionId ?? ''}`;
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(hash) % lanes;
}

/**
 * Accounting writes in a few lanes, so the database and this process work in parallel. A session's
 * records always take the same lane, so they land in the order they came; Accounting-On/Off goes
 * down every lane, after whatever each had before it, and is answered once all have applied it.
 */
export class AccountingWriter {
  private readonly lanes: Lane[];

  constructor(db: Db, options: { lanes?: number; maxBatch?: number; onError?: (error: unknown, records: number) => void } = {}) {
    const count = Math.max(1, options.lanes ?? 2);
    this.lanes = Array.from({ length: count }, () => new Lane(db, options.maxBatch ?? 500, options.onError ?? (() => {})));
  }

  write(record: AccountingRecord): Promise<void> {
    if (record.status === 'accounting-on' || record.status === 'accounting-off') {
      return Promise.all(this.lanes.map((lane) => lane.write(record))).then(() => undefined);
    }
    return this.lanes[laneOf(record, this.lanes.length)].write(record);
  }

  /** Waits until everything queued is written (for shutdown). */
  async drain(): Promise<void> {
    while (this.lanes.some((lane) => lane.busy)) await new Promise((r) => setTimeout(r, 5));
  }
}
