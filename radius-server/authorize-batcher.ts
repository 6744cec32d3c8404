import type { Db } from '../core/db/index.js';
import { authorizeLogins, type AuthorizeFacts, type AuthorizeInput } from '../core/db/queries/radius-auth.js';

interface Pending {
  input: AuthorizeInput;
  resolve: (facts: AuthorizeFacts) => void;
  reject: (error: unknown) => void;
}

/**
 * Access-Requests that arrive while earlier ones are with the database are looked up together in
 * the next round trip. A few batches may be in flight at once, so the database and this process
 * work in parallel; under light load a batch is a single request and nothing waits.
 *
 * A batch's commit does not wait for the WAL flush (radius_authorize_batch sets synchronous_commit
 * off for its own transaction, migration 20261125000500). Its only write is the spend of one-time
 * portal credentials: random, bound to the phone's MAC, valid minutes. Lost in a PostgreSQL crash in
 * the ~0.6 s before the flush, a spend leaves the credential usable once more by that same phone
 * until it expires, as going through the portal again would. Accounting (accounting-writer.ts)
 * stays synchronous: an Accounting-Response only after the record is durably committed.
 */
export class AuthorizeBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;

  constructor(
    private readonly db: Db,
    private readonly maxInFlight = 3,
    private readonly maxBatch = 200,
  ) {}

  authorize(input: AuthorizeInput): Promise<AuthorizeFacts> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight += 1;
      authorizeLogins(this.db, batch.map((p) => p.input))
        .then(
          (facts) => batch.forEach((p, i) => p.resolve(facts[i])),
          (error) => batch.forEach((p) => p.reject(error)),
        )
        .finally(() => {
          this.inFlight -= 1;
          this.pump();
        });
    }
  }
}
