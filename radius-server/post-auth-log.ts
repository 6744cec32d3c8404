import type { Db } from '../core/db/index.js';
import { insertPostAuthEntries, type PostAuthEntry } from '../core/db/queries/radius-auth.js';

/** Login outcomes are written in batches beside the hot path: a reply never waits for the log. */
export class PostAuthLog {
  private buffer: PostAuthEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly onError: (error: unknown) => void,
    private readonly intervalMs = 250,
    private readonly maxBuffer = 1000,
  ) {}

  add(entry: PostAuthEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length >= this.maxBuffer) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const entries = this.buffer;
    this.buffer = [];
    this.writing = this.writing.then(() => insertPostAuthEntries(this.db, entries)).catch(this.onError);
    return this.writing;
  }
}
