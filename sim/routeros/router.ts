/**
 * One emulated router: its fixed description (RouterSpec, plain JSON, written to the manifest) and
 * its state at any instant (routerStateAt), computed from the spec, the seed and the clock. Nothing
 * here runs on a timer: uptime, CPU load, memory, counters and users are worked out when asked.
 */
import { atLeast, BOARDS, PLACES, AREAS, RELEASES, versionParts, type Board, type Release } from './catalogue.js';
import { GARBAGE_MODES, type FaultKind, type GarbageMode } from './faults.js';
import { localHour } from './formats.js';
import { between, hash32, hexOf, unit } from './random.js';

/**
 * How a router cuts its replies into TCP writes: `whole` (all sentences of a reply in one write),
 * `sentence` (one write per sentence), `random` (cuts at seeded places, inside words and length
 * prefixes too), `byte` (every byte its own write: --split-writes).
 */
export type SplitMode = 'whole' | 'sentence' | 'random' | 'byte';

export interface InterfaceSpec {
  name: string;
  type: 'ether' | 'wlan' | 'bridge';
  running: boolean;
  /** Mean received bytes per second (the rate swings between 1× and 2× of this over an hour). */
  rxBytesPerSecond: number;
  txBytesPerSecond: number;
  /** Added to the byte counters during the first boot only (decimal): a counter near 2^64 that wraps soon. */
  rxStart: string;
  txStart: string;
}

export interface RouterSpec {
  index: number;
  host: string;
  port: number;
  identity: string;
  boardName: string;
  /** As /system/resource prints it: `7.18.2 (stable)`. */
  version: string;
  fault: FaultKind | null;
  /** What this router accepts at login (for a wrong-credentials router, not the fleet's). */
  credentials: { user: string; password: string };
  formats: {
    /** `!empty` then `!done` for a command with no data (7.18+); else a bare `!done`. */
    emptyReply: boolean;
    /** build-time: `Jul/19/2022 11:25:54` (v6, v7 up to 7.10) or `2024-11-26 12:09:40` (7.16+). */
    buildTime: 'old' | 'iso';
    /** last-link-up-time and /system/clock date: `jan/02/1970 00:00:00` (v6) or ISO (v7). */
    dates: 'old' | 'iso';
    /** /system/health: one item with named fields (v6), one item per sensor (v7), or none. */
    health: 'named' | 'sensors' | 'none';
    /** v6 named health values carry units (`24.1V`) or are bare numbers (`24.1`): both occur. */
    healthUnits: boolean;
    wirelessPackage: boolean;
    splitWrites: SplitMode;
  };
  timing: {
    /** The boot the fleet started in (for a rebooting router, the first of its cycle). */
    firstBootAt: string;
    /** A rebooting router boots again every this many seconds; null for the others. */
    rebootEverySeconds: number | null;
    /** A slow router delays every reply by this much; null for the others. */
    slowReplyMs: number | null;
    /** A flapping router listens for upSeconds, then its port is closed for downSeconds, from `since`. */
    flapping: { since: string; upSeconds: number; downSeconds: number } | null;
    garbage: GarbageMode | null;
  };
  counters: {
    /** Interface byte/packet counters wrap at 2^bits (32 on some v6 routers, else 64). */
    bits: 32 | 64;
    /** When the counters near 2^64 wrap (first boot only), or null. */
    wrapsAt: string | null;
  };
  load: {
    /** Typical CPU load in percent. */
    cpuBase: number;
    /** Active hotspot users at the evening peak (0: a site nobody uses: empty tables). */
    usersAtPeak: number;
  };
  interfaces: InterfaceSpec[];
}

export interface FleetTuning {
  /** Reply delay of slow routers; default 2–8 s, per router. */
  slowReplyMs?: number;
  /** Reboot period of rebooting routers; default 10–30 min, per router. */
  rebootEverySeconds?: number;
  /** Flapping windows; default up 5–10 min, down 3–5 min, per router. */
  flapUpSeconds?: number;
  flapDownSeconds?: number;
  /** The garbage mode of every garbage router; default each in turn. */
  garbage?: GarbageMode;
}

export interface SpecInput {
  index: number;
  seed: number;
  host: string;
  port: number;
  fault: FaultKind | null;
  /** The number of routers with the same fault before this one (spreads garbage modes). */
  faultOrdinal: number;
  credentials: { user: string; password: string };
  startedAt: Date;
  splitWrites?: SplitMode;
  tuning?: FleetTuning;
}

