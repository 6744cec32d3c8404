import type { Knex } from 'knex';

/**
 * Accounting in one statement per batch, with a plan that stays right however full the partitions are.
 *
 * radius_account(jsonb) ran an INSERT and an UPDATE … FROM per batch. Left to the plan cache, it
 * settled after five batches on a generic plan made while the month's partition was nearly empty: a
 * hash join that read the whole partition through an index for every batch, so accounting slowed
 * down as the month filled up (in the benchmark, from ~70 to ~170 µs of database CPU per record within
 * seconds). radius_account_batch instead:
 * - takes the records as one array per column (no JSON to build, send or parse);
 * - folds each session's records in the batch into one row and finds the session it belongs to with
 *   one look-up in the unique key (nas_id, acct_session_id, started_at ± 15 minutes). The look-up is a
 *   correlated sub-select (never turned into a join), so there is no join for stale statistics to get
 *   wrong. The statement is planned for each batch with the batch's time span as constants, so only
 *   the one or two monthly partitions its sessions can be in are planned and probed, however many
 *   months are kept;
 * - inserts the row, with the exact started_at of the session it found, under ON CONFLICT DO UPDATE:
 *   a known session is updated through its key with no join to plan, a new one is created with its
 *   counters already in.
 * The rules are those of radius_account_segment: counters only ever grow, a repeated Stop changes
 * nothing, an interim revives a session closed as stale, Accounting-On/Off (in arrival order) closes
 * that NAS's sessions started before it.
 */

/** The record's columns as radius_account_batch takes them: one array each, in arrival order. */
const COLUMNS: Array<[name: string, type: string]> = [
  ['status', 'text'],
  ['nas_id', 'integer'],
  ['site_id', 'integer'],
  ['nas_ip', 'text'],
  ['event_ms', 'bigint'],
  ['acct_session_id', 'text'],
  ['username', 'text'],
  ['login_kind', 'text'],
  ['subscriber_id', 'bigint'],
  ['device_id', 'bigint'],
  ['voucher_id', 'bigint'],
  ['account_id', 'integer'],
  ['plan_id', 'integer'],
  ['mac', 'text'],
  ['framed_ip', 'text'],
  ['nas_port_id', 'text'],
  ['class', 'text'],
  ['session_time', 'integer'],
  ['input_octets', 'bigint'],
  ['output_octets', 'bigint'],
  ['input_packets', 'bigint'],
  ['output_packets', 'bigint'],
  ['terminate_cause', 'text'],
];

const PARAMS = COLUMNS.map(([name, type]) => `p_${name} ${type}[]`).join(', ');
const ARGS = COLUMNS.map(([name]) => `p_${name}`).join(', ');
const TYPES = COLUMNS.map(([, type]) => `${type}[]`).join(', ');

