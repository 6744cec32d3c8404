import type { Knex } from 'knex';

/**
 * Heartbeats for sites behind NAT (DESIGN.md "Router monitoring"): a site is watched either by
 * polling its router's API ('api') or by the heartbeats its router posts ('heartbeat'). The token a
 * router sends is kept only as a keyed hash (HMAC-SHA256 under CITYWIFI_SECRET_KEY), unique, so a
 * heartbeat finds its site in one index look-up. site_status keeps the latest heartbeat (its values
 * as the router sent them, validated, and where it came from); the controller that leases the site
 * reads it at the site's slot.
 */
const UP = [
  `alter table sites
     add column monitoring text not null default 'api',
     add column heartbeat_token_hash text,
     add constraint sites_monitoring_check check (monitoring in ('api', 'heartbeat'))`,
  'create unique index sites_heartbeat_token_idx on sites (heartbeat_token_hash) where heartbeat_token_hash is not null',
  `alter table site_status
     add column last_heartbeat_at timestamptz,
     add column last_heartbeat jsonb,
     add column last_heartbeat_from text`,
];

const DOWN = [
  'alter table site_status drop column if exists last_heartbeat_at, drop column if exists last_heartbeat, drop column if exists last_heartbeat_from',
  'drop index if exists sites_heartbeat_token_idx',
  'alter table sites drop constraint if exists sites_monitoring_check, drop column if exists monitoring, drop column if exists heartbeat_token_hash',
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of UP) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  for (const sql of DOWN) await knex.raw(sql);
}
