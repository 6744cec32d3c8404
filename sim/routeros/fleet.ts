/**
 * The fleet: K emulated routers in one process, one net.Server per router on host:basePort+i.
 * Dead routers have no server; flapping routers open and close theirs as their windows pass (one
 * fleet-wide check a second, and at once on sync()). Everything else is computed on demand.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { systemClock, type Clock } from '../../core/domain/clock.js';
import { AppError } from '../../core/errors.js';
import { RouterConnection, type RouterHandle } from './connection.js';
import { assignFaults, type FaultShares } from './faults.js';
import { buildManifest, manifestEntry, writeManifest, type FleetManifest, type RouterManifestEntry } from './manifest.js';
import { buildRouterSpec, isListening, routerStateAt, type FleetTuning, type RouterSpec, type RouterState, type SplitMode } from './router.js';

export interface RouterFleetOptions {
  /** How many routers (1–20,000). */
  count: number;
  /** Router i listens on basePort + i; 0: each on a free port the system picks (see the manifest). */
  basePort: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Picks versions, boards, faults and every value; default 1. */
  seed?: number;
  faults?: FaultShares;
  /** What the routers accept at login (wrong-credentials routers excepted); default admin / citywifi. */
  credentials?: { user: string; password: string };
  /** Every router cuts its replies this way (`byte` is --split-writes); default a seeded mix of whole, sentence and random. */
  splitWrites?: SplitMode;
  /** The routers' clock: uptime, counters, users, reboots and flaps follow it. Default the system clock. */
  clock?: Clock;
  /** Fault timings, for tests that cannot wait minutes. */
  tuning?: FleetTuning;
}

export interface RouterFleet {
  readonly host: string;
  /** The manifest entries as of start (port, identity, board, version, fault, credentials, values). */
  readonly routers: readonly RouterManifestEntry[];
  readonly specs: readonly RouterSpec[];
  /** The fleet's clock now. */
  now(): Date;
  /** Router `index`'s values at `at` (default now). */
  stateOf(index: number, at?: Date): RouterState;
  /** The manifest as of `at` (default now). */
  manifest(at?: Date): FleetManifest;
  writeManifest(file: string, at?: Date): Promise<void>;
  /** Replaces the clock and brings flapping ports in line with it. */
  setClock(clock: Clock): Promise<void>;
  /** Opens or closes flapping ports for the clock's current time (call after moving an injected clock). */
  sync(): Promise<void>;
  /** Open client connections and listening ports, for reports. */
  stats(): { listening: number; connections: number };
  close(): Promise<void>;
}

export const DEFAULT_CREDENTIALS = Object.freeze({ user: 'admin', password: 'citywifi' });
export const MAX_FLEET_SIZE = 20_000;
const LISTEN_BATCH = 256;

