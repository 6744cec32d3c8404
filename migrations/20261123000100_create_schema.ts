import type { Knex } from 'knex';

/**
 * The whole schema of citywifi, for all four services. Later work extends it rather than reshaping it.
 * Times are timestamptz; byte counters are bigint (gigawords already folded in); secrets end in _enc
 * (AES-GCM with CITYWIFI_SECRET_KEY) and look-up hashes in _hash (HMAC with the same key).
 */
const UP = `
create table areas (
  code text primary key,
  level text not null check (level in ('kecamatan', 'kelurahan')),
  name text not null,
  parent_code text references areas(code),
  lat double precision,
  lon double precision,
  created_at timestamptz not null default now()
);
create index areas_parent_idx on areas (parent_code);

create table area_aliases (
  alias text primary key,
  area_code text not null references areas(code) on delete cascade
);

create table plans (
  id serial primary key,
  name text not null unique,
  rate_limit text,
  session_timeout integer check (session_timeout > 0),
  idle_timeout integer check (idle_timeout > 0),
  daily_time integer check (daily_time > 0),
  daily_bytes bigint check (daily_bytes > 0),
  simultaneous_use integer check (simultaneous_use > 0),
  interim_interval integer check (interim_interval >= 60),
  remember_device_days integer not null default 7 check (remember_device_days >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table sites (
  id serial primary key,
  code text not null unique,
  name text not null,
  area_code text references areas(code),
  category text not null default 'other',
  address text,
  lat double precision,
  lon double precision,
  installed_on date,
  commissioned_on date,
  decommissioned_on date,
  opening_hours jsonb,
  access text not null default 'open' check (access in ('open', 'closed', 'restricted')),
  access_reason text,
  access_until timestamptz,
  login_methods text[] not null default '{click,otp,voucher}',
  plan_id integer references plans(id),
  hotspot_host text,
  router_host text,
  router_port integer check (router_port between 1 and 65535),
  router_tls boolean not null default false,
  router_user text,
  router_password_enc text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index sites_area_idx on sites (area_code);

create table nas (
  id serial primary key,
  name text not null unique,
  address text not null unique,
  secret_enc text not null,
  site_id integer references sites(id) on delete set null,
  nas_identifier text,
  coa_port integer not null default 3799 check (coa_port between 1 and 65535),
  require_message_authenticator boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index nas_site_idx on nas (site_id);
create index nas_identifier_idx on nas (nas_identifier);

create table subscribers (
  id bigserial primary key,
  phone_enc text not null,
  phone_hash text not null unique,
  plan_id integer references plans(id),
  consent_at timestamptz,
  terms_version text,
  blocked boolean not null default false,
  blocked_reason text,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz
);

create table devices (
  id bigserial primary key,
  mac text not null unique,
  subscriber_id bigint references subscribers(id) on delete set null,
  plan_id integer references plans(id),
  remembered_until timestamptz,
  blocked boolean not null default false,
  blocked_reason text,
  consent_at timestamptz,
  terms_version text,
  last_site_id integer references sites(id) on delete set null,
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);
create index devices_subscriber_idx on devices (subscriber_id);

create table voucher_batches (
  id serial primary key,
  plan_id integer not null references plans(id),
  count integer not null check (count > 0),
  valid_for_seconds integer not null check (valid_for_seconds > 0),
  lock_to_first_mac boolean not null default true,
  note text,
  created_by text,
  created_at timestamptz not null default now()
);

create table vouchers (
  id bigserial primary key,
  batch_id integer not null references voucher_batches(id) on delete cascade,
  code_hash text not null unique,
  code_enc text not null,
  first_used_at timestamptz,
  expires_at timestamptz,
  locked_mac text,
  revoked boolean not null default false,
  created_at timestamptz not null default now()
);
create index vouchers_batch_idx on vouchers (batch_id);

create table accounts (
  id serial primary key,
  username text not null unique,
  password_enc text not null,
  plan_id integer not null references plans(id),
  blocked boolean not null default false,
  note text,
  created_at timestamptz not null default now()
);

create table credentials (
  id bigserial primary key,
  username text not null unique,
  secret_enc text not null,
  mac text not null,
  method text not null check (method in ('click', 'otp', 'voucher', 'continue')),
  site_id integer references sites(id) on delete set null,
  device_id bigint references devices(id) on delete cascade,
  subscriber_id bigint references subscribers(id) on delete cascade,
  voucher_id bigint references vouchers(id) on delete cascade,
  plan_id integer references plans(id),
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index credentials_expires_idx on credentials (expires_at);

-- Accounting. Partitioned by month on started_at so a year of 5,000 sites stays fast and old months
-- drop whole; ensure_session_partitions() makes the coming months, the default partition catches the rest.
create table sessions (
  id bigserial,
  nas_id integer not null,
  site_id integer,
  acct_session_id text not null,
  username text not null,
  login_kind text not null default 'unknown',
  subscriber_id bigint,
  device_id bigint,
  voucher_id bigint,
  account_id integer,
  plan_id integer,
  nas_ip text,
  mac text,
  framed_ip text,
  nas_port_id text,
  class text,
  started_at timestamptz not null,
  updated_at timestamptz not null,
  stopped_at timestamptz,
  session_time integer not null default 0,
  input_octets bigint not null default 0,
  output_octets bigint not null default 0,
  input_packets bigint not null default 0,
  output_packets bigint not null default 0,
  terminate_cause text,
  closed_by text check (closed_by in ('stop', 'accounting-on', 'accounting-off', 'stale', 'admin')),
  primary key (id, started_at),
  unique (nas_id, acct_session_id, started_at)
) partition by range (started_at);
create table sessions_default partition of sessions default with (fillfactor = 85);
-- Few indexes, and none on a column an Interim-Update changes, so interim updates stay HOT (no index
-- writes) and accounting stays cheap: look-ups go through the unique key, quotas through the principal.
create index sessions_started_idx on sessions (started_at);
create index sessions_site_started_idx on sessions (site_id, started_at);
create index sessions_live_idx on sessions (nas_id) where stopped_at is null;
create index sessions_subscriber_started_idx on sessions (subscriber_id, started_at) where subscriber_id is not null;
create index sessions_device_started_idx on sessions (device_id, started_at) where device_id is not null;
create index sessions_voucher_started_idx on sessions (voucher_id, started_at) where voucher_id is not null;
create index sessions_account_started_idx on sessions (account_id, started_at) where account_id is not null;

create function ensure_session_partitions(months_ahead integer) returns integer language plpgsql as $$
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
      execute format('create table %I (like sessions including defaults including constraints) with (fillfactor = 85)', part);
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
select ensure_session_partitions(1);

create table post_auth_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  nas_id integer,
  site_id integer,
  username text not null,
  mac text,
  login_kind text,
  result text not null check (result in ('accept', 'reject')),
  reason text
);
create index post_auth_log_at_idx on post_auth_log (at);
create index post_auth_log_site_at_idx on post_auth_log (site_id, at);

-- Router monitoring (controller).
create table site_status (
  site_id integer primary key references sites(id) on delete cascade,
  state text not null default 'unknown' check (state in ('unknown', 'up', 'degraded', 'down')),
  since timestamptz not null default now(),
  last_poll_at timestamptz,
  last_ok_at timestamptz,
  consecutive_failures integer not null default 0,
  last_error text,
  ros_version text,
  board text,
  uptime_seconds bigint,
  cpu_load integer,
  free_memory bigint,
  total_memory bigint,
  active_users integer,
  lease_owner text,
  lease_until timestamptz
);
create index site_status_lease_idx on site_status (lease_until);

create table site_state_changes (
  id bigserial primary key,
  site_id integer not null references sites(id) on delete cascade,
  at timestamptz not null,
  from_state text not null,
  to_state text not null,
  reason text
);
create index site_state_changes_site_at_idx on site_state_changes (site_id, at);

create table samples (
  site_id integer not null references sites(id) on delete cascade,
  at timestamptz not null,
  cpu_load integer,
  free_memory bigint,
  active_users integer,
  rx_bytes bigint,
  tx_bytes bigint,
  latency_ms integer,
  primary key (site_id, at)
);
create index samples_at_idx on samples (at);

create table rollups_hourly (
  site_id integer not null references sites(id) on delete cascade,
  hour timestamptz not null,
  up_seconds integer not null default 0,
  down_seconds integer not null default 0,
  degraded_seconds integer not null default 0,
  maintenance_seconds integer not null default 0,
  sessions integer not null default 0,
  users integer not null default 0,
  session_time bigint not null default 0,
  input_octets bigint not null default 0,
  output_octets bigint not null default 0,
  max_active_users integer not null default 0,
  primary key (site_id, hour)
);
create index rollups_hourly_hour_idx on rollups_hourly (hour);

create table rollups_daily (
  site_id integer not null references sites(id) on delete cascade,
  day date not null,
  up_seconds integer not null default 0,
  down_seconds integer not null default 0,
  degraded_seconds integer not null default 0,
  maintenance_seconds integer not null default 0,
  sessions integer not null default 0,
  users integer not null default 0,
  session_time bigint not null default 0,
  input_octets bigint not null default 0,
  output_octets bigint not null default 0,
  max_active_users integer not null default 0,
  primary key (site_id, day)
);
create index rollups_daily_day_idx on rollups_daily (day);

create table maintenance_windows (
  id serial primary key,
  site_id integer references sites(id) on delete cascade,
  area_code text references areas(code),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  reason text not null,
  created_by text,
  created_at timestamptz not null default now(),
  check (ends_at > starts_at),
  check (site_id is not null or area_code is not null)
);
create index maintenance_windows_site_idx on maintenance_windows (site_id, starts_at);

create table coverage_targets (
  year integer not null,
  area_code text not null references areas(code),
  target_sites integer not null check (target_sites >= 0),
  note text,
  primary key (year, area_code)
);

create table controller_leases (
  controller_id text primary key,
  heartbeat_at timestamptz not null,
  started_at timestamptz not null default now()
);

-- Dashboard.
create table admin_users (
  id serial primary key,
  username text not null unique,
  password_hash text not null,
  roles text[] not null,
  disabled boolean not null default false,
  created_at timestamptz not null default now(),
  last_login_at timestamptz
);

create table admin_sessions (
  id text primary key,
  admin_id integer not null references admin_users(id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  data jsonb not null default '{}'
);
create index admin_sessions_expires_idx on admin_sessions (expires_at);

create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor text not null,
  action text not null,
  target text,
  details jsonb
);
create index audit_log_at_idx on audit_log (at);

-- Citizens' voice (portal) and the portal's own state.
create table feedback (
  id bigserial primary key,
  site_id integer references sites(id) on delete set null,
  at timestamptz not null default now(),
  rating integer not null check (rating between 1 and 5),
  comment text
);
create index feedback_site_at_idx on feedback (site_id, at);

create table problem_reports (
  id bigserial primary key,
  site_id integer references sites(id) on delete set null,
  at timestamptz not null default now(),
  kind text not null check (kind in ('no-internet', 'slow', 'device-broken', 'other')),
  comment text,
  status text not null default 'open' check (status in ('open', 'acknowledged', 'resolved')),
  resolved_at timestamptz
);
create index problem_reports_site_at_idx on problem_reports (site_id, at);

create table otp_codes (
  id bigserial primary key,
  phone_hash text not null,
  code_hash text not null,
  mac text,
  purpose text not null default 'login',
  attempts integer not null default 0,
  sent_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index otp_codes_phone_idx on otp_codes (phone_hash, sent_at);

create table rate_limits (
  key text primary key,
  points integer not null,
  expires_at timestamptz not null
);

create table retention_settings (
  data_class text primary key,
  keep_days integer not null check (keep_days > 0),
  description text not null
);
insert into retention_settings (data_class, keep_days, description) values
  ('sessions', 365, 'accounting records (who was online, when, how much)'),
  ('post_auth_log', 90, 'login attempts and their outcome'),
  ('credentials', 1, 'one-time RADIUS credentials issued by the portal'),
  ('otp_codes', 1, 'one-time codes sent to phone numbers'),
  ('samples', 30, 'raw router samples (hourly and daily rollups are kept)'),
  ('rollups_hourly', 400, 'hourly rollups per site'),
  ('devices', 180, 'remembered devices (MAC addresses) not seen since'),
  ('subscribers', 365, 'phone numbers (encrypted) not seen since'),
  ('feedback', 730, 'ratings and comments'),
  ('audit_log', 730, 'administrators'' actions');
`;

const DOWN = `
drop table if exists retention_settings, rate_limits, otp_codes, problem_reports, feedback, audit_log,
  admin_sessions, admin_users, controller_leases, coverage_targets, maintenance_windows, rollups_daily,
  rollups_hourly, samples, site_state_changes, site_status, post_auth_log cascade;
drop table if exists sessions cascade;
drop function if exists ensure_session_partitions(integer);
drop table if exists credentials, accounts, vouchers, voucher_batches, devices, subscribers, nas, sites,
  plans, area_aliases, areas cascade;
`;

/** One statement at a time: the embedded PGlite refuses several commands in one query. */
function statements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let inBody = false;
  for (const line of sql.split('\n')) {
    if (line.trim().startsWith('--') && !inBody) continue;
    current += line + '\n';
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inBody = !inBody;
    if (!inBody && line.trimEnd().endsWith(';')) {
      out.push(current.trim());
      current = '';
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

export async function up(knex: Knex): Promise<void> {
  for (const statement of statements(UP)) await knex.raw(statement);
}

export async function down(knex: Knex): Promise<void> {
  for (const statement of statements(DOWN)) await knex.raw(statement);
}
