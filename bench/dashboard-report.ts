// The dashboard benchmark's output: per request kind p50/p95/p99 and throughput, the peer's times, and
// the targets of issue 5 §4 with whether each is met.
import type { Summary } from "./dashboard-http.js";

export const ms = (n: number) =>
  Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n.toFixed(1)) : "-";
const rate = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "-");

export function latencyRows(summaries: Summary[]): string[][] {
  const header = [
    "request",
    "concurrency",
    "requests",
    "req/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "max ms",
    "KiB",
    "errors",
  ];
  return [
    header,
    ...summaries.map((s) => {
      const [label, concurrency] = s.label.split(" @");
      return [
        label,
        concurrency ?? "1",
        String(s.requests),
        rate(s.perSecond),
        ms(s.p50),
        ms(s.p95),
        ms(s.p99),
        ms(s.max),
        rate(s.meanKiB),
        String(s.errors),
      ];
    }),
  ];
}

export interface PeerFigure {
  figure: string;
  runs: number[];
  /** the citywifi request it is compared with, and that request's median */
  versus: string;
  oursMedian: number;
}

export function peerRows(peers: PeerFigure[]): string[][] {
  const median = (v: number[]) =>
    [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];
  return [
    [
      "peer (raw tables, SQL only)",
      "runs",
      "median ms",
      "max ms",
      "citywifi (HTTP, whole page)",
      "median ms",
      "peer / citywifi",
    ],
    ...peers.map((p) => [
      p.figure,
      String(p.runs.length),
      ms(median(p.runs)),
      ms(Math.max(...p.runs)),
      p.versus,
      ms(p.oursMedian),
      `${(median(p.runs) / p.oursMedian).toFixed(1)}×`,
    ]),
  ];
}

export interface Target {
  figure: string;
  measured: number;
  limitMs: number;
  note: string;
}

export function targetRows(targets: Target[]): string[][] {
  return [
    ["figure", "measured ms", "target", "met?", "how"],
    ...targets.map((t) => [
      t.figure,
      ms(t.measured),
      `< ${t.limitMs} ms`,
      t.measured < t.limitMs ? "yes" : "NO",
      t.note,
    ]),
  ];
}

export function textTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) =>
    Math.max(...rows.map((r) => (r[c] ?? "").length)),
  );
  const numeric = (cell: string) =>
    /^[-\d.,×<> ms]+$/.test(cell) && /\d|^-$/.test(cell);
  return rows
    .map((row) =>
      row
        .map((cell, c) =>
          numeric(cell) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function markdownTable(rows: string[][]): string {
  const line = (row: string[]) => `| ${row.join(" | ")} |`;
  return [
    line(rows[0]),
    line(rows[0].map(() => "---")),
    ...rows.slice(1).map(line),
  ].join("\n");
}
