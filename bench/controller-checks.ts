// Whether the controller did what a network engineer expects of it: every site polled, the routers
// that cannot answer in time failed, the others up. Compares the database with the sim's manifests.
import type { BenchRouter } from './controller-fleet.js';
import type { SiteRow } from './controller-db.js';

/** A slow router this close to the timeout may land on either side of it (timers run late on a busy machine). */
const EDGE_MS = 500;

/**
 * true: the router answers every step within the timeout; false: it cannot be polled; undefined:
 * either (a slow router at the edge of the timeout, or a fault this benchmark does not judge).
 */
export function expectedOk(router: BenchRouter, timeoutMs: number): boolean | undefined {
  switch (router.fault) {
    case null:
      return true;
    case 'dead':
    case 'silent':
      return false;
    case 'slow': {
      const delay = router.slowReplyMs ?? 0;
      if (delay < timeoutMs - EDGE_MS) return true;
      if (delay > timeoutMs + EDGE_MS) return false;
      return undefined;
    }
    default:
      return undefined;
  }
}

export interface Verdict {
  /** Sites polled at or after the start of the phase. */
  polled: number;
  total: number;
  /** Sites whose outcome matches expectedOk (judged ones only). */
  right: number;
  judged: number;
  /** Up to a few sites that went wrong, in words. */
  wrong: string[];
  /** Slow routers that answered in time (they are slow, not dead). */
  slowAnswered: number;
  slowTotal: number;
}

/**
 * After one sweep: each site polled since `since`, ok exactly when expected. With `states`, the
 * site's state is judged too (after two or more polls: up when it answers, down when it cannot).
 */
export function judgeSweep(routers: readonly BenchRouter[], rows: Map<string, SiteRow>, since: Date, timeoutMs: number, states = false): Verdict {
  const verdict: Verdict = { polled: 0, total: routers.length, right: 0, judged: 0, wrong: [], slowAnswered: 0, slowTotal: 0 };
  for (const router of routers) {
    const row = rows.get(router.code);
    const polled = !!row?.lastPollAt && row.lastPollAt >= since;
    if (polled) verdict.polled++;
    const ok = polled && !!row!.lastOkAt && row!.lastOkAt.getTime() === row!.lastPollAt!.getTime();
    if (router.fault === 'slow') {
      verdict.slowTotal++;
      if (ok) verdict.slowAnswered++;
    }
    const expected = expectedOk(router, timeoutMs);
    if (expected === undefined) continue;
    verdict.judged++;
    const stateRight = !states || (expected ? row?.state === 'up' : row?.state === 'down');
    if (polled && ok === expected && stateRight) {
      verdict.right++;
    } else if (verdict.wrong.length < 5) {
      const what = router.fault ? `${router.fault}${router.slowReplyMs ? ` ${router.slowReplyMs} ms` : ''}` : 'healthy';
      verdict.wrong.push(
        `${router.code} (${what}): ${polled ? `${ok ? 'answered' : `failed: ${row?.lastError ?? '?'}`}, state ${row?.state}` : 'not polled'}, expected ${expected ? 'up' : 'failed'}`,
      );
    }
  }
  return verdict;
}

export function describeVerdict(v: Verdict): string {
  const parts = [
    `${v.polled.toLocaleString('en-US')}/${v.total.toLocaleString('en-US')} sites polled`,
    `${v.right.toLocaleString('en-US')}/${v.judged.toLocaleString('en-US')} with the expected outcome`,
    `${v.slowAnswered}/${v.slowTotal} slow routers answered within the timeout`,
  ];
  return parts.join(', ') + (v.wrong.length ? `; e.g. ${v.wrong.join('; ')}` : '');
}

export function verdictOk(v: Verdict): boolean {
  return v.polled === v.total && v.right === v.judged;
}
