import type { Knex } from 'knex';

/**
 * Two server-side functions that keep the RADIUS hot path at one database round trip:
 * radius_authorize gathers every fact a login decision needs (and spends a one-time credential),
 * radius_account applies a whole batch of accounting records in one statement (group commit).
 * The decisions themselves stay in TypeScript (radius-server/policies).
 */
const AUTHORIZE = `
create function radius_authorize(
  p_username text, p_mac text, p_mac_login boolean, p_code_hash text,
  p_site_plan_id integer, p_now timestamptz, p_day_start timestamptz, p_live_after timestamptz
) returns jsonb language plpgsql
-- Every statement here is an index look-up. A plan cached while the sessions partitions were freshly
-- analyzed and empty would scan them whole for ever after; turning sequential scans off keeps these
-- plans on the indexes however small the tables were when the plans were made. Generic plans always:
-- planning a statement over the monthly partitions costs more than running it.
set enable_seqscan = off
set plan_cache_mode = force_generic_plan
as $$
declare
  result jsonb := '{}'::jsonb;
  cred credentials%rowtype;
  dev devices%rowtype;
  sub subscribers%rowtype;
  acc accounts%rowtype;
  vou record;
  kind text;
  key_kind text;
  key_id bigint;
  plan_id_found integer;
  live bigint := 0;
  time_today bigint := 0;
  bytes_today bigint := 0;
begin
  if p_mac is not null then
    select * into dev from devices where mac = p_mac;
    if found then result := result || jsonb_build_object('device', to_jsonb(dev)); end if;
  end if;

  if p_mac_login then
    if dev.id is not null then
      kind := 'mac';
      if dev.subscriber_id is not null then key_kind := 'subscriber'; key_id := dev.subscriber_id;
      else key_kind := 'device'; key_id := dev.id; end if;
      plan_id_found := dev.plan_id;
    end if;
  else
    -- A one-time credential is spent by its first Access-Request, whatever the outcome. Only the
    -- portal's names ("cw-…") are looked for; named accounts may not take that prefix.
    if p_username like 'cw-%' then
      select * into cred from credentials where username = p_username for update;
    end if;
    if cred.id is not null then
      kind := 'credential';
      result := result || jsonb_build_object('credential', to_jsonb(cred));
      if cred.used_at is null then update credentials set used_at = p_now where id = cred.id; end if;
      plan_id_found := cred.plan_id;
      if cred.voucher_id is not null then key_kind := 'voucher'; key_id := cred.voucher_id;
      elsif cred.subscriber_id is not null then key_kind := 'subscriber'; key_id := cred.subscriber_id;
      elsif cred.device_id is not null then key_kind := 'device'; key_id := cred.device_id;
      end if;
      if cred.device_id is not null and (dev.id is null or dev.id <> cred.device_id) then
        select * into dev from devices where id = cred.device_id;
        if found then result := result || jsonb_build_object('device', to_jsonb(dev)); end if;
      end if;
    elsif p_code_hash is not null then
      select v.*, b.plan_id, b.valid_for_seconds, b.lock_to_first_mac into vou
        from vouchers v join voucher_batches b on b.id = v.batch_id where v.code_hash = p_code_hash;
      if found then
        kind := 'voucher';
        result := result || jsonb_build_object('voucher', to_jsonb(vou));
        key_kind := 'voucher'; key_id := vou.id; plan_id_found := vou.plan_id;
      end if;
    end if;
    if kind is null then
      select * into acc from accounts where username = p_username;
      if found then
        kind := 'account';
        result := result || jsonb_build_object('account', to_jsonb(acc));
        key_kind := 'account'; key_id := acc.id; plan_id_found := acc.plan_id;
      end if;
    end if;
  end if;

  if kind is null then
    return result || jsonb_build_object('kind', null);
  end if;

  if key_kind = 'subscriber' or (key_kind = 'device' and dev.subscriber_id is not null) then
    select * into sub from subscribers where id = coalesce(cred.subscriber_id, dev.subscriber_id);
    if found then
      result := result || jsonb_build_object('subscriber', to_jsonb(sub) - 'phone_enc' - 'phone_hash');
      plan_id_found := coalesce(plan_id_found, sub.plan_id);
    end if;
  end if;

  plan_id_found := coalesce(plan_id_found, p_site_plan_id, (select id from plans where name = 'default'));
  if plan_id_found is not null then
    result := result || jsonb_build_object('plan', (select to_jsonb(p) from plans p where p.id = plan_id_found));
  end if;

  -- Usage today and live sessions of the same principal (other devices only for the live count).
  -- Static statements, one per key, so their plans are cached: planning a query over the monthly
  -- partitions costs far more than running it.
  if key_kind = 'subscriber' then
    select count(*) filter (where stopped_at is null and updated_at >= p_live_after and mac is distinct from p_mac),
           coalesce(sum(session_time) filter (where started_at >= p_day_start), 0),
           coalesce(sum(input_octets + output_octets) filter (where started_at >= p_day_start), 0)
      into live, time_today, bytes_today
      from sessions where subscriber_id = key_id and started_at >= p_day_start - interval '2 days';
  elsif key_kind = 'device' then
    select count(*) filter (where stopped_at is null and updated_at >= p_live_after and mac is distinct from p_mac),
           coalesce(sum(session_time) filter (where started_at >= p_day_start), 0),
           coalesce(sum(input_octets + output_octets) filter (where started_at >= p_day_start), 0)
      into live, time_today, bytes_today
      from sessions where device_id = key_id and started_at >= p_day_start - interval '2 days';
  elsif key_kind = 'voucher' then
    select count(*) filter (where stopped_at is null and updated_at >= p_live_after and mac is distinct from p_mac),
           coalesce(sum(session_time) filter (where started_at >= p_day_start), 0),
           coalesce(sum(input_octets + output_octets) filter (where started_at >= p_day_start), 0)
      into live, time_today, bytes_today
      from sessions where voucher_id = key_id and started_at >= p_day_start - interval '2 days';
  elsif key_kind = 'account' then
    select count(*) filter (where stopped_at is null and updated_at >= p_live_after and mac is distinct from p_mac),
           coalesce(sum(session_time) filter (where started_at >= p_day_start), 0),
           coalesce(sum(input_octets + output_octets) filter (where started_at >= p_day_start), 0)
      into live, time_today, bytes_today
      from sessions where account_id = key_id and started_at >= p_day_start - interval '2 days';
  end if;
  result := result || jsonb_build_object('usage', jsonb_build_object('live', live, 'time_today', time_today, 'bytes_today', bytes_today));

  return result || jsonb_build_object('kind', kind, 'key_kind', key_kind, 'key_id', key_id);
end $$;
`;

