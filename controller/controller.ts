/**
 * The controller: leases its share of the fleet, polls each owned site once per interval (slots spread
 * over the interval, a concurrency cap), applies the state rules (core/domain/site-state.ts) and writes
 * the results batched per chunk of the sweep (core/db/queries/site-status.ts).
 *
 * A site watched by heartbeat (a router behind NAT) is not polled: at its slot the controller reads
 * the latest heartbeat its router posted (controller/heartbeat-reading.ts) and applies it by the same
 * rules. A maintenance window that opens or closes between two polls changes the state at the
 * window's start or end, without waiting for the next poll.
 *
 * Polls run in one long-lived pool (the concurrency cap over everything in flight): startDue() hands
 * the sites whose slot has come to it and returns without waiting for them, so a silent router that
 * holds its poll for the whole deadline delays no other site. A site is in flight from the moment it
 * is handed over until its result is written, and is not handed over again meanwhile; its next slot
 * is set when its poll starts. Results are written in chunks of chunkSize, or after at most a second
 * when fewer are waiting. Within what starts together (a sweep, one tick's due sites) the likely slow
 * polls start first (scheduler.ts slowFirst).
 *
 * run() calls startDue() in a loop on real timers; tick() starts what is due at the clock's now and
 * waits until those polls are written (tests drive it with an injected clock); sweepOnce() polls
 * every owned site now (`citywifi controller --once`); idle() waits for everything in flight.
 */
import { performance } from 'node:perf_hooks';
import type { Config } from '../core/config.js';
import type { SecretBox } from '../core/crypto.js';
import type { Db } from '../core/db/index.js';
import {
  claimSites,
  countLiveControllers,
  countPollableSites,
  ensureStatusRows,
  releaseLeases,
  removeController,
  renewLeases,
  writeHeartbeat,
} from '../core/db/queries/controller-leases.js';
import {
  findActiveMaintenance,
  findMaintenanceTransitions,
  findNextMaintenanceBoundary,
  findOwnedSites,
  writeMaintenanceChanges,
  writePollBatch,
  type MaintenanceWrite,
  type OwnedSite,
  type PollBatch,
} from '../core/db/queries/site-status.js';
import type { Clock } from '../core/domain/clock.js';
import { localDate } from '../core/domain/local-time.js';
import { applyMaintenance, applyPoll, SITE_STATES, type SiteState, type StateChange, type StateThresholds } from '../core/domain/site-state.js';
import type { Logger } from '../core/logger.js';
import { readHeartbeat, type SiteReading } from './heartbeat-reading.js';
import type { ControllerMetrics } from './metrics.js';
import type { RouterPoller, RouterTarget } from './poll-site.js';
import { PollSchedule, slowFirst } from './scheduler.js';
import { addSeconds, fairShare, leaseTiming, type LeaseTiming } from './state-leases.js';

export type ControllerSettings = Pick<
  Config['controller'],
  'intervalSeconds' | 'concurrency' | 'downAfterFailures' | 'degradedCpuPercent' | 'degradedMemoryPercent' | 'degradedAfterPolls'
>;

export interface ControllerOptions {
  id: string;
  db: Db;
  poller: RouterPoller;
  box: SecretBox;
  clock: Clock;
  logger: Logger;
  settings: ControllerSettings;
  timezone: string;
  /** polls written per batch (default 500) */
  chunkSize?: number;
  /** told of every state change after it is written (alerts hook in here) */
  onChange?: (change: StateChange & { siteId: number; code: string }) => void;
  /** counts polls, durations and state changes; its gauges read this controller */
  metrics?: ControllerMetrics;
}

export interface SweepReport {
  polled: number;
  failed: number;
  changes: number;
  reboots: number;
  batches: number;
  statements: number;
}

export interface LeaseReport {
  owned: number;
  claimed: number;
  released: number;
  lost: number;
  share: number;
  live: number;
}

