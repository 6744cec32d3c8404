import type { Db } from '../index.js';

/**
 * The purge (DESIGN.md "Citizens' data"): every data class in retention_settings loses its rows
 * older than keep_days. Rows go in batches of a few thousand, each its own short statement, so no
 * lock is held for long and accounting and the portal never wait; a month of sessions whose every
 * row has expired is dropped whole (its partition), which costs nothing however big it is.
 *
 * What "older" means for each class is in PURGE_RULES. Blocked subscribers and devices are kept
 * while they are blocked (the block is why they are kept), and a device stays while it is
 * remembered. rollups_daily has no class: it holds no personal data and is kept for good.
 */

interface PurgeRule {
  table: string;
  /** which rows have expired; :cutoff is now − keep_days, :now is now */
  expired: string;
}

export const PURGE_RULES: Readonly<Record<string, PurgeRule>> = {
  post_auth_log: { table: 'post_auth_log', expired: 'at < :cutoff' },
  credentials: { table: 'credentials', expired: 'expires_at < :cutoff' },
  otp_codes: { table: 'otp_codes', expired: 'sent_at < :cutoff' },
  samples: { table: 'samples', expired: 'at < :cutoff' },
  rollups_hourly: { table: 'rollups_hourly', expired: 'hour < :cutoff' },
  devices: {
    table: 'devices',
    expired: 'last_seen_at < :cutoff and not blocked and (remembered_until is null or remembered_until < :now)',
  },
  subscribers: { table: 'subscribers', expired: 'coalesce(last_seen_at, created_at) < :cutoff and not blocked' },
  feedback: { table: 'feedback', expired: 'at < :cutoff' },
  audit_log: { table: 'audit_log', expired: 'at < :cutoff' },
  site_state_changes: { table: 'site_state_changes', expired: 'at < :cutoff' },
  site_events: { table: 'site_events', expired: 'at < :cutoff' },
  problem_reports: { table: 'problem_reports', expired: 'at < :cutoff' },
  rate_limits: { table: 'rate_limits', expired: 'expires_at < :cutoff' },
  sessions: { table: 'sessions', expired: 'started_at < :cutoff' },
};

export interface RetentionClass {
  dataClass: string;
  keepDays: number;
  description: string;
}

export interface PurgeCount {
  dataClass: string;
  keepDays: number;
  /** rows older than this have expired */
  cutoff: Date;
  /** rows deleted (or, in a dry run, that would be) */
  rows: number;
  /** whole monthly partitions of sessions dropped (or that would be) */
  partitionsDropped: number;
  /** set when the class is not purged, and why */
  skipped?: string;
}

export interface PurgeOptions {
  /** count what has expired, delete nothing */
  dryRun?: boolean;
  /** rows per delete statement (default 5000) */
  batchSize?: number;
  /** told after each class */
  onClass?: (count: PurgeCount) => void;
}

const DAY_MS = 86_400_000;

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function listRetentionClasses(db: Db): Promise<RetentionClass[]> {
  const rows = (await db('retention_settings').orderBy('data_class').select('data_class', 'keep_days', 'description')) as Array<{
    data_class: string;
    keep_days: number;
    description: string;
  }>;
  return rows.map((r) => ({ dataClass: r.data_class, keepDays: r.keep_days, description: r.description }));
}

async function countExpired(db: Db, table: string, expired: string, params: Record<string, unknown>): Promise<number> {
  const result = await db.raw(`select count(*) as n from ${quoteIdent(table)} where ${expired}`, params);
  return Number(result.rows[0].n);
}

/** Deletes the expired rows of one plain table, `batchSize` at a time, each batch its own statement. */
async function deleteInBatches(db: Db, table: string, expired: string, params: Record<string, unknown>, batchSize: number): Promise<number> {
  const t = quoteIdent(table);
  let total = 0;
  for (;;) {
    const result = await db.raw(
      `with gone as (
         delete from ${t} where ctid = any(array(select ctid from ${t} where ${expired} limit ${batchSize})) and ${expired}
         returning 1)
       select count(*) as n from gone`,
      params,
    );
    const n = Number(result.rows[0].n);
    total += n;
    if (n < batchSize) return total;
  }
}