const RANGE = `
create function radius_account_range(${PARAMS}, p_from integer, p_to integer, p_lo timestamptz, p_hi timestamptz) returns void language plpgsql
-- Planned for each batch, with p_lo and p_hi as constants: only the partitions the batch's sessions
-- can be in are planned and probed.
set plan_cache_mode = force_custom_plan
set enable_seqscan = off
as $$
begin
  with g as (
    select g.*,
           -- The session these records belong to, if it is stored. Correlated and kept from being
           -- flattened (offset 0), so it stays a look-up per session, in the unique key's index (the
           -- row comparisons fit no other); p_lo and p_hi prune the partitions when planning.
           (select s.started_at from sessions s
             where s.started_at between p_lo and p_hi
               and s.nas_id = g.nas_id and s.acct_session_id = g.acct_session_id
               and (s.nas_id, s.acct_session_id, s.started_at) >= (g.nas_id, g.acct_session_id, g.est_start - interval '15 minutes')
               and (s.nas_id, s.acct_session_id, s.started_at) <= (g.nas_id, g.acct_session_id, g.est_start + interval '15 minutes')
             limit 1) as found_start
      from (
        -- One row per session: who and where from its first record (first = 1), the rest folded.
        select r.nas_id, r.acct_session_id,
               max(r.site_id) filter (where r.first = 1) as site_id,
               max(r.nas_ip) filter (where r.first = 1) as nas_ip,
               max(r.event_at) filter (where r.first = 1) as first_at,
               max(r.session_time) filter (where r.first = 1) as first_session_time,
               max(r.username) filter (where r.first = 1) as username,
               max(r.login_kind) filter (where r.first = 1) as login_kind,
               max(r.subscriber_id) filter (where r.first = 1) as subscriber_id,
               max(r.device_id) filter (where r.first = 1) as device_id,
               max(r.voucher_id) filter (where r.first = 1) as voucher_id,
               max(r.account_id) filter (where r.first = 1) as account_id,
               max(r.plan_id) filter (where r.first = 1) as plan_id,
               max(r.mac) filter (where r.first = 1) as mac,
               max(r.framed_ip) filter (where r.first = 1) as first_framed_ip,
               max(r.nas_port_id) filter (where r.first = 1) as nas_port_id,
               max(r.class) filter (where r.first = 1) as class,
               min(r.event_at - make_interval(secs => coalesce(r.session_time, 0))) as est_start,
               max(r.event_at) filter (where r.status <> 'start') as last_at,
               max(r.event_at) filter (where r.status = 'stop') as stop_at,
               (array_agg(r.terminate_cause order by r.ord desc) filter (where r.status = 'stop'))[1] as cause,
               max(r.framed_ip) filter (where r.status <> 'start') as framed_ip,
               coalesce(max(r.session_time) filter (where r.status <> 'start'), 0) as session_time,
               coalesce(max(r.input_octets) filter (where r.status <> 'start'), 0) as input_octets,
               coalesce(max(r.output_octets) filter (where r.status <> 'start'), 0) as output_octets,
               coalesce(max(r.input_packets) filter (where r.status <> 'start'), 0) as input_packets,
               coalesce(max(r.output_packets) filter (where r.status <> 'start'), 0) as output_packets
          from (
            select r.*, 'epoch'::timestamptz + r.event_ms * interval '1 millisecond' as event_at,
                   row_number() over (partition by r.nas_id, r.acct_session_id order by r.ord) as first
              from unnest(${ARGS}) with ordinality
                   as r(${COLUMNS.map(([name]) => name).join(', ')}, ord)
             where r.ord between p_from and p_to
          ) r
         group by r.nas_id, r.acct_session_id
      ) g
    offset 0
  )
  insert into sessions as s (nas_id, site_id, acct_session_id, username, login_kind, subscriber_id, device_id,
    voucher_id, account_id, plan_id, nas_ip, mac, framed_ip, nas_port_id, class, started_at, updated_at,
    stopped_at, session_time, input_octets, output_octets, input_packets, output_packets, terminate_cause, closed_by)
  -- A new session takes who and where from its first record; a stored one is only updated, and only
  -- by Interim-Updates and Stops (a repeated Start changes nothing).
  select g.nas_id, g.site_id, g.acct_session_id, coalesce(g.username, ''), coalesce(g.login_kind, 'unknown'),
         g.subscriber_id, g.device_id, g.voucher_id, g.account_id, g.plan_id, g.nas_ip, g.mac,
         case when g.found_start is null then coalesce(g.first_framed_ip, g.framed_ip) else g.framed_ip end,
         g.nas_port_id, g.class,
         coalesce(g.found_start, date_trunc('second', g.first_at - make_interval(secs => coalesce(g.first_session_time, 0)))),
         case when g.found_start is null then greatest(g.first_at, g.last_at) else g.last_at end,
         g.stop_at, g.session_time, g.input_octets, g.output_octets, g.input_packets, g.output_packets,
         g.cause, case when g.stop_at is not null then 'stop' end
    from g
   where g.found_start is null or g.last_at is not null
  -- closed_by of the proposed row says what the batch brought: 'stop' a Stop, null only interims.
  on conflict (nas_id, acct_session_id, started_at) do update set
    session_time = greatest(s.session_time, excluded.session_time),
    input_octets = greatest(s.input_octets, excluded.input_octets),
    output_octets = greatest(s.output_octets, excluded.output_octets),
    input_packets = greatest(s.input_packets, excluded.input_packets),
    output_packets = greatest(s.output_packets, excluded.output_packets),
    updated_at = greatest(s.updated_at, excluded.updated_at),
    framed_ip = coalesce(s.framed_ip, excluded.framed_ip),
    stopped_at = case
      when excluded.closed_by = 'stop' and s.closed_by is distinct from 'stop' then excluded.stopped_at
      when excluded.closed_by is null and s.closed_by = 'stale' then null
      else s.stopped_at end,
    terminate_cause = case
      when excluded.closed_by = 'stop' and s.closed_by is distinct from 'stop' then excluded.terminate_cause
      when excluded.closed_by is null and s.closed_by = 'stale' then null
      else s.terminate_cause end,
    closed_by = case
      when excluded.closed_by = 'stop' then 'stop'
      when excluded.closed_by is null and s.closed_by = 'stale' then null
      else s.closed_by end;
end $$;
`;

