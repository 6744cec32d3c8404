import type { SiteMemory, SiteState } from '../../domain/site-state.js';
import type { Db } from '../index.js';

/**
 * The controller's reads and writes of site_status, site_state_changes, samples and site_events.
 * Writes come in batches, one per chunk of the sweep: one statement for the statuses, one for the
 * state changes, one for the samples (and one for reboots when there are any), whatever the chunk
 * size, each row set sent as one JSON parameter.
 */

export interface OwnedSite {
  siteId: number;
  code: string;
  areaCode: string | null;
  /** 'api': the controller polls the router; 'heartbeat': the router posts, the controller reads the latest heartbeat */
  monitoring: 'api' | 'heartbeat';
  /** null for a heartbeat site without a reachable router */
  host: string | null;
  port: number | null;
  tls: boolean;
  user: string | null;
  passwordEnc: string | null;
  lastPollAt: Date | null;
  /** how the last poll went, to start the likely slow polls of a sweep first: `failure: message` or null after a good poll, and its round trip */
  lastError: string | null;
  rttMs: number | null;
  memory: SiteMemory;
  /** when the latest heartbeat arrived, and its values as stored (heartbeat sites) */
  lastHeartbeatAt: Date | null;
  lastHeartbeat: unknown;
}

function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(String(value));
}

/** The router targets and remembered state of the given sites, if this controller still owns them. */
export async function findOwnedSites(db: Db, controllerId: string, siteIds: number[]): Promise<OwnedSite[]> {
  if (siteIds.length === 0) return [];
  const rows = await db('site_status as ss')
    .join('sites as s', 's.id', 'ss.site_id')
    .where('ss.lease_owner', controllerId)
    .whereIn('ss.site_id', siteIds)
    .orderBy('ss.site_id')
    .select(
      'ss.site_id', 's.code', 's.area_code', 's.monitoring', 's.router_host', 's.router_port', 's.router_tls', 's.router_user', 's.router_password_enc',
      'ss.last_poll_at', 'ss.last_error', 'ss.rtt_ms', 'ss.state', 'ss.since', 'ss.consecutive_failures', 'ss.unhealthy_polls', 'ss.uptime_seconds',
      'ss.last_heartbeat_at', 'ss.last_heartbeat',
    );
  return rows.map((r) => ({
    siteId: r.site_id,
    code: r.code,
    areaCode: r.area_code,
    monitoring: r.monitoring === 'heartbeat' ? 'heartbeat' : 'api',
    host: r.router_host,
    port: r.router_port,
    tls: r.router_tls,
    user: r.router_user,
    passwordEnc: r.router_password_enc,
    lastPollAt: toDate(r.last_poll_at),
    lastError: r.last_error ?? null,
    rttMs: r.rtt_ms ?? null,
    memory: {
      state: r.state as SiteState,
      since: toDate(r.since) ?? new Date(0),
      consecutiveFailures: r.consecutive_failures,
      unhealthyPolls: r.unhealthy_polls,
      uptimeSeconds: r.uptime_seconds === null ? null : Number(r.uptime_seconds),
    },
    lastHeartbeatAt: toDate(r.last_heartbeat_at),
    lastHeartbeat: r.last_heartbeat ?? null,
  }));
}

/**
 * The maintenance window each of the given sites is in at `at` (a window on the site, its kelurahan
 * or its kecamatan), as its reason; sites outside any window are absent.
 */
export async function findActiveMaintenance(db: Db, siteIds: number[], at: Date): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (siteIds.length === 0) return out;
  const result = await db.raw(
    `select distinct on (s.id) s.id as site_id, w.reason
     from sites s
     left join areas a on a.code = s.area_code
     join maintenance_windows w on w.starts_at <= :at and w.ends_at > :at
       and (w.site_id = s.id or w.area_code = s.area_code or w.area_code = a.parent_code)
     where s.id = any(:ids)
     order by s.id, w.starts_at`,
    { at, ids: siteIds },
  );
  for (const row of result.rows as Array<{ site_id: number; reason: string }>) out.set(row.site_id, row.reason);
  return out;
}

/** An owned site whose state disagrees with the maintenance windows now (see findMaintenanceTransitions). */
export interface MaintenanceTransition {
  siteId: number;
  code: string;
  memory: SiteMemory;
  /** the open window's reason; null when no window is open and the site is still in maintenance */
  reason: string | null;
  /** when it happened: the window's start (or the end of the last one), never before the state's own since */
  at: Date;
}

const WINDOW_COVERS = '(w.site_id = s.id or w.area_code = s.area_code or w.area_code = a.parent_code)';

/**
 * The sites this controller leases that must change state because a maintenance window (on the
 * site, its kelurahan or its kecamatan) opened or closed: in a window but not in maintenance, or in
 * maintenance with no window open. One statement for the whole share.
 */