const DEFAULT_ROUTER_USER = 'admin';
/** Finished polls wait at most this long to be written when fewer than a chunk are waiting. */
const WRITE_AFTER_MS = 1000;
/**
 * The loop starts what is due at most this often: slots a few ms apart go out together, with one
 * read of their sites, instead of one round (and two queries) per slot; a poll starts at most this
 * late, the same every interval, so the time between a site's polls stays the interval.
 */
const ROUND_MS = 250;

/** The polls handed to the pool together (one tick, one sweep): their report, and who waits for it. */
interface Batch {
  report: SweepReport;
  /** polls handed over */
  size: number;
  /** polls not finished yet, and not written yet */
  unfinished: number;
  unwritten: number;
  /** someone waits for this batch: write as soon as its last poll finishes, not after a second */
  waited: boolean;
  written: Promise<SweepReport>;
  resolve: (report: SweepReport) => void;
}

interface PollJob {
  site: OwnedSite;
  /** the maintenance window the site was in when handed over, as its reason */
  maintenance: string | null;
  batch: Batch;
}

interface FinishedPoll extends PollJob {
  result: SiteReading;
}

/** What startDue() handed to the pool. */
export interface Started {
  /** polls handed to the pool */
  started: number;
  /** waits until those polls are written; their report */
  written(): Promise<SweepReport>;
}

function emptyReport(): SweepReport {
  return { polled: 0, failed: 0, changes: 0, reboots: 0, batches: 0, statements: 0 };
}

export class Controller {
  readonly id: string;
  private readonly schedule: PollSchedule;
  private readonly timing: LeaseTiming;
  private readonly thresholds: StateThresholds;
  private readonly chunkSize: number;
  private nextLeaseAt = 0;
  private nextMaintenanceAt = Infinity;
  /** the state of each owned site as last written (for the sites-by-state gauge) */
  private readonly states = new Map<number, SiteState>();
  private stopped = false;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;
  /** the pool: sites handed over and not yet written, polls waiting for a free place, polls running */
  private readonly inFlight = new Set<number>();
  private queue: PollJob[] = [];
  private queueHead = 0;
  private active = 0;
  /** finished polls waiting to be written, the chain of writes, and the timer that writes a short chunk */
  private finished: FinishedPoll[] = [];
  private writing: Promise<void> = Promise.resolve();
  private writeTimer: NodeJS.Timeout | undefined;
  private draining = 0;
  private readonly settledWaiters: Array<() => void> = [];

  constructor(private readonly options: ControllerOptions) {
    this.id = options.id;
    this.schedule = new PollSchedule(options.settings.intervalSeconds);
    this.timing = leaseTiming(options.settings.intervalSeconds);
    this.thresholds = options.settings;
    this.chunkSize = options.chunkSize ?? 500;
    options.metrics?.watch({
      ownedSites: () => this.schedule.size,
      sitesByState: () => {
        const counts = Object.fromEntries(SITE_STATES.map((s) => [s, 0])) as Record<SiteState, number>;
        for (const state of this.states.values()) counts[state]++;
        return counts;
      },
      openConnections: () => options.poller.openConnections(),
    });
  }

  /** The sites this controller holds, by id. */
  ownedSites(): number[] {
    return this.schedule.sites();
  }