interface Runtime extends RouterHandle {
  server: Server | undefined;
  connections: Set<RouterConnection> | undefined;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A port nobody listens on (for a dead router when ports are picked by the system). */
async function freePort(host: string): Promise<number> {
  const probe = createServer();
  const port = await listen(probe, host, 0);
  await closeServer(probe);
  return port;
}

function checkOptions(options: RouterFleetOptions): void {
  const { count, basePort } = options;
  if (!Number.isInteger(count) || count < 1 || count > MAX_FLEET_SIZE) {
    throw new AppError('BAD_ARGUMENT', `--count: ${count} routers: use 1 to ${MAX_FLEET_SIZE}`);
  }
  if (!Number.isInteger(basePort) || basePort < 0 || (basePort > 0 && basePort + count - 1 > 65535) || (basePort > 0 && basePort < 1024)) {
    throw new AppError('BAD_ARGUMENT', `--base-port: ${basePort} cannot hold ${count} routers (ports ${basePort}..${basePort + count - 1} must lie in 1024..65535; 0 picks free ports)`);
  }
}

/** Starts the fleet; resolves once every router that should listen does. */
export async function startRouterFleet(options: RouterFleetOptions): Promise<RouterFleet> {
  checkOptions(options);
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 1;
  const credentials = options.credentials ?? { ...DEFAULT_CREDENTIALS };
  let clock = options.clock ?? systemClock;
  const startedAt = clock();
  let faults;
  try {
    faults = assignFaults(options.count, options.faults ?? {}, seed);
  } catch (error) {
    throw new AppError('BAD_ARGUMENT', `--faults: ${(error as Error).message}`);
  }
  const ordinals = new Map<string, number>();
  const specs: RouterSpec[] = faults.map((fault, index) => {
    const faultOrdinal = fault ? (ordinals.get(fault) ?? 0) : 0;
    if (fault) ordinals.set(fault, faultOrdinal + 1);
    return buildRouterSpec({
      index,
      seed,
      host,
      port: options.basePort === 0 ? 0 : options.basePort + index,
      fault,
      faultOrdinal,
      credentials,
      startedAt,
      splitWrites: options.splitWrites,
      tuning: options.tuning,
    });
  });

  let connectionCount = 0;
  const runtimes = specs.map((spec) => {
    const runtime: Runtime = {
      spec,
      server: undefined,
      connections: undefined,
      now: () => clock(),
      forget(connection) {
        connectionCount -= 1;
        runtime.connections?.delete(connection);
      },
    };
    return runtime;
  });

  function accept(runtime: Runtime, socket: Socket): void {
    if (!isListening(runtime.spec, clock())) {
      // A connection that raced a flap's down window: the router is not there.
      socket.resetAndDestroy();
      return;
    }
    connectionCount += 1;
    (runtime.connections ??= new Set()).add(new RouterConnection(socket, runtime));
  }

  async function open(runtime: Runtime): Promise<void> {
    const server = createServer({ noDelay: true }, (socket) => accept(runtime, socket));
    server.on('error', () => undefined);
    runtime.spec.port = await listen(server, host, runtime.spec.port);
    runtime.server = server;
  }

  async function shut(runtime: Runtime): Promise<void> {
    const server = runtime.server;
    runtime.server = undefined;
    for (const c of runtime.connections ?? []) c.drop();
    if (server) await closeServer(server);
  }

  let closing = false;
  let syncing: Promise<void> = Promise.resolve();
  const flapping = runtimes.filter((r) => r.spec.timing.flapping);

  function sync(): Promise<void> {
    syncing = syncing.then(async () => {
      if (closing) return;
      const now = clock();
      for (const r of flapping) {
        const up = isListening(r.spec, now);
        try {
          if (up && !r.server) await open(r);
          else if (!up && r.server) await shut(r);
        } catch {
          // The port was taken meanwhile: try again on the next check.
        }
      }
    });
    return syncing;
  }

  try {
    for (let k = 0; k < runtimes.length; k += LISTEN_BATCH) {
      await Promise.all(
        runtimes.slice(k, k + LISTEN_BATCH).map(async (r) => {
          if (isListening(r.spec, startedAt)) return open(r);
          if (r.spec.port === 0) r.spec.port = await freePort(host);
        }),
      );
    }
  } catch (error) {
    await Promise.all(runtimes.map((r) => (r.server ? closeServer(r.server) : undefined)));
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new AppError('BAD_ARGUMENT', `--base-port: a port of ${options.basePort}..${options.basePort + options.count - 1} is not free on ${host} (${code})`, { cause: error });
    }
    throw error;
  }

  const timer = flapping.length > 0 ? setInterval(() => void sync(), 1000) : undefined;
  timer?.unref();
  const routers = specs.map((s) => manifestEntry(s, startedAt));
  const meta = { seed, host, credentials };

  return {
    host,
    routers,
    specs,
    now: () => clock(),
    stateOf: (index, at) => routerStateAt(specs[index], at ?? clock()),
    manifest: (at) => buildManifest(specs, at ?? clock(), meta),
    writeManifest: (file, at) => writeManifest(file, buildManifest(specs, at ?? clock(), meta)),
    async setClock(next) {
      clock = next;
      await sync();
    },
    sync,
    stats: () => ({ listening: runtimes.filter((r) => r.server).length, connections: connectionCount }),
    async close() {
      closing = true;
      if (timer) clearInterval(timer);
      await syncing;
      await Promise.all(runtimes.map((r) => shut(r)));
    },
  };
}