export async function findMaintenanceTransitions(db: Db, controllerId: string, now: Date): Promise<MaintenanceTransition[]> {
  const result = await db.raw(
    `select ss.site_id, s.code, ss.state, ss.since, ss.consecutive_failures, ss.unhealthy_polls, ss.uptime_seconds, w.reason,
       case when w.reason is not null then greatest(w.starts_at, ss.since)
            else greatest(coalesce((select max(w2.ends_at) from maintenance_windows w2
                                    where w2.ends_at <= :now and (w2.site_id = s.id or w2.area_code = s.area_code or w2.area_code = a.parent_code)), :now),
                          ss.since) end as at
     from site_status ss
     join sites s on s.id = ss.site_id
     left join areas a on a.code = s.area_code
     left join lateral (
       select w.reason, w.starts_at from maintenance_windows w
       where w.starts_at <= :now and w.ends_at > :now and ${WINDOW_COVERS}
       order by w.starts_at limit 1
     ) w on true
     where ss.lease_owner = :owner
       and ((w.reason is not null and ss.state <> 'maintenance') or (w.reason is null and ss.state = 'maintenance'))
     order by ss.site_id`,
    { owner: controllerId, now },
  );
  return (result.rows as Array<Record<string, unknown>>).map((r) => ({
    siteId: r.site_id as number,
    code: r.code as string,
    memory: {
      state: r.state as SiteState,
      since: toDate(r.since) ?? new Date(0),
      consecutiveFailures: r.consecutive_failures as number,
      unhealthyPolls: r.unhealthy_polls as number,
      uptimeSeconds: r.uptime_seconds === null ? null : Number(r.uptime_seconds),
    },
    reason: (r.reason as string | null) ?? null,
    at: toDate(r.at) ?? now,
  }));
}

/** The next time after `now` a maintenance window touching this controller's sites opens or closes; null if none is planned. */
export async function findNextMaintenanceBoundary(db: Db, controllerId: string, now: Date): Promise<Date | null> {
  const result = await db.raw(
    `select min(case when w.starts_at > :now then w.starts_at else w.ends_at end) as next_at
     from maintenance_windows w
     where w.ends_at > :now and exists (
       select 1 from site_status ss join sites s on s.id = ss.site_id left join areas a on a.code = s.area_code
       where ss.lease_owner = :owner and ${WINDOW_COVERS})`,
    { owner: controllerId, now },
  );
  return toDate(result.rows[0]?.next_at);
}

export interface MaintenanceWrite {
  siteId: number;
  memory: SiteMemory;
  change: { at: Date; from: SiteState; to: SiteState; reason: string };
}

/**
 * Writes maintenance changes made between polls, for sites this controller still leases: one
 * statement for the states and one for the changes, in one transaction. Returns the sites written.
 */
export async function writeMaintenanceChanges(db: Db, controllerId: string, writes: MaintenanceWrite[]): Promise<number[]> {
  if (writes.length === 0) return [];
  return db.transaction(async (tx) => {
    const updated = await tx.raw(
      `update site_status ss set state = r.state, since = r.since, consecutive_failures = r.consecutive_failures, unhealthy_polls = r.unhealthy_polls
       from jsonb_to_recordset(cast(:rows as jsonb)) as r(site_id integer, state text, since timestamptz, consecutive_failures integer, unhealthy_polls integer)
       where ss.site_id = r.site_id and ss.lease_owner = :owner
       returning ss.site_id`,
      {
        owner: controllerId,
        rows: JSON.stringify(
          writes.map((w) => ({
            site_id: w.siteId, state: w.memory.state, since: w.memory.since, consecutive_failures: w.memory.consecutiveFailures, unhealthy_polls: w.memory.unhealthyPolls,
          })),
        ),
      },
    );
    const kept = new Set((updated.rows as Array<{ site_id: number }>).map((r) => r.site_id));
    const changes = writes.filter((w) => kept.has(w.siteId));
    if (changes.length) {
      await tx.raw(
        `insert into site_state_changes (site_id, at, from_state, to_state, reason)
         select r.site_id, r.at, r.from_state, r.to_state, r.reason
         from jsonb_to_recordset(cast(:rows as jsonb)) as r(site_id integer, at timestamptz, from_state text, to_state text, reason text)`,
        { rows: JSON.stringify(changes.map((w) => ({ site_id: w.siteId, at: w.change.at, from_state: w.change.from, to_state: w.change.to, reason: w.change.reason }))) },
      );
    }
    return [...kept].sort((a, b) => a - b);
  });
}

