import type { Knex } from 'knex';

/**
 * The dashboard's sign-in: roles limited to admin, engineer and reporter; failed sign-ins counted per
 * username and per client address (admin_sign_in_failures, so the lockout holds across several
 * dashboard processes, and an unknown username is locked exactly like a real one: a lockout reveals
 * nothing about which names exist); API tokens for machines (only a keyed hash of each token is kept,
 * the token itself is printed once).
 */
const UP = [
  `alter table admin_users add constraint admin_users_roles_check
     check (cardinality(roles) > 0 and roles <@ array['admin', 'engineer', 'reporter']::text[])`,
  `create table admin_sign_in_failures (
     key text primary key,
     failures integer not null,
     window_started_at timestamptz not null,
     locked_until timestamptz
   )`,
  `create table api_tokens (
     id serial primary key,
     name text not null unique,
     token_hash text not null unique,
     roles text[] not null check (cardinality(roles) > 0 and roles <@ array['admin', 'engineer', 'reporter']::text[]),
     created_by text not null,
     created_at timestamptz not null default now(),
     last_used_at timestamptz,
     revoked_at timestamptz
   )`,
  'create index audit_log_actor_at_idx on audit_log (actor, at)',
];

const DOWN = [
  'drop index if exists audit_log_actor_at_idx',
  'drop table if exists api_tokens',
  'drop table if exists admin_sign_in_failures',
  'alter table admin_users drop constraint if exists admin_users_roles_check',
];

export async function up(knex: Knex): Promise<void> {
  for (const statement of UP) await knex.raw(statement);
}

export async function down(knex: Knex): Promise<void> {
  for (const statement of DOWN) await knex.raw(statement);
}