const TWO_64 = 1n << 64n;
const HOUR = 3600;
/** Share of the evening peak by hour of day (Asia/Jakarta), 0..23. */
const DAY_SHAPE = [0.08, 0.05, 0.03, 0.03, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.6, 0.55, 0.6, 0.7, 0.8, 0.9, 1, 1, 0.9, 0.6, 0.3];

export function boardOf(spec: RouterSpec): Board {
  const board = BOARDS.find((b) => b.boardName === spec.boardName);
  if (!board) throw new Error(`unknown board ${spec.boardName}`);
  return board;
}

export function versionNumber(spec: RouterSpec): string {
  return spec.version.split(' ')[0];
}

export function majorVersion(spec: RouterSpec): number {
  return versionParts(versionNumber(spec))[0];
}

export function releaseOf(spec: RouterSpec): Release {
  const release = RELEASES.find((r) => r.number === versionNumber(spec));
  if (!release) throw new Error(`unknown release ${spec.version}`);
  return release;
}

function seconds(date: Date): number {
  return date.getTime() / 1000;
}

function iso(secondsSinceEpoch: number): string {
  return new Date(Math.round(secondsSinceEpoch * 1000)).toISOString();
}

/**
 * Bytes through an interface after `uptime` seconds at a mean rate: the rate swings smoothly
 * between 1× and 2× over an hour, so the counter only grows (derivative rate·(1 + (1 − cos)/2)).
 */
export function bytesAfter(ratePerSecond: number, uptime: number, phase: number): number {
  if (uptime <= 0 || ratePerSecond <= 0) return 0;
  const w = (2 * Math.PI) / HOUR;
  return Math.floor(ratePerSecond * (1.5 * uptime - (0.5 / w) * (Math.sin(w * uptime + phase) - Math.sin(phase))));
}

function phaseOf(spec: RouterSpec, name: string, direction: string): number {
  return unit(spec.index, spec.identity, name, direction) * 2 * Math.PI;
}

