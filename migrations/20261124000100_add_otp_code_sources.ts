import type { Knex } from 'knex';

/**
 * One-time codes remember where a request came from, so the daily caps per device (MAC) and per
 * source address can be counted from the codes themselves, across every portal process. The address
 * is kept as a keyed hash (HMAC with CITYWIFI_SECRET_KEY), like phone numbers: counted, never read back.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table otp_codes add column address_hash text');
  await knex.raw('create index otp_codes_mac_idx on otp_codes (mac, sent_at) where mac is not null');
  await knex.raw('create index otp_codes_address_idx on otp_codes (address_hash, sent_at) where address_hash is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists otp_codes_address_idx');
  await knex.raw('drop index if exists otp_codes_mac_idx');
  await knex.raw('alter table otp_codes drop column if exists address_hash');
}