  /** Heartbeat, renew, rebalance to the fair share, claim lapsed sites; then schedule the new ones. */
  async refreshLeases(now: Date = this.options.clock()): Promise<LeaseReport> {
    const { db } = this.options;
    const today = localDate(now, this.options.timezone);
    const until = addSeconds(now, this.timing.leaseSeconds);
    await writeHeartbeat(db, this.id, now);
    await ensureStatusRows(db, today, now);
    let kept = await renewLeases(db, this.id, now, until, today);
    const live = await countLiveControllers(db, addSeconds(now, -this.timing.liveForSeconds));
    const share = fairShare(await countPollableSites(db, today), live);
    let released = 0;
    if (kept.length > share) {
      // The new owner must see when each site was last polled: let go of sites with no poll in
      // flight, and if some must go while polled, wait until their polls are written.
      kept = [...kept.filter((id) => this.inFlight.has(id)), ...kept.filter((id) => !this.inFlight.has(id))];
      const excess = kept.slice(share);
      if (excess.some((id) => this.inFlight.has(id))) await this.idle();
      released = await releaseLeases(db, this.id, excess);
      kept = kept.slice(0, share);
    }
    const claimed = await claimSites(db, this.id, now, until, today, share - kept.length);
    const owned = new Set([...kept, ...claimed]);
    let lost = 0;
    for (const siteId of this.schedule.sites()) {
      if (!owned.has(siteId)) {
        this.schedule.remove(siteId);
        this.states.delete(siteId);
        this.options.poller.forget(siteId);
        lost++;
      }
    }
    const fresh = [...owned].filter((id) => !this.schedule.has(id));
    for (let i = 0; i < fresh.length; i += this.chunkSize) {
      for (const site of await findOwnedSites(db, this.id, fresh.slice(i, i + this.chunkSize))) {
        this.schedule.add(site.siteId, site.lastPollAt, now);
        this.states.set(site.siteId, site.memory.state);
      }
    }
    this.nextLeaseAt = addSeconds(now, this.timing.renewEverySeconds).getTime();
    return { owned: owned.size, claimed: claimed.length, released, lost: lost - released, share, live };
  }

  /**
   * Maintenance windows between polls: every owned site that entered a window goes to maintenance at
   * the window's start, every site whose windows are over goes to unknown at the end (the next poll
   * settles it), written as one batch; then notes when the next window touching these sites opens or
   * closes. Returns the changes written.
   */
  async applyMaintenanceWindows(now: Date = this.options.clock()): Promise<number> {
    const { db, metrics } = this.options;
    const writes: Array<MaintenanceWrite & { code: string; alert: boolean }> = [];
    for (const t of await findMaintenanceTransitions(db, this.id, now)) {
      if (!this.schedule.has(t.siteId)) continue;
      const { memory, change } = applyMaintenance(t.memory, t.at, t.reason);
      if (change) writes.push({ siteId: t.siteId, code: t.code, memory, change, alert: change.alert });
    }
    let written: number[] = [];
    if (writes.length) {
      const started = performance.now();
      written = await writeMaintenanceChanges(db, this.id, writes);
      metrics?.writeDuration.observe({ kind: 'maintenance' }, (performance.now() - started) / 1000);
      const kept = new Set(written);
      for (const w of writes) {
        if (!kept.has(w.siteId)) continue;
        this.states.set(w.siteId, w.memory.state);
        metrics?.stateChanges.inc({ to: w.change.to });
        this.options.onChange?.({ siteId: w.siteId, code: w.code, ...w.change, alert: w.alert });
      }
    }
    const next = await findNextMaintenanceBoundary(db, this.id, now);
    this.nextMaintenanceAt = next ? next.getTime() : Infinity;
    return written.length;
  }

  /**
   * Starts what is due now: lease upkeep when its time has come, maintenance windows opening or
   * closing, then hands the sites whose slot has come (and that are not in flight) to the pool, the
   * likely slow first. Returns once they are handed over, without waiting for the polls.
   */
  async startDue(): Promise<Started> {
    const started = performance.now();
    const now = this.options.clock();
    let upkeep = false;
    let maintenanceChanges = 0;
    if (now.getTime() >= this.nextLeaseAt) {
      await this.refreshLeases(now);
      upkeep = true;
    }
    if (upkeep || now.getTime() >= this.nextMaintenanceAt) maintenanceChanges = await this.applyMaintenanceWindows(now);
    const due = this.schedule.due(now).filter((id) => !this.inFlight.has(id));
    const batch = await this.startPolls(due);
    batch.report.changes += maintenanceChanges;
    if (upkeep || due.length > 0 || maintenanceChanges > 0) {
      void batch.written.then(() => this.options.metrics?.runDuration.observe({ run: 'tick' }, (performance.now() - started) / 1000));
    }
    return { started: batch.size, written: () => this.waitFor(batch) };
  }