/** The fixed description of router `index`, drawn from the seed. */
export function buildRouterSpec(input: SpecInput): RouterSpec {
  const { index: i, seed, fault, tuning = {} } = input;
  const start = seconds(input.startedAt);
  const release = RELEASES[(i + between(0, RELEASES.length - 1, seed, 'release-offset')) % RELEASES.length];
  const board = BOARDS[(i + Math.floor(i / RELEASES.length) + between(0, BOARDS.length - 1, seed, 'board-offset')) % BOARDS.length];
  const v6 = release.number.startsWith('6.');
  const area = AREAS[between(0, AREAS.length - 1, seed, i, 'area')];
  const place = PLACES[between(0, PLACES.length - 1, seed, i, 'place')];
  const identity = `cw-${area}-${place}-${String(i + 1).padStart(4, '0')}`;

  const rebootEverySeconds = fault === 'rebooting' ? (tuning.rebootEverySeconds ?? between(600, 1800, seed, i, 'reboot-period')) : null;
  // A rebooting router is somewhere in its cycle at start; the others have been up 1 hour to 60 days.
  const uptimeAtStart = rebootEverySeconds
    ? between(60, Math.max(60, rebootEverySeconds - 60), seed, i, 'uptime')
    : between(HOUR, 60 * 86_400, seed, i, 'uptime');
  const firstBootAt = start - uptimeAtStart;

  const usersAtPeak = unit(seed, i, 'unused-site') < 0.15 ? 0 : between(5, 80, seed, i, 'users');
  const perUser = between(2_000, 30_000, seed, i, 'per-user-rate');
  const wanRx = usersAtPeak * perUser + between(500, 5_000, seed, i, 'idle-rate');
  const wanTx = Math.round(wanRx / between(5, 12, seed, i, 'asymmetry'));
  const wirelessPackage = fault !== 'no-wireless';
  const interfaces: Array<Omit<InterfaceSpec, 'rxStart' | 'txStart'>> = [{ name: 'ether1', type: 'ether', running: true, rxBytesPerSecond: wanRx, txBytesPerSecond: wanTx }];
  for (let e = 2; e <= Math.min(board.ethernets, 4); e++) {
    const running = e === 2;
    interfaces.push({ name: `ether${e}`, type: 'ether', running, rxBytesPerSecond: running ? 200 : 0, txBytesPerSecond: running ? 300 : 0 });
  }
  const radios = wirelessPackage ? board.radios : [];
  radios.forEach((_, r) => {
    const share = radios.length === 1 ? 1 : r === 0 ? 0.4 : 0.6;
    interfaces.push({ name: `wlan${r + 1}`, type: 'wlan', running: true, rxBytesPerSecond: Math.round(wanTx * share), txBytesPerSecond: Math.round(wanRx * share) });
  });
  interfaces.push({ name: 'bridge-hotspot', type: 'bridge', running: true, rxBytesPerSecond: wanTx, txBytesPerSecond: wanRx });

  // Some v6 routers count in 32 bits and wrap every few hours; some v7 routers start their first
  // boot near 2^64 and wrap 10 minutes to an hour after the fleet starts.
  const bits: 32 | 64 = v6 && unit(seed, i, 'bits') < 0.35 ? 32 : 64;
  const nearWrap = !v6 && rebootEverySeconds === null && unit(seed, i, 'near-wrap') < 0.2;
  const wrapAfter = between(600, 3600, seed, i, 'wrap-after');
  const draft: RouterSpec = {
    index: i,
    host: input.host,
    port: input.port,
    identity,
    boardName: board.boardName,
    version: `${release.number} (${release.channel})`,
    fault,
    credentials:
      fault === 'wrong-credentials'
        ? { user: input.credentials.user, password: `changed-${hexOf(4, seed, i, 'password')}` }
        : { ...input.credentials },
    formats: {
      emptyReply: atLeast(release.number, 7, 18),
      buildTime: v6 || !atLeast(release.number, 7, 16) ? 'old' : 'iso',
      dates: v6 ? 'old' : 'iso',
      health: v6 ? 'named' : board.health.v7.length > 0 ? 'sensors' : 'none',
      healthUnits: v6 && unit(seed, i, 'health-units') < 0.5,
      wirelessPackage,
      splitWrites: input.splitWrites ?? pickSplitMode(seed, i),
    },
    timing: {
      firstBootAt: iso(firstBootAt),
      rebootEverySeconds,
      slowReplyMs: fault === 'slow' ? (tuning.slowReplyMs ?? between(2000, 8000, seed, i, 'slow')) : null,
      flapping:
        fault === 'flapping'
          ? {
              since: iso(start - between(0, 60, seed, i, 'flap-phase')),
              upSeconds: tuning.flapUpSeconds ?? between(300, 600, seed, i, 'flap-up'),
              downSeconds: tuning.flapDownSeconds ?? between(180, 300, seed, i, 'flap-down'),
            }
          : null,
      garbage: fault === 'garbage' ? (tuning.garbage ?? GARBAGE_MODES[(input.faultOrdinal + seed) % GARBAGE_MODES.length]) : null,
    },
    counters: { bits, wrapsAt: null },
    load: {
      cpuBase: fault === 'busy' ? 96 : between(1, 25, seed, i, 'cpu'),
      usersAtPeak,
    },
    interfaces: interfaces.map((f) => ({ ...f, rxStart: '0', txStart: '0' })),
  };
  if (nearWrap) {
    // Start each running counter so that it reaches 2^64 `wrapAfter` seconds after the fleet starts.
    const at = uptimeAtStart + wrapAfter;
    for (const f of draft.interfaces) {
      if (!f.running) continue;
      f.rxStart = (TWO_64 - BigInt(bytesAfter(f.rxBytesPerSecond, at, phaseOf(draft, f.name, 'rx')))).toString();
      f.txStart = (TWO_64 - BigInt(bytesAfter(f.txBytesPerSecond, at, phaseOf(draft, f.name, 'tx')))).toString();
    }
    draft.counters.wrapsAt = iso(start + wrapAfter);
  }
  return draft;
}

function pickSplitMode(seed: number, i: number): SplitMode {
  const u = unit(seed, i, 'split');
  return u < 0.6 ? 'whole' : u < 0.8 ? 'sentence' : 'random';
}

export interface InterfaceState {
  name: string;
  running: boolean;
  rxByte: bigint;
  txByte: bigint;
  rxPacket: bigint;
  txPacket: bigint;
  /** When the link last came up (a few seconds after boot), or undefined when it never did. */
  lastLinkUpAt: Date | undefined;
}

export interface RouterState {
  at: Date;
  /** Something listens on the port (false for dead routers and flapping ones in a down window). */
  listening: boolean;
  bootedAt: Date;
  /** 0 for the boot the fleet started in; +1 for each reboot since. */
  bootCount: number;
  uptimeSeconds: number;
  cpuLoad: number;
  freeMemory: number;
  totalMemory: number;
  activeUsers: number;
  interfaces: InterfaceState[];
}

