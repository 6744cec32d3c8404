/**
 * The manifest: what each emulated router is and will answer, as JSON for tests (and people) to
 * compare against. Every entry is a RouterSpec (so `routerStateAt(entry, at)` recomputes the
 * router's values at any instant, from the JSON alone) plus `answers`, a sentence on how it
 * behaves, and `now`, its values when the manifest was written.
 */
import { writeFile } from 'node:fs/promises';
import { FAULT_KINDS, type FaultKind } from './faults.js';
import { formatDuration } from './formats.js';
import { routerStateAt, type RouterSpec } from './router.js';

export const MANIFEST_VERSION = 1;

export interface RouterSnapshot {
  at: string;
  /** Something listens on the port now. */
  listening: boolean;
  bootedAt: string;
  bootCount: number;
  /** As /system/resource prints it, e.g. `1w4d23h26m9s`. */
  uptime: string;
  uptimeSeconds: number;
  cpuLoad: number;
  freeMemory: number;
  totalMemory: number;
  /** What `/ip/hotspot/active/print =count-only=` answers in `=ret=`. */
  activeUsers: number;
  /** Counters as decimal strings (they exceed 2^53). */
  interfaces: Array<{ name: string; running: boolean; rxByte: string; txByte: string; rxPacket: string; txPacket: string }>;
}

export interface RouterManifestEntry extends RouterSpec {
  answers: string;
  now: RouterSnapshot;
}

export interface FleetManifest {
  manifestVersion: typeof MANIFEST_VERSION;
  generatedAt: string;
  seed: number;
  host: string;
  count: number;
  /** The credentials the controller should use; every router accepts them but the wrong-credentials ones. */
  credentials: { user: string; password: string };
  /** Routers per fault. */
  faults: Record<FaultKind, number>;
  routers: RouterManifestEntry[];
}

/** How a router of this spec answers, in one sentence. */
export function describeAnswers(spec: RouterSpec): string {
  const empty = spec.formats.emptyReply ? '!empty then !done' : 'a bare !done';
  switch (spec.fault) {
    case 'dead':
      return 'nothing: the port is closed';
    case 'silent':
      return 'nothing: accepts the connection, never answers, never closes';
    case 'slow':
      return `correct replies, each ${spec.timing.slowReplyMs} ms late (login included)`;
    case 'garbage':
      return spec.timing.garbage === 'cut-at-login'
        ? 'half of the login\'s !done, then the socket closes (the connection dies before login ends)'
        : `login, then malformed bytes (${spec.timing.garbage}) for the first command, then the socket closes`;
    case 'flapping':
      return `correct replies while up; the port is closed in down windows (${spec.timing.flapping?.upSeconds} s up, ${spec.timing.flapping?.downSeconds} s down from ${spec.timing.flapping?.since}); open connections drop`;
    case 'rebooting':
      return `correct replies; reboots every ${spec.timing.rebootEverySeconds} s (uptime falls back, counters reset, open connections drop)`;
    case 'wrong-credentials':
      return 'the fleet credentials get !trap "invalid user name or password (6)" then !done';
    case 'no-wireless':
      return '/interface/wireless/... gets !trap "no such command or directory (wireless)", !trap "no such command prefix", !done';
    case 'busy':
      return `correct replies with cpu-load above 90 and free-memory below 5%; an empty table is ${empty}`;
    default:
      return `correct replies; an empty table is ${empty}`;
  }
}

export function snapshotOf(spec: RouterSpec, at: Date): RouterSnapshot {
  const state = routerStateAt(spec, at);
  return {
    at: at.toISOString(),
    listening: state.listening,
    bootedAt: state.bootedAt.toISOString(),
    bootCount: state.bootCount,
    uptime: formatDuration(state.uptimeSeconds),
    uptimeSeconds: state.uptimeSeconds,
    cpuLoad: state.cpuLoad,
    freeMemory: state.freeMemory,
    totalMemory: state.totalMemory,
    activeUsers: state.activeUsers,
    interfaces: state.interfaces.map((f) => ({
      name: f.name,
      running: f.running,
      rxByte: f.rxByte.toString(),
      txByte: f.txByte.toString(),
      rxPacket: f.rxPacket.toString(),
      txPacket: f.txPacket.toString(),
    })),
  };
}

export function manifestEntry(spec: RouterSpec, at: Date): RouterManifestEntry {
  return { ...spec, answers: describeAnswers(spec), now: snapshotOf(spec, at) };
}

export function buildManifest(
  specs: readonly RouterSpec[],
  at: Date,
  meta: { seed: number; host: string; credentials: { user: string; password: string } },
): FleetManifest {
  const faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  for (const s of specs) if (s.fault) faults[s.fault] += 1;
  return {
    manifestVersion: MANIFEST_VERSION,
    generatedAt: at.toISOString(),
    seed: meta.seed,
    host: meta.host,
    count: specs.length,
    credentials: { ...meta.credentials },
    faults,
    routers: specs.map((s) => manifestEntry(s, at)),
  };
}

export async function writeManifest(file: string, manifest: FleetManifest): Promise<void> {
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
}