  /** Does what is due now (startDue) and waits until the polls it started are written. */
  async tick(): Promise<SweepReport> {
    return (await this.startDue()).written();
  }

  /** Leases, then polls every owned site at once, the likely slow first: one sweep, as `citywifi controller --once` runs it. */
  async sweepOnce(): Promise<SweepReport> {
    const started = performance.now();
    const now = this.options.clock();
    await this.refreshLeases(now);
    const maintenanceChanges = await this.applyMaintenanceWindows(now);
    const report = await this.waitFor(await this.startPolls(this.schedule.sites().filter((id) => !this.inFlight.has(id))));
    report.changes += maintenanceChanges;
    this.options.metrics?.runDuration.observe({ run: 'sweep' }, (performance.now() - started) / 1000);
    return report;
  }

  /** Waits until every poll in flight is written. */
  async idle(): Promise<void> {
    this.draining++;
    try {
      while (this.inFlight.size > 0) {
        const settled = new Promise<void>((resolve) => this.settledWaiters.push(resolve));
        this.writeIfQuiet();
        await settled;
      }
    } finally {
      this.draining--;
    }
  }

  /** Runs startDue() until stop(); a failing round is logged and retried, the loop never ends on an error. */
  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  private async loop(): Promise<void> {
    const log = this.options.logger;
    while (!this.stopped) {
      let failed = false;
      try {
        const { started } = await this.startDue();
        if (started) log.debug({ started, inFlight: this.inFlight.size }, 'polls started');
      } catch (err) {
        failed = true;
        log.error({ err }, 'controller tick failed; retrying');
      }
      if (this.stopped) break;
      const now = this.options.clock().getTime();
      const nextPoll = this.schedule.nextDueAt(this.inFlight)?.getTime() ?? Infinity;
      // after a failure (database away) wait a while rather than spin; the leases outlast it
      const waitMs = Math.max(failed ? 5000 : ROUND_MS, Math.min(nextPoll, this.nextLeaseAt, this.nextMaintenanceAt) - now);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(waitMs, 60_000));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Ends run() and waits for the polls in flight to be written; lets go of every lease so others take the sites at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    await this.idle();
    await this.writing;
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    await releaseLeases(this.options.db, this.id);
    await removeController(this.options.db, this.id);
    for (const siteId of this.schedule.sites()) this.schedule.remove(siteId);
    this.states.clear();
  }

  private targetOf(site: OwnedSite): RouterTarget | string {
    if (site.host === null) return 'the site has no router address to poll';
    let password = '';
    if (site.passwordEnc) {
      try {
        password = this.options.box.decrypt(site.passwordEnc);
      } catch {
        return 'the stored router password cannot be decrypted with this key';
      }
    }
    return {
      siteId: site.siteId,
      host: site.host,
      port: site.port ?? (site.tls ? 8729 : 8728),
      tls: site.tls,
      user: site.user ?? DEFAULT_ROUTER_USER,
      password,
    };
  }

  private async pollOne(site: OwnedSite): Promise<SiteReading> {
    if (site.monitoring === 'heartbeat') {
      // switched from polling: let go of the connection kept for it, if any
      this.options.poller.forget(site.siteId);
      return readHeartbeat({ at: site.lastHeartbeatAt, values: site.lastHeartbeat }, this.options.clock(), this.options.settings.intervalSeconds);
    }
    const target = this.targetOf(site);
    if (typeof target === 'string') return { ok: false, at: this.options.clock(), rttMs: null, failure: 'auth', message: target };
    try {
      return await this.options.poller.poll(target);
    } catch (err) {
      // poll() is promised never to throw; if it does, the site counts a failed poll and the sweep goes on.
      return { ok: false, at: this.options.clock(), rttMs: null, failure: 'protocol', message: `poller failed: ${(err as Error).message}` };
    }
  }

