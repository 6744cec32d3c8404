import type { Knex } from 'knex';

/**
 * The controller's additions to router monitoring: 'maintenance' as a site state; the round-trip
 * time, traffic rates and the counts the state rules keep between polls in site_status; rates and
 * memory in samples, whose byte counters become numeric(20,0) (RouterOS v7 counters are unsigned
 * 64-bit and pass bigint); site_events for what is not a state change (a reboot). Site leases stay in
 * site_status (lease_owner, lease_until); controller_leases holds each live controller's heartbeat.
 */
const UP = [
  'alter table site_status drop constraint if exists site_status_state_check',
  `alter table site_status add constraint site_status_state_check
     check (state in ('unknown', 'up', 'degraded', 'down', 'maintenance'))`,
  `alter table site_state_changes add constraint site_state_changes_states_check
     check (from_state in ('unknown', 'up', 'degraded', 'down', 'maintenance')
        and to_state in ('unknown', 'up', 'degraded', 'down', 'maintenance'))`,
  `alter table site_status
     add column rtt_ms integer,
     add column unhealthy_polls integer not null default 0,
     add column rx_bytes numeric(20, 0),
     add column tx_bytes numeric(20, 0),
     add column rx_rate double precision,
     add column tx_rate double precision,
     add column reboots integer not null default 0,
     add column last_reboot_at timestamptz`,
  'create index site_status_owner_idx on site_status (lease_owner)',
  // Interface counters are 64-bit unsigned on RouterOS v7 and wrap at 2^64: beyond bigint.
  'alter table samples alter column rx_bytes type numeric(20, 0), alter column tx_bytes type numeric(20, 0)',
  `alter table samples
     add column total_memory bigint,
     add column rx_rate double precision,
     add column tx_rate double precision`,
  `create table site_events (
     id bigserial primary key,
     site_id integer not null references sites(id) on delete cascade,
     at timestamptz not null,
     kind text not null check (kind in ('reboot')),
     previous_uptime_seconds bigint,
     uptime_seconds bigint,
     booted_at timestamptz,
     controller_id text
   )`,
  'create index site_events_site_at_idx on site_events (site_id, at)',
];

const DOWN = [
  'drop table if exists site_events',
  'alter table samples drop column if exists total_memory, drop column if exists rx_rate, drop column if exists tx_rate',
  `alter table samples
     alter column rx_bytes type bigint using (case when rx_bytes > 9223372036854775807 then null else rx_bytes end),
     alter column tx_bytes type bigint using (case when tx_bytes > 9223372036854775807 then null else tx_bytes end)`,
  'drop index if exists site_status_owner_idx',
  `alter table site_status
     drop column if exists rtt_ms, drop column if exists unhealthy_polls, drop column if exists rx_bytes,
     drop column if exists tx_bytes, drop column if exists rx_rate, drop column if exists tx_rate,
     drop column if exists reboots, drop column if exists last_reboot_at`,
  'alter table site_state_changes drop constraint if exists site_state_changes_states_check',
  "delete from site_state_changes where from_state = 'maintenance' or to_state = 'maintenance'",
  "update site_status set state = 'unknown' where state = 'maintenance'",
  'alter table site_status drop constraint if exists site_status_state_check',
  "alter table site_status add constraint site_status_state_check check (state in ('unknown', 'up', 'degraded', 'down'))",
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of UP) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  for (const sql of DOWN) await knex.raw(sql);
}