export interface StatusWrite {
  siteId: number;
  state: SiteState;
  since: Date;
  lastPollAt: Date;
  ok: boolean;
  consecutiveFailures: number;
  unhealthyPolls: number;
  lastError: string | null;
  rttMs: number | null;
  /** the fields below only when the poll answered (left as they were otherwise) */
  version?: string;
  board?: string;
  uptimeSeconds?: number;
  cpuLoad?: number;
  freeMemory?: number;
  totalMemory?: number;
  activeUsers?: number;
  rxBytes?: number;
  txBytes?: number;
  rxRate?: number | null;
  txRate?: number | null;
  rebooted?: Date | null;
}

export interface ChangeWrite {
  siteId: number;
  at: Date;
  from: SiteState;
  to: SiteState;
  reason: string;
}

export interface SampleWrite {
  siteId: number;
  at: Date;
  cpuLoad: number;
  freeMemory: number;
  totalMemory: number;
  activeUsers: number;
  /** null when the reading carries no counters (a heartbeat) */
  rxBytes: number | null;
  txBytes: number | null;
  rxRate: number | null;
  txRate: number | null;
  rttMs: number | null;
}

export interface RebootWrite {
  siteId: number;
  at: Date;
  previousUptimeSeconds: number;
  uptimeSeconds: number;
  bootedAt: Date;
}

export interface PollBatch {
  statuses: StatusWrite[];
  changes: ChangeWrite[];
  samples: SampleWrite[];
  reboots: RebootWrite[];
}

export interface BatchWritten {
  statuses: number;
  changes: number;
  samples: number;
  reboots: number;
  statements: number;
}

/**
 * Writes one chunk of polls in one transaction: a statement per kind of row. Statuses (and the
 * changes, samples and reboots with them) are written only for sites this controller still leases,
 * so a controller that lost a site cannot overwrite its new owner's view.
 */
