import type { AccountingRecord, AccountingStatus } from '../core/db/queries/sessions.js';
import type { Clock } from '../core/domain/clock.js';
import { normalizeMac } from '../core/domain/mac.js';
import { combineGigawords, type RadiusRequest } from '../core/radius/index.js';
import { decodeClass } from './class-attribute.js';
import type { RadiusClient } from './client-table.js';

const STATUS: Record<string, AccountingStatus> = {
  Start: 'start',
  Stop: 'stop',
  'Interim-Update': 'interim',
  Alive: 'interim',
  'Accounting-On': 'accounting-on',
  'Accounting-Off': 'accounting-off',
};

export type AccountingParse =
  | { kind: 'record'; record: AccountingRecord }
  | { kind: 'ignore'; status: string }
  | { kind: 'invalid'; reason: string };

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'number') return String(value);
  return undefined;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/** Turns an Accounting-Request into the record to store; times are moved back by Acct-Delay-Time. */
export function parseAccountingRequest(request: RadiusRequest, client: RadiusClient, sourceAddress: string, clock: Clock): AccountingParse {
  const a = request.attributes;
  const statusName = text(a['Acct-Status-Type']);
  if (!statusName) return { kind: 'invalid', reason: 'missing-status-type' };
  const status = STATUS[statusName];
  if (!status) return { kind: 'ignore', status: statusName };
  const delay = Math.min(count(a['Acct-Delay-Time']), 7 * 24 * 3600);
  const eventAt = new Date(clock().getTime() - delay * 1000);
  const siteId = client.site?.id ?? null;
  if (status === 'accounting-on' || status === 'accounting-off') {
    return { kind: 'record', record: { status, nasId: client.nasId, siteId, nasIp: sourceAddress, eventAt } };
  }

  const acctSessionId = text(a['Acct-Session-Id']);
  if (!acctSessionId) return { kind: 'invalid', reason: 'missing-acct-session-id' };
  const principal = decodeClass(a['Class']);
  const username = text(a['User-Name']) ?? '';
  return {
    kind: 'record',
    // Spelled out rather than spread from a base object: V8 builds a spread-then-extended literal
    // property by property on a fresh shape, which cost tens of microseconds a packet.
    record: {
      status,
      nasId: client.nasId,
      siteId,
      nasIp: sourceAddress,
      eventAt,
      acctSessionId: acctSessionId.slice(0, 253),
      // A voucher code typed on the router's own page is the User-Name: keep the voucher id instead.
      username: principal?.loginKind === 'voucher' && principal.voucherId ? `voucher#${principal.voucherId}` : username.slice(0, 253),
      loginKind: principal?.loginKind,
      subscriberId: principal?.subscriberId,
      deviceId: principal?.deviceId,
      voucherId: principal?.voucherId,
      accountId: principal?.accountId,
      planId: principal?.planId,
      mac: normalizeMac(text(a['Calling-Station-Id'])),
      framedIp: text(a['Framed-IP-Address']),
      nasPortId: text(a['NAS-Port-Id']),
      class: text(a['Class'])?.slice(0, 253),
      sessionTime: count(a['Acct-Session-Time']),
      inputOctets: combineGigawords(count(a['Acct-Input-Octets']), count(a['Acct-Input-Gigawords'])),
      outputOctets: combineGigawords(count(a['Acct-Output-Octets']), count(a['Acct-Output-Gigawords'])),
      inputPackets: count(a['Acct-Input-Packets']),
      outputPackets: count(a['Acct-Output-Packets']),
      terminateCause: status === 'stop' ? text(a['Acct-Terminate-Cause']) : undefined,
    },
  };
}
