import type { Clock } from '../../../core/domain/clock.js';
import type { PollResult, RouterPoller, RouterTarget } from '../../../controller/poll-site.js';

export type FakeBehaviour = 'ok' | 'refused' | 'timeout' | 'auth' | 'busy' | 'rebooting' | 'flapping';

/** A poller that answers from a behaviour per host, and records who polled which site when. */
export function fakePoller(clock: Clock, behaviourOf: (host: string) => FakeBehaviour, log: Array<{ siteId: number; at: number; by: string }>, by: string): RouterPoller & { polls: number } {
  const counts = new Map<number, number>();
  const poller = {
    polls: 0,
    async poll(target: RouterTarget): Promise<PollResult> {
      poller.polls++;
      const n = (counts.get(target.siteId) ?? 0) + 1;
      counts.set(target.siteId, n);
      const at = clock();
      log.push({ siteId: target.siteId, at: at.getTime(), by });
      const behaviour = behaviourOf(target.host);
      const ok = (over: Partial<Extract<PollResult, { ok: true }>> = {}): PollResult => ({
        ok: true, at, rttMs: 3, uptimeSeconds: 10_000 + n * 60, cpuLoad: 12, freeMemory: 100e6, totalMemory: 256e6,
        version: '7.18.2', board: 'hAP ac^2', activeUsers: 4, rxBytes: 1000 * n, txBytes: 2000 * n,
        rxRate: n > 1 ? 16 : null, txRate: n > 1 ? 33 : null, wirelessMissing: false, ...over,
      });
      switch (behaviour) {
        case 'refused': return { ok: false, at, rttMs: null, failure: 'refused', message: 'connect ECONNREFUSED' };
        case 'timeout': return { ok: false, at, rttMs: null, failure: 'connect-timeout', message: 'no connection in 5000 ms' };
        case 'auth': return { ok: false, at, rttMs: 2, failure: 'auth', message: 'invalid user name or password (6)' };
        case 'busy': return ok({ cpuLoad: 97 });
        case 'rebooting': return ok({ uptimeSeconds: n === 3 ? 40 : 10_000 + n * 60 });
        case 'flapping': return n % 2 ? ok() : { ok: false, at, rttMs: null, failure: 'closed', message: 'connection reset' };
        default: return ok();
      }
    },
    forget(): void {},
    async close(): Promise<void> {},
    openConnections: () => 0,
  };
  return poller;
}