interface SessionPartition {
  name: string;
  /** the end of its range; null for the default partition */
  upperBound: Date | null;
}

async function listSessionPartitions(db: Db): Promise<SessionPartition[]> {
  const result = await db.raw(
    `select c.relname as name,
            case when pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' then null
                 else cast(substring(pg_get_expr(c.relpartbound, c.oid) from 'TO \\(''([^'']+)''\\)') as timestamptz) end as upper_bound
     from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = cast('sessions' as regclass)
     order by c.relname`,
  );
  return (result.rows as Array<{ name: string; upper_bound: unknown }>).map((r) => ({
    name: r.name,
    upperBound: r.upper_bound === null || r.upper_bound === undefined ? null : new Date(r.upper_bound as string | Date),
  }));
}

/**
 * Detaches and drops a month of sessions. The catalogue change needs a moment's exclusive lock on
 * sessions: it waits at most 2 s for it (accounting is never held up longer), and returns false
 * if it did not get it, leaving the rows to be deleted in batches.
 */
async function dropPartition(db: Db, name: string): Promise<boolean> {
  try {
    await db.transaction(async (tx) => {
      await tx.raw("set local lock_timeout = '2s'");
      await tx.raw(`alter table sessions detach partition ${quoteIdent(name)}`);
      await tx.raw(`drop table ${quoteIdent(name)}`);
    });
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') return false;
    throw error;
  }
}

async function purgeSessions(db: Db, params: { cutoff: Date; now: Date }, dryRun: boolean, batchSize: number): Promise<{ rows: number; partitionsDropped: number }> {
  const expired = 'started_at < :cutoff';
  let rows = 0;
  let partitionsDropped = 0;
  for (const part of await listSessionPartitions(db)) {
    const whole = part.upperBound !== null && part.upperBound.getTime() <= params.cutoff.getTime();
    if (dryRun) {
      rows += await countExpired(db, part.name, expired, params);
      if (whole) partitionsDropped++;
      continue;
    }
    if (whole) {
      const n = await countExpired(db, part.name, 'true', params);
      if (await dropPartition(db, part.name)) {
        rows += n;
        partitionsDropped++;
        continue;
      }
    }
    rows += await deleteInBatches(db, part.name, expired, params, batchSize);
  }
  return { rows, partitionsDropped };
}

/**
 * Purges every class in retention_settings at `now`, or with dryRun only counts: one count per
 * class, in the order of retention_settings. A class with no rule here is reported as skipped.
 */
export async function purgeExpired(db: Db, now: Date, options: PurgeOptions = {}): Promise<PurgeCount[]> {
  const dryRun = options.dryRun ?? false;
  const batchSize = options.batchSize ?? 5000;
  const counts: PurgeCount[] = [];
  for (const c of await listRetentionClasses(db)) {
    const cutoff = new Date(now.getTime() - c.keepDays * DAY_MS);
    const count: PurgeCount = { dataClass: c.dataClass, keepDays: c.keepDays, cutoff, rows: 0, partitionsDropped: 0 };
    const rule = PURGE_RULES[c.dataClass];
    const params = { cutoff, now };
    if (!rule) {
      count.skipped = 'no purge rule for this class';
    } else if (rule.table === 'sessions') {
      Object.assign(count, await purgeSessions(db, params, dryRun, batchSize));
    } else if (dryRun) {
      count.rows = await countExpired(db, rule.table, rule.expired, params);
    } else {
      count.rows = await deleteInBatches(db, rule.table, rule.expired, params, batchSize);
    }
    options.onClass?.(count);
    counts.push(count);
  }
  return counts;
}