  /** Reads the given sites and hands them to the pool, the likely slow first; returns their batch. */
  private async startPolls(siteIds: number[]): Promise<Batch> {
    let resolve!: (report: SweepReport) => void;
    const written = new Promise<SweepReport>((r) => (resolve = r));
    const batch: Batch = { report: emptyReport(), size: 0, unfinished: 0, unwritten: 0, waited: false, written, resolve };
    const { db } = this.options;
    const sites: OwnedSite[] = [];
    for (let i = 0; i < siteIds.length; i += this.chunkSize) sites.push(...(await findOwnedSites(db, this.id, siteIds.slice(i, i + this.chunkSize))));
    // a site may have been handed over by a round that ran meanwhile
    const fresh = sites.filter((s) => !this.inFlight.has(s.siteId));
    const maintenance = fresh.length ? await findActiveMaintenance(db, fresh.map((s) => s.siteId), this.options.clock()) : new Map<number, string>();
    const jobs = slowFirst(fresh).map((site) => ({ site, maintenance: maintenance.get(site.siteId) ?? null, batch }));
    batch.size = batch.unfinished = batch.unwritten = jobs.length;
    if (jobs.length === 0) resolve(batch.report);
    for (const job of jobs) {
      this.inFlight.add(job.site.siteId);
      this.queue.push(job);
    }
    this.pump();
    return batch;
  }

  private waitFor(batch: Batch): Promise<SweepReport> {
    batch.waited = true;
    if (batch.unfinished === 0) this.writeFinished();
    return batch.written;
  }