export async function writePollBatch(db: Db, controllerId: string, batch: PollBatch): Promise<BatchWritten> {
  const written: BatchWritten = { statuses: 0, changes: 0, samples: 0, reboots: 0, statements: 0 };
  if (batch.statuses.length === 0) return written;
  await db.transaction(async (tx) => {
    const statuses = await tx.raw(
      `update site_status ss set
         state = r.state, since = r.since, last_poll_at = r.last_poll_at,
         last_ok_at = case when r.ok then r.last_poll_at else ss.last_ok_at end,
         consecutive_failures = r.consecutive_failures, unhealthy_polls = r.unhealthy_polls,
         last_error = r.last_error, rtt_ms = r.rtt_ms,
         ros_version = coalesce(r.version, ss.ros_version), board = coalesce(r.board, ss.board),
         uptime_seconds = coalesce(r.uptime_seconds, ss.uptime_seconds), cpu_load = coalesce(r.cpu_load, ss.cpu_load),
         free_memory = coalesce(r.free_memory, ss.free_memory), total_memory = coalesce(r.total_memory, ss.total_memory),
         active_users = coalesce(r.active_users, ss.active_users),
         rx_bytes = coalesce(r.rx_bytes, ss.rx_bytes), tx_bytes = coalesce(r.tx_bytes, ss.tx_bytes),
         rx_rate = case when r.ok then r.rx_rate else null end, tx_rate = case when r.ok then r.tx_rate else null end,
         reboots = ss.reboots + case when r.rebooted is null then 0 else 1 end,
         last_reboot_at = coalesce(r.rebooted, ss.last_reboot_at)
       from jsonb_to_recordset(cast(:rows as jsonb)) as r(
         site_id integer, state text, since timestamptz, last_poll_at timestamptz, ok boolean,
         consecutive_failures integer, unhealthy_polls integer, last_error text, rtt_ms integer,
         version text, board text, uptime_seconds bigint, cpu_load integer, free_memory bigint, total_memory bigint,
         active_users integer, rx_bytes numeric, tx_bytes numeric, rx_rate double precision, tx_rate double precision,
         rebooted timestamptz)
       where ss.site_id = r.site_id and ss.lease_owner = :owner
       returning ss.site_id`,
      {
        owner: controllerId,
        rows: JSON.stringify(
          batch.statuses.map((s) => ({
            site_id: s.siteId, state: s.state, since: s.since, last_poll_at: s.lastPollAt, ok: s.ok,
            consecutive_failures: s.consecutiveFailures, unhealthy_polls: s.unhealthyPolls, last_error: s.lastError,
            rtt_ms: s.rttMs === null ? null : Math.round(s.rttMs), version: s.version ?? null, board: s.board ?? null,
            uptime_seconds: s.uptimeSeconds ?? null, cpu_load: s.cpuLoad ?? null, free_memory: s.freeMemory ?? null,
            total_memory: s.totalMemory ?? null, active_users: s.activeUsers ?? null, rx_bytes: s.rxBytes ?? null,
            tx_bytes: s.txBytes ?? null, rx_rate: s.rxRate ?? null, tx_rate: s.txRate ?? null, rebooted: s.rebooted ?? null,
          })),
        ),
      },
    );
    written.statements++;
    const kept = new Set((statuses.rows as Array<{ site_id: number }>).map((r) => r.site_id));
    written.statuses = kept.size;
    const changes = batch.changes.filter((c) => kept.has(c.siteId));
    if (changes.length) {
      await tx.raw(
        `insert into site_state_changes (site_id, at, from_state, to_state, reason)
         select r.site_id, r.at, r.from_state, r.to_state, r.reason
         from jsonb_to_recordset(cast(:rows as jsonb)) as r(site_id integer, at timestamptz, from_state text, to_state text, reason text)`,
        { rows: JSON.stringify(changes.map((c) => ({ site_id: c.siteId, at: c.at, from_state: c.from, to_state: c.to, reason: c.reason }))) },
      );
      written.statements++;
      written.changes = changes.length;
    }
    const samples = batch.samples.filter((s) => kept.has(s.siteId));
    if (samples.length) {
      await tx.raw(
        `insert into samples (site_id, at, cpu_load, free_memory, total_memory, active_users, rx_bytes, tx_bytes, rx_rate, tx_rate, latency_ms)
         select r.site_id, r.at, r.cpu_load, r.free_memory, r.total_memory, r.active_users, r.rx_bytes, r.tx_bytes, r.rx_rate, r.tx_rate, r.latency_ms
         from jsonb_to_recordset(cast(:rows as jsonb)) as r(site_id integer, at timestamptz, cpu_load integer, free_memory bigint,
           total_memory bigint, active_users integer, rx_bytes numeric, tx_bytes numeric, rx_rate double precision,
           tx_rate double precision, latency_ms integer)
         on conflict (site_id, at) do nothing`,
        {
          rows: JSON.stringify(
            samples.map((s) => ({
              site_id: s.siteId, at: s.at, cpu_load: Math.round(s.cpuLoad), free_memory: s.freeMemory, total_memory: s.totalMemory,
              active_users: s.activeUsers, rx_bytes: s.rxBytes, tx_bytes: s.txBytes, rx_rate: s.rxRate, tx_rate: s.txRate,
              latency_ms: s.rttMs === null ? null : Math.round(s.rttMs),
            })),
          ),
        },
      );
      written.statements++;
      written.samples = samples.length;
    }
    const reboots = batch.reboots.filter((r) => kept.has(r.siteId));
    if (reboots.length) {
      await tx.raw(
        `insert into site_events (site_id, at, kind, previous_uptime_seconds, uptime_seconds, booted_at, controller_id)
         select r.site_id, r.at, 'reboot', r.previous_uptime_seconds, r.uptime_seconds, r.booted_at, :owner
         from jsonb_to_recordset(cast(:rows as jsonb)) as r(site_id integer, at timestamptz, previous_uptime_seconds bigint,
           uptime_seconds bigint, booted_at timestamptz)`,
        {
          owner: controllerId,
          rows: JSON.stringify(
            reboots.map((r) => ({ site_id: r.siteId, at: r.at, previous_uptime_seconds: r.previousUptimeSeconds, uptime_seconds: r.uptimeSeconds, booted_at: r.bootedAt })),
          ),
        },
      );
      written.statements++;
      written.reboots = reboots.length;
    }
  });
  return written;
}

export interface SiteStatusRow {
  code: string;
  state: SiteState;
  since: string | null;
  last_poll_at: string | null;
  cpu_load: number | null;
  active_users: number | null;
  uptime_seconds: number | null;
  version: string | null;
  board: string | null;
  rtt_ms: number | null;
  last_error: string | null;
}

function iso(value: unknown): string | null {
  const d = toDate(value);
  return d ? d.toISOString() : null;
}

/** One row per site (every site, polled or not), by code: what `citywifi sites status` shows. */
export async function listSiteStatus(db: Db): Promise<SiteStatusRow[]> {
  const rows = await db('sites as s')
    .leftJoin('site_status as ss', 'ss.site_id', 's.id')
    .orderBy('s.code')
    .select('s.code', 'ss.state', 'ss.since', 'ss.last_poll_at', 'ss.cpu_load', 'ss.active_users', 'ss.uptime_seconds', 'ss.ros_version', 'ss.board', 'ss.rtt_ms', 'ss.last_error');
  return rows.map((r) => ({
    code: r.code,
    state: (r.state ?? 'unknown') as SiteState,
    since: iso(r.since),
    last_poll_at: iso(r.last_poll_at),
    cpu_load: r.cpu_load ?? null,
    active_users: r.active_users ?? null,
    uptime_seconds: r.uptime_seconds === null || r.uptime_seconds === undefined ? null : Number(r.uptime_seconds),
    version: r.ros_version ?? null,
    board: r.board ?? null,
    rtt_ms: r.rtt_ms ?? null,
    last_error: r.last_error ?? null,
  }));
}
