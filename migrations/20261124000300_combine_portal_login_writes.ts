import type { Knex } from 'knex';

/**
 * A portal login's writes in one statement, one transaction and one commit:
 * - portal_spend_rate spends a point in each login rate window. A window may be spread over a few
 *   rows ("shards", key || ':' || 0..n-1): each login adds its point to one of them and the window's
 *   count is the sum of its live shards, so all the logins from one address (a whole site behind one
 *   public address, or a city-wide reconnect) no longer queue on a single hot row's lock. The limit
 *   still holds across every portal process, since the counts are in the database;
 * - portal_record_login then, when every window allows it, records the device (created or refreshed,
 *   as recordPortalDevice does) and inserts the one-time credential.
 */
const SPEND_RATE = `
create function portal_spend_rate(p_windows jsonb, p_now timestamptz)
returns integer language plpgsql as $$
declare
  retry integer := 0;
  spent integer;
  ends timestamptz;
  others integer;
  latest timestamptz;
  k text;
  w record;
begin
  -- p_windows: [{"key", "shards", "limit", "expires"}], in the order their rows are to be locked.
  for w in select (e ->> 'key') as key, (e ->> 'shards')::integer as shards, (e ->> 'limit')::bigint as lim,
                  (e ->> 'expires')::timestamptz as expires
           from jsonb_array_elements(p_windows) with ordinality as t(e, n) order by n loop
    k := case when w.shards > 1 then w.key || ':' || floor(random() * w.shards)::integer else w.key end;
    insert into rate_limits as r (key, points, expires_at) values (k, 1, w.expires)
    on conflict (key) do update set
      points = case when r.expires_at <= p_now then 1 else r.points + 1 end,
      expires_at = case when r.expires_at <= p_now then excluded.expires_at else r.expires_at end
    returning points, expires_at into spent, ends;
    if w.shards > 1 then
      select coalesce(sum(points), 0), max(expires_at) into others, latest
        from rate_limits
        where key = any (array(select w.key || ':' || s from generate_series(0, w.shards - 1) s))
          and key <> k and expires_at > p_now;
      spent := spent + others;
      ends := greatest(ends, latest);
    end if;
    if spent > w.lim then
      retry := greatest(retry, ceil(extract(epoch from (ends - p_now)))::integer, 1);
    end if;
  end loop;
  return retry;
end $$;
`;

const RECORD_LOGIN = `
create function portal_record_login(
  p_windows jsonb, p_now timestamptz,
  p_mac text, p_site_id integer, p_subscriber_id bigint, p_remember_until timestamptz, p_consent_at timestamptz, p_terms_version text,
  p_username text, p_secret_enc text, p_method text, p_voucher_id bigint, p_plan_id integer, p_credential_expires timestamptz,
  out retry_after integer, out recorded_device_id bigint
) language plpgsql as $$
begin
  -- Only rate-limit points, a device row and a one-time credential are written here: should the
  -- database crash in the moment before this commit reaches the disk, the phone just logs in again.
  -- So the commit does not wait for the WAL flush (never for accounting, which must not be lost).
  perform set_config('synchronous_commit', 'off', true);
  retry_after := portal_spend_rate(p_windows, p_now);
  if retry_after > 0 then return; end if;
  insert into devices as d (mac, subscriber_id, last_site_id, remembered_until, consent_at, terms_version, first_seen_at, last_seen_at)
  values (p_mac, p_subscriber_id, p_site_id, p_remember_until, p_consent_at, p_terms_version, p_now, p_now)
  on conflict (mac) do update set
    subscriber_id = coalesce(excluded.subscriber_id, d.subscriber_id),
    last_site_id = coalesce(excluded.last_site_id, d.last_site_id),
    remembered_until = greatest(excluded.remembered_until, d.remembered_until),
    consent_at = coalesce(excluded.consent_at, d.consent_at),
    terms_version = coalesce(excluded.terms_version, d.terms_version),
    last_seen_at = excluded.last_seen_at
  returning d.id into recorded_device_id;
  insert into credentials (username, secret_enc, mac, method, site_id, device_id, subscriber_id, voucher_id, plan_id, expires_at, created_at)
  values (p_username, p_secret_enc, p_mac, p_method, p_site_id, recorded_device_id, p_subscriber_id, p_voucher_id, p_plan_id, p_credential_expires, p_now);
end $$;
`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(SPEND_RATE);
  await knex.raw(RECORD_LOGIN);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'drop function if exists portal_record_login(jsonb, timestamptz, text, integer, bigint, timestamptz, timestamptz, text, text, text, text, bigint, integer, timestamptz)',
  );
  await knex.raw('drop function if exists portal_spend_rate(jsonb, timestamptz)');
}
