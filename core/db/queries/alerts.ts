import type { AlertKind, AlertPayload, ChangeFact, ChangeOutcome, DownFact, SiteFacts } from '../../domain/alert-rules.js';
import type { SiteState } from '../../domain/site-state.js';
import type { Db, Tx } from '../index.js';

/**
 * The alert outbox (alerts), the changes the dispatcher has looked at (alert_changes) and its cursor
 * (alert_cursor). Deciding happens inside withAlertDispatchLock, so one dispatcher in the fleet acts
 * at a time; sending happens after, on claimed rows.
 */

/** Names the alert dispatcher among PostgreSQL advisory locks (any fixed number no other part uses). */
const ALERT_DISPATCH_LOCK = 4_210_556_771;

/**
 * Runs work in a transaction holding the fleet-wide alert lock, or does nothing when another
 * dispatcher holds it. The lock ends with the transaction.
 */
export async function withAlertDispatchLock<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<{ locked: true; value: T } | { locked: false }> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.raw('select pg_try_advisory_xact_lock(?) as got', [ALERT_DISPATCH_LOCK]);
    if (!rows[0].got) return { locked: false as const };
    return { locked: true as const, value: await work(tx) };
  });
}

export interface AlertCursor {
  /** every change with an id at or below this has been looked at */
  lowWater: number;
  /** what the rules remember between runs */
  state: unknown;
}

/** The cursor; made at the newest stored change if it is missing, so history is never alerted. */
export async function readAlertCursor(tx: Tx): Promise<AlertCursor> {
  let row = await tx('alert_cursor').first('low_water', 'state');
  if (!row) {
    await tx.raw(`insert into alert_cursor (id, low_water) select true, coalesce(max(id), 0) from site_state_changes on conflict (id) do nothing`);
    row = await tx('alert_cursor').first('low_water', 'state');
  }
  return { lowWater: Number(row.low_water), state: row.state ?? {} };
}

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

function areaRef(code: unknown, name: unknown): { code: string; name: string } | null {
  return code === null || code === undefined ? null : { code: String(code), name: String(name) };
}

/**
 * The changes after the cursor not looked at yet, oldest id first, with their site and its areas, and
 * for a change out of `down` when that outage began. At most `limit`.
 */
export async function findUnhandledChanges(tx: Tx, lowWater: number, limit: number): Promise<ChangeFact[]> {
  const { rows } = await tx.raw(
    `select c.id, c.site_id, c.at, c.from_state, c.to_state, c.reason, s.code, s.name,
       a.code as area_code, a.name as area_name, a.level as area_level, p.code as parent_code, p.name as parent_name,
       case when c.from_state = 'down' then (
         select prev.at from site_state_changes prev
         where prev.site_id = c.site_id and prev.at <= c.at and prev.id <> c.id
         order by prev.at desc, prev.id desc limit 1) end as from_since
     from site_state_changes c
     join sites s on s.id = c.site_id
     left join areas a on a.code = s.area_code
     left join areas p on p.code = a.parent_code
     where c.id > :lowWater and not exists (select 1 from alert_changes h where h.change_id = c.id)
     order by c.id
     limit :limit`,
    { lowWater, limit },
  );
  return (rows as Array<Record<string, unknown>>).map((r) => {
    const site: SiteFacts = {
      siteId: Number(r.site_id),
      code: String(r.code),
      name: String(r.name),
      kelurahan: r.area_level === 'kelurahan' ? areaRef(r.area_code, r.area_name) : null,
      kecamatan: r.area_level === 'kelurahan' ? areaRef(r.parent_code, r.parent_name) : areaRef(r.area_code, r.area_name),
    };
    return {
      id: Number(r.id),
      at: toDate(r.at),
      from: r.from_state as SiteState,
      to: r.to_state as SiteState,
      reason: String(r.reason ?? ''),
      site,
      fromSince: r.from_since === null || r.from_since === undefined ? null : toDate(r.from_since),
    };
  });
}

