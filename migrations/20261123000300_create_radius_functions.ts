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
) returns jsonb language plpgsql as $$
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
  usage record;
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
    -- A one-time credential is spent by its first Access-Request, whatever the outcome.
    select * into cred from credentials where username = p_username for update;
    if found then
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
  if key_kind is not null then
    execute format($q$
      select count(*) filter (where stopped_at is null and updated_at >= $2 and mac is distinct from $4) as live,
             coalesce(sum(session_time) filter (where started_at >= $3), 0) as time_today,
             coalesce(sum(input_octets + output_octets) filter (where started_at >= $3), 0) as bytes_today
        from sessions
       where %I = $1 and (started_at >= $3 or (stopped_at is null and started_at >= $3 - interval '2 days'))
    $q$, key_kind || '_id') into usage using key_id, p_live_after, p_day_start, p_mac;
    result := result || jsonb_build_object('usage', to_jsonb(usage));
  end if;

  return result || jsonb_build_object('kind', kind, 'key_kind', key_kind, 'key_id', key_id);
end $$;
`;

const ACCOUNT = `
create function radius_account(p_records jsonb) returns integer language plpgsql as $$
declare
  rec jsonb;
  status text;
  ev timestamptz;
  est_start timestamptz;
  existing record;
  applied integer := 0;
begin
  for rec in select * from jsonb_array_elements(p_records) loop
    status := rec->>'status';
    ev := (rec->>'event_at')::timestamptz;
    if status in ('accounting-on', 'accounting-off') then
      update sessions set stopped_at = greatest(updated_at, least(ev, now())), closed_by = status,
             terminate_cause = coalesce(terminate_cause, 'NAS-Reboot')
       where nas_id = (rec->>'nas_id')::integer and stopped_at is null and started_at <= ev;
      applied := applied + 1;
      continue;
    end if;

    est_start := ev - make_interval(secs => coalesce((rec->>'session_time')::integer, 0));
    -- The same session again (retransmission with a new Identifier, a missed Start, a late Stop):
    -- matched on NAS and Acct-Session-Id near the start it implies, so it lands once.
    select id, started_at, stopped_at, closed_by into existing from sessions
     where nas_id = (rec->>'nas_id')::integer and acct_session_id = rec->>'acct_session_id'
       and started_at between est_start - interval '15 minutes' and est_start + interval '15 minutes'
     order by (stopped_at is null) desc, abs(extract(epoch from started_at - est_start)) limit 1;

    if existing.id is null then
      insert into sessions (nas_id, site_id, acct_session_id, username, login_kind, subscriber_id, device_id,
        voucher_id, account_id, plan_id, nas_ip, mac, framed_ip, nas_port_id, class, started_at, updated_at,
        stopped_at, session_time, input_octets, output_octets, input_packets, output_packets, terminate_cause, closed_by)
      values ((rec->>'nas_id')::integer, (rec->>'site_id')::integer, rec->>'acct_session_id', rec->>'username',
        coalesce(rec->>'login_kind', 'unknown'), (rec->>'subscriber_id')::bigint, (rec->>'device_id')::bigint,
        (rec->>'voucher_id')::bigint, (rec->>'account_id')::integer, (rec->>'plan_id')::integer, rec->>'nas_ip',
        rec->>'mac', rec->>'framed_ip', rec->>'nas_port_id', rec->>'class', date_trunc('second', est_start), ev,
        case when status = 'stop' then ev end, coalesce((rec->>'session_time')::integer, 0),
        coalesce((rec->>'input_octets')::bigint, 0), coalesce((rec->>'output_octets')::bigint, 0),
        coalesce((rec->>'input_packets')::bigint, 0), coalesce((rec->>'output_packets')::bigint, 0),
        case when status = 'stop' then rec->>'terminate_cause' end, case when status = 'stop' then 'stop' end)
      on conflict (nas_id, acct_session_id, started_at) do nothing;
    elsif status = 'start' then
      null; -- a second Start for a known session changes nothing
    else
      -- Counters only grow: a repeated or reordered update never lowers them.
      update sessions set
        session_time = greatest(session_time, coalesce((rec->>'session_time')::integer, 0)),
        input_octets = greatest(input_octets, coalesce((rec->>'input_octets')::bigint, 0)),
        output_octets = greatest(output_octets, coalesce((rec->>'output_octets')::bigint, 0)),
        input_packets = greatest(input_packets, coalesce((rec->>'input_packets')::bigint, 0)),
        output_packets = greatest(output_packets, coalesce((rec->>'output_packets')::bigint, 0)),
        updated_at = greatest(updated_at, ev),
        framed_ip = coalesce(framed_ip, rec->>'framed_ip'),
        stopped_at = case
          when status = 'stop' and (closed_by is distinct from 'stop') then ev
          when status = 'interim' and closed_by = 'stale' then null
          else stopped_at end,
        terminate_cause = case
          when status = 'stop' and (closed_by is distinct from 'stop') then rec->>'terminate_cause'
          when status = 'interim' and closed_by = 'stale' then null
          else terminate_cause end,
        closed_by = case
          when status = 'stop' then 'stop'
          when status = 'interim' and closed_by = 'stale' then null
          else closed_by end
      where id = existing.id and started_at = existing.started_at;
    end if;
    applied := applied + 1;
  end loop;
  return applied;
end $$;
`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(AUTHORIZE);
  await knex.raw(ACCOUNT);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function if exists radius_account(jsonb)');
  await knex.raw('drop function if exists radius_authorize(text, text, boolean, text, integer, timestamptz, timestamptz, timestamptz)');
}
