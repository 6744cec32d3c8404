// What the database's connections for the bench database are waiting on while logins run, sampled
// from pg_stat_activity: shows whether a login waits on commits (WAL flushes), on a row lock or on CPU.
import pg from 'pg';
import { ADMIN_URL } from './postgres.js';

export interface WaitSample {
  /** e.g. "IO:WALSync", "Lock:transactionid", "CPU" */
  wait: string;
  /** the statement's first words */
  statement: string;
  /** share of the active-connection samples */
  share: number;
}

const SAMPLE_EVERY_MS = 50;

/** Starts sampling; the function returned stops and gives the most frequent waits, largest first. */
export async function sampleDatabaseWaits(database: string): Promise<() => Promise<WaitSample[]>> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  const counts = new Map<string, { wait: string; statement: string; n: number }>();
  let total = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query<{ wait: string; statement: string }>(
        `select coalesce(wait_event_type || ':' || wait_event, 'CPU') as wait,
                regexp_replace(left(query, 48), '\\s+', ' ', 'g') as statement
           from pg_stat_activity where datname = $1 and state = 'active' and pid <> pg_backend_pid()`,
        [database],
      );
      for (const row of rows) {
        const key = `${row.wait}|${row.statement}`;
        const entry = counts.get(key) ?? { wait: row.wait, statement: row.statement, n: 0 };
        entry.n++;
        counts.set(key, entry);
        total++;
      }
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
    }
  })();
  return async () => {
    running = false;
    await loop.catch(() => undefined);
    await client.end();
    return [...counts.values()]
      .sort((a, b) => b.n - a.n)
      .map((e) => ({ wait: e.wait, statement: e.statement, share: total > 0 ? e.n / total : 0 }));
  };
}

/** The few largest waits as one line, e.g. `IO:WALSync 31% (insert into rate_limits…), …`. */
export function describeWaits(samples: WaitSample[], count = 5): string {
  if (samples.length === 0) return 'no active connection was seen';
  return samples
    .slice(0, count)
    .map((s) => `${s.wait} ${Math.round(s.share * 100)}% (${s.statement.trim()}…)`)
    .join('; ');
}