const AUTHORIZE_BATCH = `
create function radius_authorize_batch(p_requests jsonb) returns jsonb language sql as $$
  -- Logins that arrive together are decided together: one round trip for many Access-Requests,
  -- evaluated in array order, so a credential spent by one is seen as spent by the next.
  select coalesce(jsonb_agg(radius_authorize(req->>'username', req->>'mac', (req->>'mac_login')::boolean,
           req->>'code_hash', (req->>'site_plan_id')::integer, (req->>'now')::timestamptz,
           (req->>'day_start')::timestamptz, (req->>'live_after')::timestamptz) order by ord), '[]'::jsonb)
    from jsonb_array_elements(p_requests) with ordinality as e(req, ord)
$$;
`;

const ACCOUNT_SEGMENT = `
create function radius_account_segment(p_records jsonb) returns void language plpgsql
set enable_seqscan = off
as $$
begin
  -- Set-based: one INSERT and one UPDATE for the whole segment, so the partition and its indexes are
  -- opened once per batch instead of once per record.
  -- 1. Sessions not seen before (a Start, or an update whose Start was lost) are created once.
  insert into sessions (nas_id, site_id, acct_session_id, username, login_kind, subscriber_id, device_id,
    voucher_id, account_id, plan_id, nas_ip, mac, framed_ip, nas_port_id, class, started_at, updated_at)
  select distinct on (r.nas_id, r.acct_session_id)
         r.nas_id, r.site_id, r.acct_session_id, coalesce(r.username, ''), coalesce(r.login_kind, 'unknown'),
         r.subscriber_id, r.device_id, r.voucher_id, r.account_id, r.plan_id, r.nas_ip, r.mac, r.framed_ip,
         r.nas_port_id, r.class,
         date_trunc('second', r.event_at - make_interval(secs => coalesce(r.session_time, 0))), r.event_at
    from jsonb_to_recordset(p_records) as r(status text, nas_id integer, site_id integer,
           nas_ip text, event_at timestamptz, acct_session_id text, username text, login_kind text,
           subscriber_id bigint, device_id bigint, voucher_id bigint, account_id integer, plan_id integer,
           mac text, framed_ip text, nas_port_id text, class text, session_time integer, ord bigint)
   where not exists (
           select 1 from sessions s
            where s.nas_id = r.nas_id and s.acct_session_id = r.acct_session_id
              and s.started_at between r.event_at - make_interval(secs => coalesce(r.session_time, 0)) - interval '15 minutes'
                                   and r.event_at - make_interval(secs => coalesce(r.session_time, 0)) + interval '15 minutes')
   order by r.nas_id, r.acct_session_id, r.ord
  on conflict (nas_id, acct_session_id, started_at) do nothing;

  -- 2. Interim-Updates and Stops move the counters, which only ever grow; a repeated Stop changes nothing.
  with u as (
    select r.nas_id, r.acct_session_id,
           min(r.event_at - make_interval(secs => coalesce(r.session_time, 0))) as est_start,
           max(r.event_at) as last_at,
           max(r.event_at) filter (where r.status = 'stop') as stop_at,
           (array_agg(r.terminate_cause order by r.ord desc) filter (where r.status = 'stop'))[1] as cause,
           bool_or(r.status = 'interim') as has_interim,
           max(r.framed_ip) as framed_ip,
           max(coalesce(r.session_time, 0)) as session_time,
           max(coalesce(r.input_octets, 0)) as input_octets, max(coalesce(r.output_octets, 0)) as output_octets,
           max(coalesce(r.input_packets, 0)) as input_packets, max(coalesce(r.output_packets, 0)) as output_packets
      from jsonb_to_recordset(p_records) as r(status text, nas_id integer, event_at timestamptz,
             acct_session_id text, framed_ip text, session_time integer, input_octets bigint, output_octets bigint,
             input_packets bigint, output_packets bigint, terminate_cause text, ord bigint)
     where r.status in ('interim', 'stop')
     group by r.nas_id, r.acct_session_id
  )
  update sessions s set
    session_time = greatest(s.session_time, u.session_time),
    input_octets = greatest(s.input_octets, u.input_octets),
    output_octets = greatest(s.output_octets, u.output_octets),
    input_packets = greatest(s.input_packets, u.input_packets),
    output_packets = greatest(s.output_packets, u.output_packets),
    updated_at = greatest(s.updated_at, u.last_at),
    framed_ip = coalesce(s.framed_ip, u.framed_ip),
    stopped_at = case
      when u.stop_at is not null and s.closed_by is distinct from 'stop' then u.stop_at
      when u.stop_at is null and u.has_interim and s.closed_by = 'stale' then null
      else s.stopped_at end,
    terminate_cause = case
      when u.stop_at is not null and s.closed_by is distinct from 'stop' then u.cause
      when u.stop_at is null and u.has_interim and s.closed_by = 'stale' then null
      else s.terminate_cause end,
    closed_by = case
      when u.stop_at is not null then 'stop'
      when u.has_interim and s.closed_by = 'stale' then null
      else s.closed_by end
    from u
   where s.nas_id = u.nas_id and s.acct_session_id = u.acct_session_id
     and s.started_at between u.est_start - interval '15 minutes' and u.est_start + interval '15 minutes';
end $$;
`;

