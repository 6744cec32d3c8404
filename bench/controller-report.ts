// The controller benchmark's output: the figures against their targets, the peer, and the section
// of bench/RESULTS.md.
import os from 'node:os';
import type { PeerResult } from './controller-peer.js';
import { MIB } from './controller-proc.js';

/** Issue 4 §8, for 5,000 routers on one controller (and for each controller's share of a bigger fleet). */
export const TARGETS = { sweepSeconds: 15, cpuShare: 0.25, peakRssMiB: 300 };

export interface Figure {
  figure: string;
  measured: string;
  target: string;
  /** undefined: no target, only information. */
  met: boolean | undefined;
}

export const seconds = (s: number) => (Number.isFinite(s) ? `${s < 100 ? s.toFixed(1) : Math.round(s).toLocaleString('en-US')} s` : '-');
export const percent = (share: number) => (Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : '-');
export const mib = (bytes: number) => (Number.isFinite(bytes) ? `${Math.round(bytes / MIB)} MB` : '-');
export const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');

export function humanDuration(s: number): string {
  if (!Number.isFinite(s)) return '-';
  if (s < 120) return seconds(s);
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

function metText(met: boolean | undefined): string {
  return met === undefined ? '' : met ? 'yes' : 'NO';
}

export function figureRows(figures: Figure[]): string[][] {
  return [['figure', 'measured', 'target', 'met?'], ...figures.map((f) => [f.figure, f.measured, f.target, metText(f.met)])];
}

export function peerRows(peer: PeerResult): string[][] {
  const rows = [['routers', 'in fleet', 'polled by the peer', 'mean per router', 'outcomes', 'projected share of a sweep']];
  for (const c of peer.classes) {
    const mean = c.polled ? c.seconds / c.polled : NaN;
    rows.push([
      c.name,
      int(c.inFleet),
      int(c.polled),
      Number.isFinite(mean) ? `${(mean * 1000).toFixed(mean < 1 ? 1 : 0)} ms` : '-',
      Object.entries(c.outcomes).map(([k, v]) => `${k} ${v}`).join(', '),
      humanDuration(mean * c.inFleet),
    ]);
  }
  return rows;
}

export function textTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((row) => row.map((cell, c) => (cell ?? '').padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}

export function markdownTable(rows: string[][]): string {
  const line = (row: string[]) => `| ${row.join(' | ')} |`;
  return [line(rows[0]), line(rows[0].map(() => '---')), ...rows.slice(1).map(line)].join('\n');
}

export function machineLine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${os.release()}, Node ${process.version}`;
}
