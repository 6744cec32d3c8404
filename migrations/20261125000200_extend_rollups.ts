import type { Knex } from 'knex';

/**
 * Rollups and retention (issue 4 §3, DESIGN.md "Storage" and "Citizens' data").
 *
 * - rollups_hourly and rollups_daily gain what the dashboard reads besides the state seconds:
 *   unknown_seconds (no poll has settled the state yet), sample_count and avg_active_users (the
 *   mean over the polls that answered; max_active_users is the peak), and the router's own traffic
 *   router_rx_bytes / router_tx_bytes, numeric like the counters in samples.
 * - housekeeping_progress remembers how far the rollups have gone ('rollups': the end of the last
 *   hour rolled up) and when the last purge ran ('purge'), so a controller that was down catches up
 *   and only one controller in the fleet purges each day.
 * - site_state_changes gets an index on its time alone: the hourly rollup reads one hour of changes
 *   for the whole fleet at once.
 * - retention_settings becomes the one place keep times live: samples are kept 14 days (the former
 *   CONTROLLER_SAMPLES_KEEP_DAYS default; the variable is gone), and the tables that grew without a
 *   class get one. rollups_daily has no class: it holds no personal data and is kept for good.
 */
const UP = [
  `alter table rollups_hourly
     add column unknown_seconds integer not null default 0,
     add column sample_count integer not null default 0,
     add column avg_active_users numeric(10, 2) not null default 0,
     add column router_rx_bytes numeric(20, 0) not null default 0,
     add column router_tx_bytes numeric(20, 0) not null default 0`,
  `alter table rollups_daily
     add column unknown_seconds integer not null default 0,
     add column sample_count integer not null default 0,
     add column avg_active_users numeric(10, 2) not null default 0,
     add column router_rx_bytes numeric(20, 0) not null default 0,
     add column router_tx_bytes numeric(20, 0) not null default 0`,
  'create index site_state_changes_at_idx on site_state_changes (at)',
  `create table housekeeping_progress (
     job text primary key check (job in ('rollups', 'purge')),
     done_until timestamptz not null,
     updated_at timestamptz not null default now()
   )`,
  `update retention_settings set keep_days = 14, description = 'raw router samples, one per site per poll (hourly and daily rollups keep what they add up to)'
     where data_class = 'samples'`,
  `insert into retention_settings (data_class, keep_days, description) values
     ('site_state_changes', 1095, 'each change of a site''s state (outage history; the rollups keep the seconds in each state)'),
     ('site_events', 1095, 'router reboots seen by the controller'),
     ('problem_reports', 730, 'problems citizens reported at a site'),
     ('rate_limits', 1, 'portal rate-limit counters, counted from when they expired')
   on conflict (data_class) do nothing`,
];

const DOWN = [
  `delete from retention_settings where data_class in ('site_state_changes', 'site_events', 'problem_reports', 'rate_limits')`,
  `update retention_settings set keep_days = 30, description = 'raw router samples (hourly and daily rollups are kept)' where data_class = 'samples'`,
  'drop table if exists housekeeping_progress',
  'drop index if exists site_state_changes_at_idx',
  `alter table rollups_daily
     drop column if exists unknown_seconds, drop column if exists sample_count, drop column if exists avg_active_users,
     drop column if exists router_rx_bytes, drop column if exists router_tx_bytes`,
  `alter table rollups_hourly
     drop column if exists unknown_seconds, drop column if exists sample_count, drop column if exists avg_active_users,
     drop column if exists router_rx_bytes, drop column if exists router_tx_bytes`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of UP) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  for (const sql of DOWN) await knex.raw(sql);
}
