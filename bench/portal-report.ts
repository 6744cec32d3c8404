// The portal benchmark's output: one table, the ratios against the targets, and its own section of
// bench/RESULTS.md (the `## Portal` section; every other section is left as it is).
import type { LoginLoadResult } from './portal-login-load.js';
import type { ViewResult } from './portal-wrk.js';

export const PORTAL_TARGETS = {
  /** login page views/s at least this share of the bare Express + EJS page's */
  viewsVsBareExpress: 0.8,
  viewsPerSecond: 5000,
  loginsPerSecond: 1000,
} as const;

export type ViewServer = 'citywifi login page' | 'bare Express + EJS' | 'nginx static file';

export interface CpuShare {
  /** CPU the server under test used, in cores (1 = one core busy all the time). */
  serverCores: number;
  /** How busy the whole machine was, as a share of all its cores. */
  machineBusy: number;
}

export interface ViewMeasurement {
  server: ViewServer;
  /** server processes answering (node:cluster workers; nginx: its worker processes) */
  processes: number;
  result: ViewResult;
  bodyBytes: number;
  cpu: CpuShare;
}

export interface LoginMeasurement {
  /** PORTAL_WORKERS of the portal under test (the RADIUS server is one process) */
  portalWorkers: number;
  result: LoginLoadResult;
  /** the portal's and the RADIUS server's CPU, in cores; machineBusy as above */
  portalCores: number;
  radiusCores: number;
  machineBusy: number;
  /** PostgreSQL transactions in the bench database per login (portal and RADIUS together) */
  transactionsPerLogin: number;
  /** what the database's busy connections waited on, as one line (portal-db-waits.ts) */
  waits: string;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');
const pct = (n: number) => (Number.isFinite(n) ? `${Math.round(n * 100)}%` : '-');

export function portalTableRows(views: ViewMeasurement[], logins: LoginMeasurement[]): string[][] {
  const header = ['measure', 'server', 'processes', 'per second', 'p50 ms', 'p99 ms', 'done', 'errors', 'page bytes', 'server CPU', 'generator CPU', 'machine busy'];
  const rows = views.map((v) => [
    'page views',
    v.server,
    String(v.processes),
    int(v.result.perSecond),
    ms(v.result.p50Ms),
    ms(v.result.p99Ms),
    int(v.result.requests),
    int(v.result.non2xx + v.result.socketErrors),
    int(v.bodyBytes),
    pct(v.cpu.serverCores),
    pct(v.result.generatorCpu),
    pct(v.cpu.machineBusy),
  ]);
  for (const login of logins) {
    const r = login.result;
    rows.push([
      'click-through logins',
      'citywifi portal + RADIUS',
      `${login.portalWorkers} + 1`,
      int(r.perSecond),
      ms(r.p50Ms),
      ms(r.p99Ms),
      int(r.completed),
      int(r.failed),
      '-',
      `${pct(login.portalCores)} + ${pct(login.radiusCores)}`,
      pct(r.generatorCpu),
      pct(login.machineBusy),
    ]);
  }
  return [header, ...rows];
}

const processesText = (n: number) => (n === 1 ? 'one process' : `${n} workers`);

/**
 * One line per target: the figure, the target, met or not. The page-to-bare-Express ratio compares
 * the same number of processes (the target is the one-process pair); views/s and logins/s are given
 * for each number of portal processes measured, and the target is judged on the best of them.
 */
export function portalVerdicts(views: ViewMeasurement[], logins: LoginMeasurement[]): string[] {
  const lines: string[] = [];
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const find = (server: ViewServer, processes?: number) => views.find((v) => v.server === server && (processes === undefined || v.processes === processes))?.result.perSecond;
  const pages = views.filter((v) => v.server === 'citywifi login page');
  const nginx = find('nginx static file');
  for (const page of pages) {
    const bare = find('bare Express + EJS', page.processes);
    if (bare === undefined) continue;
    const ratio = page.result.perSecond / bare;
    const target = page.processes === 1 ? `target ≥ ${PORTAL_TARGETS.viewsVsBareExpress}×: ${met(ratio >= PORTAL_TARGETS.viewsVsBareExpress)}` : `the same pair with ${page.processes} workers each; the target is the one-process pair`;
    lines.push(`login page / bare Express + EJS, ${processesText(page.processes)} each = ${ratio.toFixed(2)}× (${target})`);
  }
  if (pages.length > 0 && nginx !== undefined) {
    const best = pages.reduce((a, b) => (b.result.perSecond > a.result.perSecond ? b : a));
    const bare = find('bare Express + EJS', best.processes);
    lines.push(
      `login page (${processesText(best.processes)}) / nginx static file = ${(best.result.perSecond / nginx).toFixed(3)}× (bare Express + EJS / nginx = ${bare !== undefined ? (bare / nginx).toFixed(3) : '-'}×; no target, the physical ceiling)`,
    );
  }
  if (pages.length > 0) {
    const best = Math.max(...pages.map((p) => p.result.perSecond));
    const each = pages.map((p) => `${int(p.result.perSecond)}/s with ${processesText(p.processes)}`).join(', ');
    lines.push(`login page views: ${each} (target ≥ ${int(PORTAL_TARGETS.viewsPerSecond)}/s: ${met(best >= PORTAL_TARGETS.viewsPerSecond)})`);
  }
  if (logins.length > 0) {
    const best = Math.max(...logins.map((l) => l.result.perSecond));
    const each = logins.map((l) => `${int(l.result.perSecond)}/s with the portal in ${processesText(l.portalWorkers)}`).join(', ');
    lines.push(`completed click-through logins: ${each} (target ≥ ${int(PORTAL_TARGETS.loginsPerSecond)}/s: ${met(best >= PORTAL_TARGETS.loginsPerSecond)})`);
  }
  for (const login of logins) {
    const r = login.result;
    const tag = `portal in ${processesText(login.portalWorkers)}`;
    lines.push(`a login's steps (p50, ${tag}): login page ${ms(r.stepsP50Ms.page)} ms, click-through form post to handoff page ${ms(r.stepsP50Ms.click)} ms, Access-Request to Accept ${ms(r.stepsP50Ms.radius)} ms`);
    lines.push(`database per login (${tag}): ${login.transactionsPerLogin.toFixed(2)} transactions (portal + RADIUS); busy connections waited on: ${login.waits}`);
    if (r.failed > 0) {
      lines.push(`failed logins (${tag}): ${int(r.failed)} (${Object.entries(r.failedAt).map(([step, n]) => `${step} ${n}`).join(', ')}); first: ${r.failures[0]}`);
    }
  }
  return lines;
}