/** Changes into `down` of the given sites since `since`: how often each went down lately. */
export async function findRecentDowns(tx: Tx, siteIds: number[], since: Date): Promise<DownFact[]> {
  if (siteIds.length === 0) return [];
  const { rows } = await tx.raw(
    `select id, site_id, at from site_state_changes where site_id = any(:ids) and to_state = 'down' and at > :since`,
    { ids: siteIds, since },
  );
  return (rows as Array<{ id: number; site_id: number; at: unknown }>).map((r) => ({ id: Number(r.id), siteId: r.site_id, at: toDate(r.at) }));
}

/** `count` new alert ids, ascending. */
export async function allocateAlertIds(tx: Tx, count: number): Promise<number[]> {
  if (count === 0) return [];
  const { rows } = await tx.raw(`select nextval('alerts_id_seq') as id from generate_series(1, ?)`, [count]);
  return (rows as Array<{ id: number }>).map((r) => Number(r.id)).sort((a, b) => a - b);
}

export interface NewAlert {
  id: number;
  kind: AlertKind;
  siteId: number | null;
  areaCode: string | null;
  changeIds: number[];
  payload: AlertPayload;
  createdAt: Date;
  /** null: recorded only, never sent (no webhook configured) */
  nextAttemptAt: Date | null;
  lastError: string | null;
}

/** Records new alerts in the outbox, one statement. */
export async function insertAlerts(tx: Tx, alerts: NewAlert[]): Promise<void> {
  if (alerts.length === 0) return;
  await tx.raw(
    `insert into alerts (id, kind, site_id, area_code, change_ids, payload, created_at, next_attempt_at, last_error)
     select r.id, r.kind, r.site_id, r.area_code, r.change_ids, r.payload, r.created_at, r.next_attempt_at, r.last_error
     from jsonb_to_recordset(cast(:rows as jsonb)) as r(id bigint, kind text, site_id integer, area_code text, change_ids bigint[],
       payload jsonb, created_at timestamptz, next_attempt_at timestamptz, last_error text)`,
    {
      rows: JSON.stringify(
        alerts.map((a) => ({
          id: a.id, kind: a.kind, site_id: a.siteId, area_code: a.areaCode, change_ids: a.changeIds, payload: a.payload,
          created_at: a.createdAt, next_attempt_at: a.nextAttemptAt, last_error: a.lastError,
        })),
      ),
    },
  );
}

export interface HandledWrite {
  changeId: number;
  alertId: number | null;
  outcome: ChangeOutcome;
}

/**
 * Marks changes as looked at, each with the alert that covers it. A change already marked without
 * an alert may be given one later (a flapping site reported once stable); one already covered by an
 * alert never gets another. Changes that joined an earlier area outage are added to its change_ids.
 */
export async function recordHandledChanges(tx: Tx, handled: HandledWrite[], at: Date): Promise<void> {
  if (handled.length === 0) return;
  const rows = JSON.stringify(handled.map((h) => ({ change_id: h.changeId, alert_id: h.alertId, outcome: h.outcome })));
  await tx.raw(
    `insert into alert_changes (change_id, alert_id, outcome, handled_at)
     select r.change_id, r.alert_id, r.outcome, :at
     from jsonb_to_recordset(cast(:rows as jsonb)) as r(change_id bigint, alert_id bigint, outcome text)
     on conflict (change_id) do update set alert_id = excluded.alert_id, outcome = excluded.outcome, handled_at = excluded.handled_at
       where alert_changes.alert_id is null and excluded.alert_id is not null`,
    { rows, at },
  );
  const joined = handled.filter((h) => h.outcome === 'joined' && h.alertId !== null);
  if (joined.length) {
    await tx.raw(
      `update alerts a set change_ids = a.change_ids || j.ids
       from (select r.alert_id, array_agg(r.change_id order by r.change_id) as ids
             from jsonb_to_recordset(cast(:rows as jsonb)) as r(change_id bigint, alert_id bigint)
             group by r.alert_id) j
       where a.id = j.alert_id`,
      { rows: JSON.stringify(joined.map((h) => ({ change_id: h.changeId, alert_id: h.alertId }))) },
    );
  }
}

