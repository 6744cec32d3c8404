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
  result: ViewResult;
  bodyBytes: number;
  cpu: CpuShare;
}

export interface LoginMeasurement {
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

export function portalTableRows(views: ViewMeasurement[], logins: LoginMeasurement | undefined): string[][] {
  const header = ['measure', 'server', 'per second', 'p50 ms', 'p99 ms', 'done', 'errors', 'page bytes', 'server CPU', 'generator CPU', 'machine busy'];
  const rows = views.map((v) => [
    'page views',
    v.server,
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
  if (logins) {
    const r = logins.result;
    rows.push([
      'click-through logins',
      'citywifi portal + RADIUS',
      int(r.perSecond),
      ms(r.p50Ms),
      ms(r.p99Ms),
      int(r.completed),
      int(r.failed),
      '-',
      `${pct(logins.portalCores)} + ${pct(logins.radiusCores)}`,
      pct(r.generatorCpu),
      pct(logins.machineBusy),
    ]);
  }
  return [header, ...rows];
}

/** One line per target: the figure, the target, met or not. */
export function portalVerdicts(views: ViewMeasurement[], login: LoginMeasurement | undefined): string[] {
  const find = (server: ViewServer) => views.find((v) => v.server === server)?.result.perSecond;
  const page = find('citywifi login page');
  const bare = find('bare Express + EJS');
  const nginx = find('nginx static file');
  const lines: string[] = [];
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  if (page !== undefined && bare !== undefined) {
    const ratio = page / bare;
    lines.push(`login page / bare Express + EJS = ${ratio.toFixed(2)}× (target ≥ ${PORTAL_TARGETS.viewsVsBareExpress}×: ${met(ratio >= PORTAL_TARGETS.viewsVsBareExpress)})`);
  }
  if (page !== undefined && nginx !== undefined) {
    lines.push(`login page / nginx static file = ${(page / nginx).toFixed(3)}× (bare Express + EJS / nginx = ${bare !== undefined ? (bare / nginx).toFixed(3) : '-'}×; no target, the physical ceiling)`);
  }
  if (page !== undefined) {
    lines.push(`login page views: ${int(page)}/s (target ≥ ${int(PORTAL_TARGETS.viewsPerSecond)}/s: ${met(page >= PORTAL_TARGETS.viewsPerSecond)})`);
  }
  if (login) {
    const logins = login.result;
    lines.push(`completed click-through logins: ${int(logins.perSecond)}/s (target ≥ ${int(PORTAL_TARGETS.loginsPerSecond)}/s: ${met(logins.perSecond >= PORTAL_TARGETS.loginsPerSecond)})`);
    lines.push(
      `a login's steps (p50): login page ${ms(logins.stepsP50Ms.page)} ms, click-through form post to handoff page ${ms(logins.stepsP50Ms.click)} ms, Access-Request to Accept ${ms(logins.stepsP50Ms.radius)} ms`,
    );
    lines.push(`database per login: ${login.transactionsPerLogin.toFixed(2)} transactions (portal + RADIUS; each commit is a WAL flush); busy connections waited on: ${login.waits}`);
    if (logins.failed > 0) {
      lines.push(`failed logins: ${int(logins.failed)} (${Object.entries(logins.failedAt).map(([step, n]) => `${step} ${n}`).join(', ')}); first: ${logins.failures[0]}`);
    }
  }
  return lines;
}