/** Whether something listens on the router's port at `at`. */
export function isListening(spec: RouterSpec, at: Date): boolean {
  if (spec.fault === 'dead') return false;
  const flap = spec.timing.flapping;
  if (!flap) return true;
  const period = flap.upSeconds + flap.downSeconds;
  const into = (((seconds(at) - seconds(new Date(flap.since))) % period) + period) % period;
  return into < flap.upSeconds;
}

/** The current boot: when it started and how many reboots came before it. */
export function bootAt(spec: RouterSpec, at: Date): { bootedAt: number; bootCount: number } {
  const first = seconds(new Date(spec.timing.firstBootAt));
  const every = spec.timing.rebootEverySeconds;
  const now = seconds(at);
  if (!every || now < first) return { bootedAt: first, bootCount: 0 };
  const bootCount = Math.floor((now - first) / every);
  return { bootedAt: first + bootCount * every, bootCount };
}

function wrap(value: bigint, bits: 32 | 64): bigint {
  return bits === 64 ? BigInt.asUintN(64, value) : BigInt.asUintN(32, value);
}

/** Everything about the router that changes with time, at `at`. */
export function routerStateAt(spec: RouterSpec, at: Date): RouterState {
  const board = boardOf(spec);
  const now = seconds(at);
  const { bootedAt, bootCount } = bootAt(spec, at);
  const uptime = Math.max(0, now - bootedAt);
  const i = spec.index;

  const cpuBucket = Math.floor(now / 10);
  const base = spec.load.cpuBase;
  const spread = spec.fault === 'busy' ? 4 : Math.max(3, base * 0.6);
  let cpuLoad = Math.round(base + (unit(i, spec.identity, 'cpu', cpuBucket) - 0.5) * 2 * spread);
  if (uptime < 60) cpuLoad = Math.max(cpuLoad, 70);
  cpuLoad = Math.min(100, Math.max(0, cpuLoad));

  const memoryBucket = Math.floor(now / 60);
  const freeShare = spec.fault === 'busy' ? 0.02 + 0.02 * unit(i, spec.identity, 'mem', memoryBucket) : 0.45 + 0.2 * unit(i, spec.identity, 'mem', memoryBucket);
  const freeMemory = Math.floor((board.totalMemory * freeShare) / 4096) * 4096;

  const hour = localHour(at);
  const h0 = Math.floor(hour) % 24;
  const shape = DAY_SHAPE[h0] + (DAY_SHAPE[(h0 + 1) % 24] - DAY_SHAPE[h0]) * (hour - Math.floor(hour));
  const noise = 0.85 + 0.3 * unit(i, spec.identity, 'users', Math.floor(now / 300));
  // Users come back gradually after a boot: one every 20 seconds at most.
  const activeUsers = Math.min(Math.floor(spec.load.usersAtPeak * shape * noise), Math.floor(uptime / 20));

  const interfaces = spec.interfaces.map((f): InterfaceState => {
    if (!f.running) return { name: f.name, running: false, rxByte: 0n, txByte: 0n, rxPacket: 0n, txPacket: 0n, lastLinkUpAt: undefined };
    const rx = bytesAfter(f.rxBytesPerSecond, uptime, phaseOf(spec, f.name, 'rx'));
    const tx = bytesAfter(f.txBytesPerSecond, uptime, phaseOf(spec, f.name, 'tx'));
    const rxStart = bootCount === 0 ? BigInt(f.rxStart) : 0n;
    const txStart = bootCount === 0 ? BigInt(f.txStart) : 0n;
    return {
      name: f.name,
      running: true,
      rxByte: wrap(rxStart + BigInt(rx), spec.counters.bits),
      txByte: wrap(txStart + BigInt(tx), spec.counters.bits),
      rxPacket: wrap(BigInt(Math.floor(rx / 700)), spec.counters.bits),
      txPacket: wrap(BigInt(Math.floor(tx / 900)), spec.counters.bits),
      lastLinkUpAt: new Date((bootedAt + 5 + (hash32(i, f.name) % 15)) * 1000),
    };
  });

  return {
    at,
    listening: isListening(spec, at),
    bootedAt: new Date(bootedAt * 1000),
    bootCount,
    uptimeSeconds: Math.floor(uptime),
    cpuLoad,
    freeMemory,
    totalMemory: board.totalMemory,
    activeUsers,
    interfaces,
  };
}
