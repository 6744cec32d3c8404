// The benchmark's output: the table, the ratios against the targets, and bench/RESULTS.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadResult } from './load-generator.js';
import { PLAN } from './workload.js';

export type ServerName = 'FreeRADIUS' | 'citywifi';
export type Kind = 'chap' | 'accounting';

export const KIND_LABEL: Record<Kind, string> = { chap: 'CHAP auth', accounting: 'accounting' };
/** citywifi must do at least this many times FreeRADIUS's requests per second. */
export const TARGET_RATIO: Record<Kind, number> = { chap: 3, accounting: 2 };

export interface Measurement {
  server: ServerName;
  kind: Kind;
  result: LoadResult;
  warmup: LoadResult;
  /** PostgreSQL transactions per request (a lower bound on round trips), when it could be read. */
  transactionsPerRequest: number | undefined;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');

export function tableRows(measurements: Measurement[]): string[][] {
  const header = ['server', 'kind', 'requests/s', 'p50 ms', 'p99 ms', 'lost', 'rejects', 'bad replies', 'DB xact/request', 'requests', 'generator CPU'];
  const rows = measurements.map((m) => [
    m.server,
    KIND_LABEL[m.kind],
    int(m.result.perSecond),
    ms(m.result.p50Ms),
    ms(m.result.p99Ms),
    int(m.result.lost),
    int(m.result.rejects),
    int(m.result.bad),
    m.transactionsPerRequest === undefined ? '-' : m.transactionsPerRequest.toFixed(2),
    int(m.result.sent),
    `${Math.round(m.result.generatorCpu * 100)}%`,
  ]);
  return [header, ...rows];
}

export function textTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const numeric = (c: number) => c >= 2;
  return rows
    .map((row) => row.map((cell, c) => (numeric(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  '))
    .join('\n');
}

export function markdownTable(rows: string[][]): string {
  const line = (row: string[]) => `| ${row.join(' | ')} |`;
  const rule = rows[0].map((_, c) => (c >= 2 ? '---:' : '---'));
  return [line(rows[0]), line(rule), ...rows.slice(1).map(line)].join('\n');
}

/** One line per kind: the ratio citywifi/FreeRADIUS against its target, and the lost-requests target. */
export function verdicts(measurements: Measurement[]): string[] {
  const lines: string[] = [];
  const find = (server: ServerName, kind: Kind) => measurements.find((m) => m.server === server && m.kind === kind);
  for (const kind of ['chap', 'accounting'] as Kind[]) {
    const ours = find('citywifi', kind);
    const peer = find('FreeRADIUS', kind);
    if (!ours || !peer) continue;
    const ratio = ours.result.perSecond / peer.result.perSecond;
    const met = ratio >= TARGET_RATIO[kind];
    lines.push(
      `${KIND_LABEL[kind]}: citywifi/FreeRADIUS = ${ratio.toFixed(2)}× (target ≥ ${TARGET_RATIO[kind]}×: ${met ? 'met' : 'NOT met'})`,
    );
  }
  const ours = measurements.filter((m) => m.server === 'citywifi');
  if (ours.length > 0) {
    const lost = ours.reduce((sum, m) => sum + m.result.lost, 0);
    lines.push(`citywifi lost requests: ${int(lost)} (target 0: ${lost === 0 ? 'met' : 'NOT met'})`);
    const chap = ours.find((m) => m.kind === 'chap');
    if (chap?.transactionsPerRequest !== undefined) {
      const ok = chap.transactionsPerRequest <= 1.05;
      lines.push(
        `citywifi database transactions per Access-Request: ${chap.transactionsPerRequest.toFixed(2)} ` +
          `(target ≤ 1 round trip: ${ok ? 'consistent' : 'NOT met'}; a transaction is at least one round trip)`,
      );
    }
  }
  return lines;
}

const RADIUS_TYPES: Record<number, string> = {
  18: 'Reply-Message',
  25: 'Class',
  27: 'Session-Timeout',
  28: 'Idle-Timeout',
  80: 'Message-Authenticator',
  85: 'Acct-Interim-Interval',
};
const INTEGER_TYPES = new Set([27, 28, 85]);
const MIKROTIK = 14988;
const MIKROTIK_RATE_LIMIT = 8;

/** The attributes of a reply, as `Name=value` (unknown ones as their number), for the reader to compare. */
export function describeReply(reply: Buffer): Map<string, string> {
  const attributes = new Map<string, string>();
  const length = Math.min(reply.readUInt16BE(2), reply.length);
  for (let at = 20; at + 2 <= length; ) {
    const type = reply[at];
    const size = reply[at + 1];
    if (size < 2 || at + size > length) break;
    const value = reply.subarray(at + 2, at + size);
    if (type === 26 && value.length >= 6 && value.readUInt32BE(0) === MIKROTIK && value[4] === MIKROTIK_RATE_LIMIT) {
      attributes.set('Mikrotik-Rate-Limit', value.subarray(6, 4 + value[5]).toString('utf8'));
    } else if (type === 26 && value.length >= 4) {
      attributes.set(`Vendor-Specific(${value.readUInt32BE(0)}/${value[4]})`, value.subarray(6).toString('hex'));
    } else if (INTEGER_TYPES.has(type) && value.length === 4) {
      attributes.set(RADIUS_TYPES[type], String(value.readUInt32BE(0)));
    } else if (type === 80) {
      attributes.set('Message-Authenticator', '…');
    } else {
      attributes.set(RADIUS_TYPES[type] ?? `Attr-${type}`, value.toString('utf8'));
    }
    at += size;
  }
  return attributes;
}

/** The plan attributes an Access-Accept must carry, and which are missing or different. */
export function planMismatches(attributes: Map<string, string>): string[] {
  const expected: Record<string, string> = {
    'Session-Timeout': String(PLAN.sessionTimeout),
    'Idle-Timeout': String(PLAN.idleTimeout),
    'Acct-Interim-Interval': String(PLAN.interimInterval),
    'Mikrotik-Rate-Limit': PLAN.rateLimit,
  };
  return Object.entries(expected)
    .filter(([name, value]) => attributes.get(name) !== value)
    .map(([name, value]) => `${name} is ${attributes.get(name) ?? 'missing'}, expected ${value}`);
}

export function formatAttributes(attributes: Map<string, string>): string {
  return [...attributes].map(([name, value]) => `${name}=${value}`).join(' ');
}

export function resultsPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const source = join(here, '..', '..', 'bench');
  return join(existsSync(join(source, 'radius.ts')) ? source : here, 'RESULTS.md');
}

const FILE_HEADER = `# Benchmark results

Each benchmark in \`bench/\` measures citywifi against a peer in the same run, on the same machine,
with the same load generator. Rerun one and it replaces its own section here.
`;

/**
 * Replaces the section of RESULTS.md whose heading starts with `## <heading>` (or adds it at the end),
 * keeping every other section. Read just before writing: another benchmark may have rewritten its own.
 */
export function writeResultsSection(path: string, section: string, heading = 'RADIUS'): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : FILE_HEADER;
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line === `## ${heading}` || line.startsWith(`## ${heading}:`) || line.startsWith(`## ${heading} `));
  let next: string;
  if (start === -1) {
    next = `${text.trimEnd()}\n\n${section.trimEnd()}\n`;
  } else {
    let end = lines.findIndex((line, i) => i > start && /^## /.test(line));
    if (end === -1) end = lines.length;
    const before = lines.slice(0, start).join('\n').trimEnd();
    const after = lines.slice(end).join('\n').trim();
    next = `${before}\n\n${section.trimEnd()}\n${after ? `\n${after}\n` : ''}`;
  }
  writeFileSync(path, next);
}