/**
 * Moves the cursor past changes looked at before `settledBefore` (a write committed late with a lower
 * id than one already seen is still found until then), but never past a deferred change; saves the
 * rules' state and forgets looked-at changes below the cursor that no alert covers.
 */
export async function advanceAlertCursor(
  tx: Tx,
  input: { current: number; settledBefore: Date; firstDeferred: number | null; state: unknown; at: Date },
): Promise<number> {
  const { rows } = await tx.raw(
    `select coalesce(max(change_id), 0) as settled from alert_changes where change_id > :current and handled_at <= :settledBefore`,
    { current: input.current, settledBefore: input.settledBefore },
  );
  let next = Math.max(input.current, Number(rows[0].settled));
  if (input.firstDeferred !== null) next = Math.max(input.current, Math.min(next, input.firstDeferred - 1));
  await tx('alert_cursor').update({ low_water: next, state: JSON.stringify(input.state), updated_at: input.at });
  if (next > input.current) await tx('alert_changes').whereNull('alert_id').where('change_id', '<=', next).delete();
  return next;
}

export interface ClaimedAlert {
  id: number;
  kind: AlertKind;
  payload: AlertPayload;
  attempts: number;
  createdAt: Date;
}

/**
 * Claims alerts to send, oldest first, so a receiver sees them in order: the unsent alerts from the
 * oldest on, as long as each is due (one not due yet, being retried later or sent by another
 * dispatcher, holds back the rest). Claimed alerts are not due again until `leaseUntil`.
 */
export async function claimDueAlerts(tx: Tx, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedAlert[]> {
  const rows = await tx('alerts')
    .whereNull('sent_at')
    .whereNotNull('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .select('id', 'kind', 'payload', 'attempts', 'created_at', 'next_attempt_at');
  const due: ClaimedAlert[] = [];
  for (const r of rows) {
    if (toDate(r.next_attempt_at).getTime() > now.getTime()) break;
    due.push({ id: Number(r.id), kind: r.kind, payload: r.payload, attempts: r.attempts, createdAt: toDate(r.created_at) });
  }
  if (due.length) await tx('alerts').whereIn('id', due.map((a) => a.id)).update({ next_attempt_at: leaseUntil });
  return due;
}

export async function markAlertSent(db: Db, id: number, at: Date): Promise<void> {
  await db('alerts').where({ id }).whereNull('sent_at').update({ sent_at: at, attempts: db.raw('attempts + 1'), next_attempt_at: null, last_error: null });
}

/** A failed attempt: counted, with why; tried again at `nextAttemptAt`, or never when null. */
export async function markAlertFailed(db: Db, id: number, error: string, nextAttemptAt: Date | null): Promise<void> {
  await db('alerts').where({ id }).whereNull('sent_at').update({ attempts: db.raw('attempts + 1'), last_error: error, next_attempt_at: nextAttemptAt });
}

/** Gives back claimed alerts that were not tried, due again at `at`. */
export async function releaseAlerts(db: Db, ids: number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db('alerts').whereIn('id', ids).whereNull('sent_at').update({ next_attempt_at: at });
}

/** An alert as stored: what was recorded, and how sending it went. */
export interface AlertRecord extends NewAlert {
  sentAt: Date | null;
  attempts: number;
}

/** Alerts, newest first (the dashboard's incidents page, `since` to bound it). */
export async function listAlerts(db: Db, options: { since?: Date; limit?: number } = {}): Promise<AlertRecord[]> {
  const q = db('alerts').orderBy('id', 'desc').limit(options.limit ?? 200);
  if (options.since) q.where('created_at', '>=', options.since);
  const rows = await q.select('*');
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    siteId: r.site_id,
    areaCode: r.area_code,
    changeIds: (r.change_ids ?? []).map(Number),
    payload: r.payload,
    createdAt: toDate(r.created_at),
    sentAt: r.sent_at ? toDate(r.sent_at) : null,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at ? toDate(r.next_attempt_at) : null,
    lastError: r.last_error,
  }));
}
