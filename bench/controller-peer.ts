// The peer of the controller benchmark: a classic sequential poller, as cron-style monitors poll
// (one router at a time; connect, log in, then each command in turn, every step with the same
// timeout; close; next router). It speaks the RouterOS API with the emulator's own codec, so it
// shares no code with the controller. It runs for a fixed time and is projected to the whole fleet.
import { connect, type Socket } from 'node:net';
import { encodeSentence, SentenceDecoder } from '../sim/routeros/index.js';
import type { BenchRouter } from './controller-fleet.js';

/** The same reads as a controller poll: resource, interface counters, active users, wireless. */
const COMMANDS: string[][] = [
  ['/system/resource/print', '=.proplist=uptime,version,board-name,cpu-load,free-memory,total-memory'],
  ['/interface/print', '=.proplist=name,rx-byte,tx-byte'],
  ['/ip/hotspot/active/print', '=count-only='],
  ['/interface/wireless/print', '=count-only='],
];

export type PeerOutcome = 'ok' | 'refused' | 'timeout' | 'error';

/** One sequential poll: every step waits for the one before; each has `timeoutMs`. */
export async function pollSequentially(router: BenchRouter, timeoutMs: number): Promise<PeerOutcome> {
  let socket: Socket | undefined;
  try {
    socket = connect({ host: router.host, port: router.port, noDelay: true });
    const decoder = new SentenceDecoder();
    const queue: string[][] = [];
    let waiting: (() => void) | undefined;
    let failure: Error | undefined;
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const sentence of decoder.push(chunk)) queue.push(sentence.map((w) => w.toString('utf8')));
      } catch (error) {
        failure = error as Error;
      }
      waiting?.();
    });
    socket.on('error', (error) => {
      failure = error;
      waiting?.();
    });
    socket.on('close', () => {
      failure ??= new Error('closed');
      waiting?.();
    });
    const within = <T>(work: Promise<T>): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })), timeoutMs);
        work.then(
          (value) => {
            clearTimeout(timer);
            resolve(value);
          },
          (error: unknown) => {
            clearTimeout(timer);
            reject(error);
          },
        );
      });
    const nextSentence = async (): Promise<string[]> => {
      for (;;) {
        const sentence = queue.shift();
        if (sentence) return sentence;
        if (failure) throw failure;
        await new Promise<void>((resolve) => (waiting = resolve));
        waiting = undefined;
      }
    };
    /** Sends one command and reads up to its `!done` (a `!fatal` ends the connection). */
    const run = async (words: string[]): Promise<string[][]> => {
      socket!.write(encodeSentence(words));
      const reply: string[][] = [];
      for (;;) {
        const sentence = await nextSentence();
        reply.push(sentence);
        if (sentence[0] === '!done') return reply;
        if (sentence[0] === '!fatal') throw new Error('fatal');
      }
    };
    await within(new Promise<void>((resolve, reject) => {
      socket!.once('connect', () => resolve());
      socket!.once('error', reject);
    }));
    const login = await within(run(['/login', `=name=${router.user}`, `=password=${router.password}`]));
    if (login.some((s) => s[0] === '!trap')) return 'error';
    for (const command of COMMANDS) await within(run(command));
    return 'ok';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') return 'refused';
    if (code === 'TIMEOUT') return 'timeout';
    return 'error';
  } finally {
    socket?.destroy();
  }
}

export interface PeerClass {
  /** healthy, dead, silent, slow, … */
  name: string;
  /** Routers of this kind in the fleet. */
  inFleet: number;
  polled: number;
  seconds: number;
  outcomes: Partial<Record<PeerOutcome, number>>;
}

export interface PeerResult {
  classes: PeerClass[];
  /** Wall time the peer ran. */
  seconds: number;
  polled: number;
  /** Σ over kinds: routers of that kind × the mean time the peer took for one of them. */
  projectedSweepSeconds: number;
  /** The silent routers alone: each costs a whole timeout, one after another. */
  silentFloorSeconds: number;
}

/**
 * Polls the fleet sequentially for about `budgetS` seconds and projects one full sweep. Every kind
 * of router is measured (a sample in fleet order would meet a silent or slow router only a few
 * times in 30 s): routers are taken kind by kind in turn, each kind next when it has used the least
 * time so far, the fast kinds being given a quarter of the budget between them. It goes on past the
 * budget until every kind has been polled at least once.
 */
export async function runSequentialPeer(options: {
  routers: readonly BenchRouter[];
  budgetS: number;
  timeoutMs: number;
  onProgress?: (line: string) => void;
}): Promise<PeerResult> {
  const byKind = new Map<string, BenchRouter[]>();
  for (const r of options.routers) {
    const kind = r.fault ?? 'healthy';
    if (!byKind.has(kind)) byKind.set(kind, []);
    byKind.get(kind)!.push(r);
  }
  const classes: PeerClass[] = [...byKind].map(([name, list]) => ({ name, inFleet: list.length, polled: 0, seconds: 0, outcomes: {} }));
  const fast = new Set(['healthy', 'dead']);
  const fastShare = Math.max(1, classes.filter((c) => fast.has(c.name)).length);
  const slowShare = Math.max(1, classes.filter((c) => !fast.has(c.name)).length);
  // Time each kind may use: a quarter of the budget for the fast kinds, the rest for the others.
  const allowance = (c: PeerClass) => (fast.has(c.name) ? (options.budgetS * 0.25) / fastShare : (options.budgetS * 0.75) / slowShare);
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  let lastReport = 0;
  for (;;) {
    const open = classes.filter((c) => c.polled < c.inFleet);
    const unpolled = open.filter((c) => c.polled === 0);
    if (open.length === 0 || (elapsed() >= options.budgetS && unpolled.length === 0)) break;
    const pick = (unpolled.length > 0 ? unpolled : open).reduce((a, b) => (a.seconds / allowance(a) <= b.seconds / allowance(b) ? a : b));
    const router = byKind.get(pick.name)![pick.polled];
    const started = performance.now();
    const outcome = await pollSequentially(router, options.timeoutMs);
    pick.seconds += (performance.now() - started) / 1000;
    pick.polled += 1;
    pick.outcomes[outcome] = (pick.outcomes[outcome] ?? 0) + 1;
    if (options.onProgress && elapsed() - lastReport >= 5) {
      lastReport = elapsed();
      options.onProgress(`${elapsed().toFixed(0)}/${options.budgetS} s, ${classes.reduce((n, c) => n + c.polled, 0)} routers polled`);
    }
  }
  const projected = classes.reduce((sum, c) => sum + (c.polled > 0 ? (c.seconds / c.polled) * c.inFleet : 0), 0);
  const silent = classes.find((c) => c.name === 'silent');
  return {
    classes,
    seconds: elapsed(),
    polled: classes.reduce((n, c) => n + c.polled, 0),
    projectedSweepSeconds: projected,
    silentFloorSeconds: (silent?.inFleet ?? 0) * (options.timeoutMs / 1000),
  };
}