const BATCH = `
create function radius_account_batch(${PARAMS}) returns integer language plpgsql as $$
declare
  n integer := coalesce(array_length(p_status, 1), 0);
  segment_from integer := 1;
  ev timestamptz;
  lo timestamptz;
  hi timestamptz;
begin
  -- Where the batch's sessions can have started: the partitions to look in.
  select 'epoch'::timestamptz + min(e.ms - coalesce(e.secs, 0) * 1000::bigint) * interval '1 millisecond' - interval '15 minutes',
         'epoch'::timestamptz + max(e.ms - coalesce(e.secs, 0) * 1000::bigint) * interval '1 millisecond' + interval '15 minutes'
    into lo, hi
    from unnest(p_event_ms, p_session_time) as e(ms, secs);
  -- The usual batch has no Accounting-On/Off: one statement.
  if not ('accounting-on' = any(p_status) or 'accounting-off' = any(p_status)) then
    if n > 0 then perform radius_account_range(${ARGS}, 1, n, lo, hi); end if;
    return n;
  end if;
  -- Otherwise Accounting-On/Off split the batch, in arrival order, so a session started after a
  -- router's reboot is not closed by it.
  for i in 1..n loop
    if p_status[i] in ('accounting-on', 'accounting-off') then
      if i > segment_from then perform radius_account_range(${ARGS}, segment_from, i - 1, lo, hi); end if;
      segment_from := i + 1;
      ev := 'epoch'::timestamptz + p_event_ms[i] * interval '1 millisecond';
      update sessions set stopped_at = greatest(updated_at, least(ev, now())), closed_by = p_status[i],
             terminate_cause = coalesce(terminate_cause, 'NAS-Reboot')
       where nas_id = p_nas_id[i] and stopped_at is null and started_at <= ev;
    end if;
  end loop;
  if segment_from <= n then perform radius_account_range(${ARGS}, segment_from, n, lo, hi); end if;
  return n;
end $$;
`;

/**
 * The monthly partitions as create_schema makes them, but with more room left in each page: an
 * Interim-Update then finds space for the row's new version in the same page and is a HOT update (no
 * index entries written), where at 85 most interims of a freshly filled page were not (in the
 * benchmark 11% of updates were HOT at 85, 25% at 70: a Stop is never HOT, it leaves the live index).
 */
function ensureSessionPartitions(fillfactor: number): string[] {
  return [
    `
create or replace function ensure_session_partitions(months_ahead integer) returns integer language plpgsql as $$
declare
  first_month date := date_trunc('month', now() - interval '1 month')::date;
  m date;
  made integer := 0;
  part text;
begin
  for i in 0..months_ahead + 1 loop
    m := (first_month + make_interval(months => i))::date;
    part := 'sessions_' || to_char(m, 'YYYYMM');
    if to_regclass(part) is null then
      -- Rows already in the default partition for this month move into the new one.
      execute format('create table %I (like sessions including defaults including constraints) with (fillfactor = ${fillfactor})', part);
      execute format('insert into %I select * from sessions_default where started_at >= %L and started_at < %L',
        part, m, (m + interval '1 month')::date);
      execute format('delete from sessions_default where started_at >= %L and started_at < %L', m, (m + interval '1 month')::date);
      execute format('alter table sessions attach partition %I for values from (%L) to (%L)',
        part, m, (m + interval '1 month')::date);
      made := made + 1;
    end if;
  end loop;
  return made;
end $$;
`,
    `
do $$
declare part regclass;
begin
  -- The partitions there are already: pages written from now on keep the room.
  for part in select inhrelid::regclass from pg_inherits where inhparent = 'sessions'::regclass loop
    execute format('alter table %s set (fillfactor = ${fillfactor})', part);
  end loop;
end $$;
`,
  ];
}

export async function up(knex: Knex): Promise<void> {
  for (const sql of ensureSessionPartitions(70)) await knex.raw(sql);
  await knex.raw(RANGE);
  await knex.raw(BATCH);
  // The server no longer calls radius_account(jsonb); should anything else, its segments are planned
  // per batch rather than once on an empty partition.
  await knex.raw('alter function radius_account_segment(jsonb) set plan_cache_mode = force_custom_plan');
}

export async function down(knex: Knex): Promise<void> {
  for (const sql of ensureSessionPartitions(85)) await knex.raw(sql);
  await knex.raw('alter function radius_account_segment(jsonb) reset plan_cache_mode');
  await knex.raw(`drop function if exists radius_account_batch(${TYPES})`);
  await knex.raw(`drop function if exists radius_account_range(${TYPES}, integer, integer, timestamptz, timestamptz)`);
}
