import type { Knex } from 'knex';

/**
 * radius_authorize_batch commits without waiting for the WAL flush (synchronous_commit off, for its
 * own transaction only). Its only writes are the spend of one-time credentials (credentials.used_at).
 *
 * Why that is safe: a portal credential is random, bound to one MAC and valid a few minutes. Should
 * PostgreSQL crash within the moment before the commit reaches the disk (at most about 3 ×
 * wal_writer_delay, 0.6 s with the defaults; an operating-system crash or power loss, not a crash of
 * citywifi), the spend is lost and the credential looks unused again: the worst case is that the same
 * phone (the router sends its MAC, which must match) could log in once more with the same credential
 * before it expires, which it could have done anyway by going through the portal again. No other
 * login kind writes here (a voucher's first use is written by its own, synchronous statement).
 *
 * Accounting (radius_account) is NOT changed: an Accounting-Response is sent only after the record is
 * durably committed, since the router then forgets it.
 */
const ASYNC_BATCH = `
create or replace function radius_authorize_batch(p_requests jsonb) returns jsonb language plpgsql as $$
begin
  -- Local to the transaction of this statement (the RADIUS server runs it on its own, autocommit).
  perform set_config('synchronous_commit', 'off', true);
  -- Logins that arrive together are decided together: one round trip for many Access-Requests,
  -- evaluated in array order, so a credential spent by one is seen as spent by the next.
  return (select coalesce(jsonb_agg(radius_authorize(req->>'username', req->>'mac', (req->>'mac_login')::boolean,
           req->>'code_hash', (req->>'site_plan_id')::integer, (req->>'now')::timestamptz,
           (req->>'day_start')::timestamptz, (req->>'live_after')::timestamptz) order by ord), '[]'::jsonb)
    from jsonb_array_elements(p_requests) with ordinality as e(req, ord));
end $$;
`;

const SYNC_BATCH = `
create or replace function radius_authorize_batch(p_requests jsonb) returns jsonb language sql as $$
  -- Logins that arrive together are decided together: one round trip for many Access-Requests,
  -- evaluated in array order, so a credential spent by one is seen as spent by the next.
  select coalesce(jsonb_agg(radius_authorize(req->>'username', req->>'mac', (req->>'mac_login')::boolean,
           req->>'code_hash', (req->>'site_plan_id')::integer, (req->>'now')::timestamptz,
           (req->>'day_start')::timestamptz, (req->>'live_after')::timestamptz) order by ord), '[]'::jsonb)
    from jsonb_array_elements(p_requests) with ordinality as e(req, ord)
$$;
`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(ASYNC_BATCH);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(SYNC_BATCH);
}
