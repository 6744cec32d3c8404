import type { Knex } from 'knex';

/**
 * Settings an admin changes in the dashboard while the services run (table settings, one row per
 * key), first of all the terms version citizens accept ('portal.terms_version'). A key with no row
 * falls back to its configuration value (PORTAL_TERMS_VERSION). Each row says who set it and when;
 * the audit log keeps the history.
 */
const UP = `create table settings (
  key text primary key,
  value text not null,
  updated_at timestamptz not null default now(),
  updated_by text not null
)`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(UP);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists settings');
}