const ACCOUNT = `
create function radius_account(p_records jsonb) returns integer language plpgsql as $$
declare
  rec jsonb;
  segment jsonb := '[]'::jsonb;
  ev timestamptz;
  n integer := 0;
begin
  -- The usual batch has no Accounting-On/Off: one set-based pass.
  if not exists (select 1 from jsonb_array_elements(p_records) e where e->>'status' in ('accounting-on', 'accounting-off')) then
    perform radius_account_segment(p_records);
    return jsonb_array_length(p_records);
  end if;
  -- Otherwise records run in arrival order; Accounting-On/Off split the batch so a session started
  -- after a router's reboot is not closed by it.
  for rec in select * from jsonb_array_elements(p_records) loop
    n := n + 1;
    if rec->>'status' in ('accounting-on', 'accounting-off') then
      if jsonb_array_length(segment) > 0 then perform radius_account_segment(segment); end if;
      segment := '[]'::jsonb;
      ev := (rec->>'event_at')::timestamptz;
      update sessions set stopped_at = greatest(updated_at, least(ev, now())), closed_by = rec->>'status',
             terminate_cause = coalesce(terminate_cause, 'NAS-Reboot')
       where nas_id = (rec->>'nas_id')::integer and stopped_at is null and started_at <= ev;
    else
      segment := segment || jsonb_build_array(rec);
    end if;
  end loop;
  if jsonb_array_length(segment) > 0 then perform radius_account_segment(segment); end if;
  return n;
end $$;
`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(AUTHORIZE);
  await knex.raw(AUTHORIZE_BATCH);
  await knex.raw(ACCOUNT_SEGMENT);
  await knex.raw(ACCOUNT);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function if exists radius_account(jsonb)');
  await knex.raw('drop function if exists radius_account_segment(jsonb)');
  await knex.raw('drop function if exists radius_authorize_batch(jsonb)');
  await knex.raw('drop function if exists radius_authorize(text, text, boolean, text, integer, timestamptz, timestamptz, timestamptz)');
}
