import type { Db, Tx } from '../index.js';

/**
 * The audit log (table audit_log): who changed what through the dashboard, the command line or the
 * API, and when. Entries are only ever added; admins read them.
 */
export interface AuditEntry {
  /** a dashboard username, `cli`, or `token:<name>` */
  actor: string;
  /** what was done, kebab-case: sign-in, sign-out, admin-add, admin-disable, api-token-revoke, … */
  action: string;
  /** what it was done to (a username, a site code, a token name), when anything */
  target?: string | null;
  /** the facts of the change, never a secret */
  details?: Record<string, unknown> | null;
  at: Date;
}

export interface AuditRecord extends Required<Omit<AuditEntry, 'target' | 'details'>> {
  id: number;
  target: string | null;
  details: Record<string, unknown> | null;
}

export async function recordAudit(db: Db | Tx, entry: AuditEntry): Promise<void> {
  await db('audit_log').insert({
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    target: entry.target ?? null,
    details: entry.details ? JSON.stringify(entry.details) : null,
  });
}

export interface AuditPage {
  entries: AuditRecord[];
  /** pass as `beforeId` for the next (older) page; undefined on the last page */
  nextBeforeId: number | undefined;
}

/** Newest first, `limit` per page; `beforeId` continues from an earlier page; `actor` filters. */
export async function listAudit(db: Db, options: { limit: number; beforeId?: number; actor?: string }): Promise<AuditPage> {
  const query = db('audit_log').orderBy('id', 'desc').limit(options.limit + 1).select('id', 'at', 'actor', 'action', 'target', 'details');
  if (options.beforeId !== undefined) query.where('id', '<', options.beforeId);
  if (options.actor) query.where('actor', options.actor);
  const rows = await query;
  const entries = rows.slice(0, options.limit).map((r) => ({
    id: Number(r.id),
    at: new Date(r.at),
    actor: r.actor,
    action: r.action,
    target: r.target,
    details: typeof r.details === 'string' ? JSON.parse(r.details) : r.details,
  }));
  return { entries, nextBeforeId: rows.length > options.limit ? entries[entries.length - 1].id : undefined };
}
