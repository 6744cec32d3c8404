import type { Knex } from 'knex';

/**
 * The problem-report queue of the dashboard's incidents page: who acknowledged a citizen's report and
 * when, who resolved it, and an optional note from the engineer (what was found, what was done).
 * The queue reads open reports first, then acknowledged ones, filtered by kind and area: an index on
 * (status, at) serves it.
 */
const UP = [
  'alter table problem_reports add column note text',
  'alter table problem_reports add column acknowledged_at timestamptz',
  'alter table problem_reports add column acknowledged_by text',
  'alter table problem_reports add column resolved_by text',
  'create index problem_reports_status_at_idx on problem_reports (status, at)',
];

const DOWN = [
  'drop index if exists problem_reports_status_at_idx',
  'alter table problem_reports drop column if exists resolved_by',
  'alter table problem_reports drop column if exists acknowledged_by',
  'alter table problem_reports drop column if exists acknowledged_at',
  'alter table problem_reports drop column if exists note',
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of UP) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  for (const sql of DOWN) await knex.raw(sql);
}