  /** Starts queued polls while there is room under the cap. */
  private pump(): void {
    while (this.active < this.options.settings.concurrency && this.queueHead < this.queue.length) {
      const job = this.queue[this.queueHead++];
      this.active++;
      void this.runPoll(job);
    }
    if (this.queueHead === this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
    } else if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  private async runPoll(job: PollJob): Promise<void> {
    // The next slot is counted from when the poll starts, however long it takes.
    this.schedule.polled(job.site.siteId, this.options.clock());
    let result: SiteReading;
    try {
      result = await this.pollOne(job.site);
    } catch (err) {
      // a failure of our own (a heartbeat that cannot be read): the site counts a failed poll, the pool goes on
      result = { ok: false, at: this.options.clock(), rttMs: null, failure: 'protocol', message: `poll failed: ${(err as Error).message}` };
    }
    this.active--;
    this.finished.push({ ...job, result });
    job.batch.unfinished--;
    this.pump();
    if (this.finished.length >= this.chunkSize || (job.batch.waited && job.batch.unfinished === 0)) this.writeFinished();
    else this.writeIfQuiet();
    if (this.finished.length > 0 && this.writeTimer === undefined) this.writeTimer = setTimeout(() => this.writeFinished(), WRITE_AFTER_MS);
  }

  /** Someone waits for everything (idle) and nothing is running: write what has finished now. */
  private writeIfQuiet(): void {
    if (this.draining > 0 && this.active === 0 && this.queueHead === this.queue.length) this.writeFinished();
  }

  /** Writes the finished polls as one chunk, after the writes before it. */
  private writeFinished(): void {
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    if (this.finished.length === 0) return;
    const chunk = this.finished;
    this.finished = [];
    this.writing = this.writing
      .then(() => this.writeChunk(chunk))
      .catch((err) => this.options.logger.error({ err, sites: chunk.length }, 'writing a chunk of polls failed'))
      .then(() => this.settle(chunk));
  }

  /** After a chunk is written (or failed to be): its sites may be polled again, its batches may be done. */
  private settle(chunk: FinishedPoll[]): void {
    let dueAgain = false;
    const now = this.options.clock();
    for (const { site, batch } of chunk) {
      this.inFlight.delete(site.siteId);
      if (--batch.unwritten === 0) batch.resolve(batch.report);
      const next = this.schedule.nextDueAtOf(site.siteId);
      if (next !== null && next <= now.getTime()) dueAgain = true;
    }
    // a site whose next slot came while it was in flight: the loop may sleep past it otherwise
    if (dueAgain) this.wake?.();
    for (const resolve of this.settledWaiters.splice(0)) resolve();
  }

  private async writeChunk(chunk: FinishedPoll[]): Promise<void> {
    const { metrics } = this.options;
    const batch: PollBatch = { statuses: [], changes: [], samples: [], reboots: [] };
    const changes: Array<StateChange & { siteId: number; code: string }> = [];
    const reports = new Map<SweepReport, { polled: number; changes: number; reboots: number }>();
    for (const { site, result, maintenance, batch: { report } } of chunk) {
      const step = applyPoll(site.memory, result, this.thresholds, maintenance);
      const own = reports.get(report) ?? { polled: 0, changes: 0, reboots: 0 };
      reports.set(report, own);
      own.polled++;
      if (step.change) own.changes++;
      if (step.reboot) own.reboots++;
      const m = step.memory;
      metrics?.polls.inc({ source: site.monitoring, result: result.ok ? 'ok' : result.failure });
      if (result.ok) {
        // a heartbeat carries no interface counters and no round trip
        const traffic = 'rxBytes' in result ? result : null;
        if (result.rttMs !== null) metrics?.pollRtt.observe(result.rttMs / 1000);
        batch.statuses.push({
          siteId: site.siteId, state: m.state, since: m.since, lastPollAt: result.at, ok: true,
          consecutiveFailures: m.consecutiveFailures, unhealthyPolls: m.unhealthyPolls, lastError: null, rttMs: result.rttMs,
          version: result.version, board: result.board, uptimeSeconds: result.uptimeSeconds, cpuLoad: result.cpuLoad,
          freeMemory: result.freeMemory, totalMemory: result.totalMemory, activeUsers: result.activeUsers,
          rxBytes: traffic?.rxBytes, txBytes: traffic?.txBytes, rxRate: traffic?.rxRate ?? null, txRate: traffic?.txRate ?? null,
          rebooted: step.reboot?.at ?? null,
        });
        batch.samples.push({
          siteId: site.siteId, at: result.at, cpuLoad: result.cpuLoad, freeMemory: result.freeMemory, totalMemory: result.totalMemory,
          activeUsers: result.activeUsers, rxBytes: traffic?.rxBytes ?? null, txBytes: traffic?.txBytes ?? null,
          rxRate: traffic?.rxRate ?? null, txRate: traffic?.txRate ?? null, rttMs: result.rttMs,
        });
      } else {
        report.failed++;
        batch.statuses.push({
          siteId: site.siteId, state: m.state, since: m.since, lastPollAt: result.at, ok: false,
          consecutiveFailures: m.consecutiveFailures, unhealthyPolls: m.unhealthyPolls,
          lastError: `${result.failure}: ${result.message}`, rttMs: result.rttMs,
        });
      }
      if (step.change) {
        batch.changes.push({ siteId: site.siteId, ...step.change });
        changes.push({ siteId: site.siteId, code: site.code, ...step.change });
      }
      if (step.reboot) batch.reboots.push({ siteId: site.siteId, ...step.reboot });
    }
    for (const [report, own] of reports) report.polled += own.polled;
    const started = performance.now();
    const written = await writePollBatch(this.options.db, this.id, batch);
    metrics?.writeDuration.observe({ kind: 'polls' }, (performance.now() - started) / 1000);
    for (const status of batch.statuses) if (this.schedule.has(status.siteId)) this.states.set(status.siteId, status.state);
    for (const change of batch.changes) metrics?.stateChanges.inc({ to: change.to });
    for (const [report, own] of reports) {
      // one batch usually: it takes what was written; polls of several rounds share out what they made
      report.changes += reports.size === 1 ? written.changes : own.changes;
      report.reboots += reports.size === 1 ? written.reboots : own.reboots;
      report.batches++;
      report.statements += written.statements;
    }
    if (this.options.onChange) for (const change of changes) this.options.onChange(change);
  }
}
