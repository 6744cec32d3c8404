import type { Knex } from 'knex';

/**
 * Alerts as an outbox. The dispatcher (controller/alerts.ts) reads new site state changes, decides
 * the alerts (core/domain/alert-rules.ts) and records them here in one transaction; sending happens
 * after, with retries, so an alert is never lost and never sent for the same change twice.
 *
 *   alerts         one row per alert: kind, the site or the area, the change ids it covered when made,
 *                  the JSON body that is posted, and its delivery (sent_at, attempts, next_attempt_at,
 *                  last_error). next_attempt_at is null when nothing more will be tried.
 *   alert_changes  every state change the dispatcher has looked at, once (the primary key), and the
 *                  alert that covers it if any: the guard that a change is alerted at most once.
 *                  Rows without an alert are pruned once the cursor is past them.
 *   alert_cursor   one row: changes at or below low_water have all been looked at; state holds what
 *                  the rules remember between runs (flapping sites, open area outages).
 *
 * The cursor starts at the newest change already stored, so history is never alerted on deployment.
 */
const UP = [
  `create table alerts (
     id bigserial primary key,
     kind text not null check (kind in ('outage', 'recovery', 'flapping', 'area-outage', 'area-recovery')),
     site_id integer references sites(id) on delete cascade,
     area_code text references areas(code),
     change_ids bigint[] not null default '{}',
     payload jsonb not null,
     created_at timestamptz not null,
     sent_at timestamptz,
     attempts integer not null default 0,
     next_attempt_at timestamptz,
     last_error text,
     check (site_id is not null or area_code is not null)
   )`,
  'create index alerts_created_idx on alerts (created_at)',
  'create index alerts_site_idx on alerts (site_id, created_at)',
  'create index alerts_area_idx on alerts (area_code, created_at)',
  'create index alerts_unsent_idx on alerts (id) where sent_at is null and next_attempt_at is not null',
  `create table alert_changes (
     change_id bigint primary key references site_state_changes(id) on delete cascade,
     alert_id bigint references alerts(id) on delete cascade,
     outcome text not null check (outcome in ('alerted', 'joined', 'suppressed', 'ignored', 'stale')),
     handled_at timestamptz not null
   )`,
  'create index alert_changes_alert_idx on alert_changes (alert_id) where alert_id is not null',
  `create table alert_cursor (
     id boolean primary key default true check (id),
     low_water bigint not null,
     state jsonb not null default '{}',
     updated_at timestamptz not null default now()
   )`,
  `insert into alert_cursor (id, low_water) select true, coalesce(max(id), 0) from site_state_changes`,
];

const DOWN = ['drop table if exists alert_cursor', 'drop table if exists alert_changes', 'drop table if exists alerts'];

export async function up(knex: Knex): Promise<void> {
  for (const sql of UP) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  for (const sql of DOWN) await knex.raw(sql);
}
