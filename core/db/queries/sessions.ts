import type { Db } from '../index.js';

export type AccountingStatus = 'start' | 'interim' | 'stop' | 'accounting-on' | 'accounting-off';

/** One accounting record as the server understood it; totals already include gigawords. */
export interface AccountingRecord {
  status: AccountingStatus;
  nasId: number;
  siteId: number | null;
  nasIp: string;
  eventAt: Date;
  acctSessionId?: string;
  username?: string;
  loginKind?: string;
  subscriberId?: number | null;
  deviceId?: number | null;
  voucherId?: number | null;
  accountId?: number | null;
  planId?: number | null;
  mac?: string;
  framedIp?: string;
  nasPortId?: string;
  class?: string;
  sessionTime?: number;
  inputOctets?: number;
  outputOctets?: number;
  inputPackets?: number;
  outputPackets?: number;
  terminateCause?: string;
}

/** One element of a PostgreSQL array literal: numbers as they are, text quoted, NUL dropped (text cannot hold it). */
function element(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  let text = value;
  if (text.includes('\0')) text = text.replace(/\0/g, '');
  return /["\\]/.test(text) ? `"${text.replace(/["\\]/g, '\\$&')}"` : `"${text}"`;
}

/** The columns radius_account_batch takes, one array each (see the migration that creates it). */
const COLUMNS: Array<[type: string, get: (r: AccountingRecord) => string | number | null | undefined]> = [
  ['text', (r) => r.status],
  ['integer', (r) => r.nasId],
  ['integer', (r) => r.siteId],
  ['text', (r) => r.nasIp],
  ['bigint', (r) => r.eventAt.getTime()],
  ['text', (r) => r.acctSessionId],
  ['text', (r) => r.username],
  ['text', (r) => r.loginKind],
  ['bigint', (r) => r.subscriberId],
  ['bigint', (r) => r.deviceId],
  ['bigint', (r) => r.voucherId],
  ['integer', (r) => r.accountId],
  ['integer', (r) => r.planId],
  ['text', (r) => r.mac],
  ['text', (r) => r.framedIp],
  ['text', (r) => r.nasPortId],
  ['text', (r) => r.class],
  ['integer', (r) => r.sessionTime],
  ['bigint', (r) => r.inputOctets],
  ['bigint', (r) => r.outputOctets],
  ['bigint', (r) => r.inputPackets],
  ['bigint', (r) => r.outputPackets],
  ['text', (r) => r.terminateCause],
];

const RECORD_BATCH_SQL = `select radius_account_batch(${COLUMNS.map(([type]) => `?::${type}[]`).join(', ')})`;

/**
 * Applies a batch of accounting records in one statement (one transaction): all land or none do.
 * The records go as one array literal per column, in arrival order.
 */
export async function recordAccounting(db: Db, records: AccountingRecord[]): Promise<void> {
  if (records.length === 0) return;
  const bindings = COLUMNS.map(([, get]) => {
    let literal = '{';
    for (let i = 0; i < records.length; i++) {
      if (i > 0) literal += ',';
      literal += element(get(records[i]));
    }
    return `${literal}}`;
  });
  await db.raw(RECORD_BATCH_SQL, bindings);
}

/** Closes sessions that have had no update since `cutoff`; returns how many. */
export async function closeStaleSessions(db: Db, cutoff: Date): Promise<number> {
  return db('sessions')
    .whereNull('stopped_at')
    .where('updated_at', '<', cutoff)
    .update({ stopped_at: db.ref('updated_at'), closed_by: 'stale', terminate_cause: 'Lost-Service' });
}

export interface SessionView {
  id: number;
  acct_session_id: string;
  username: string;
  nas: string;
  nas_ip: string | null;
  site: string | null;
  mac: string | null;
  framed_ip: string | null;
  started_at: string;
  stopped_at: string | null;
  session_time: number;
  input_octets: number;
  output_octets: number;
  terminate_cause: string | null;
}

export async function listSessions(db: Db, options: { active?: boolean; limit?: number; id?: number } = {}): Promise<SessionView[]> {
  const q = db('sessions as s')
    .join('nas as n', 'n.id', 's.nas_id')
    .leftJoin('sites as t', 't.id', 's.site_id')
    .select(
      's.id', 's.acct_session_id', 's.username', 'n.name as nas', 's.nas_ip', 't.code as site', 's.mac', 's.framed_ip',
      's.started_at', 's.stopped_at', 's.session_time', 's.input_octets', 's.output_octets', 's.terminate_cause',
    )
    .orderBy('s.started_at', 'desc')
    .limit(options.limit ?? 1000);
  if (options.active) q.whereNull('s.stopped_at');
  if (options.id !== undefined) q.where('s.id', options.id);
  const rows = await q;
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    started_at: new Date(r.started_at).toISOString(),
    stopped_at: r.stopped_at ? new Date(r.stopped_at).toISOString() : null,
    session_time: Number(r.session_time),
    input_octets: Number(r.input_octets),
    output_octets: Number(r.output_octets),
  }));
}

/** What a Disconnect/CoA to the router needs about one session. */
export async function findSessionForDisconnect(db: Db, id: number) {
  const row = await db('sessions as s')
    .join('nas as n', 'n.id', 's.nas_id')
    .where('s.id', id)
    .select('s.id', 's.acct_session_id', 's.username', 's.mac', 's.framed_ip', 's.nas_ip', 's.stopped_at',
      'n.name as nas_name', 'n.address as nas_address', 'n.secret_enc', 'n.coa_port')
    .first();
  return row as
    | { id: number; acct_session_id: string; username: string; mac: string | null; framed_ip: string | null; nas_ip: string | null;
        stopped_at: Date | null; nas_name: string; nas_address: string; secret_enc: string; coa_port: number }
    | undefined;
}

/** Creates the monthly session partitions up to monthsAhead (moving rows out of the default one); returns how many it made. */
export async function ensureSessionPartitions(db: Db, monthsAhead = 1): Promise<number> {
  const { rows } = await db.raw('select ensure_session_partitions(?) as made', [monthsAhead]);
  return Number(rows[0].made);
}
