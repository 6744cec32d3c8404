/**
 * The controller: leases its share of the fleet, polls each owned site once per interval (slots spread
 * over the interval, a concurrency cap), applies the state rules (core/domain/site-state.ts) and writes
 * the results batched per chunk of the sweep (core/db/queries/site-status.ts).
 *
 * tick() does what is due at the clock's now and returns; run() calls it in a loop on real timers;
 * sweepOnce() polls every owned site now (`citywifi controller --once`). Tests drive tick() with an
 * injected clock.
 */
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
import { findActiveMaintenance, findOwnedSites, writePollBatch, type OwnedSite, type PollBatch } from '../core/db/queries/site-status.js';
import type { Clock } from '../core/domain/clock.js';
import { localDate } from '../core/domain/local-time.js';
import { applyPoll, type StateChange, type StateThresholds } from '../core/domain/site-state.js';
import type { Logger } from '../core/logger.js';
import type { PollResult, RouterPoller, RouterTarget } from './poll-site.js';
import { PollSchedule, runPool } from './scheduler.js';
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

export class Controller {
  readonly id: string;
  private readonly schedule: PollSchedule;
  private readonly timing: LeaseTiming;
  private readonly thresholds: StateThresholds;
  private readonly chunkSize: number;
  private nextLeaseAt = 0;
  private stopped = false;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: ControllerOptions) {
    this.id = options.id;
    this.schedule = new PollSchedule(options.settings.intervalSeconds);
    this.timing = leaseTiming(options.settings.intervalSeconds);
    this.thresholds = options.settings;
    this.chunkSize = options.chunkSize ?? 500;
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
      // Polls are written before the next tick begins, so the new owner sees when each site was last polled.
      const excess = kept.slice(share);
      released = await releaseLeases(db, this.id, excess);
      kept = kept.slice(0, share);
    }
    const claimed = await claimSites(db, this.id, now, until, today, share - kept.length);
    const owned = new Set([...kept, ...claimed]);
    let lost = 0;
    for (const siteId of this.schedule.sites()) {
      if (!owned.has(siteId)) {
        this.schedule.remove(siteId);
        this.options.poller.forget(siteId);
        lost++;
      }
    }
    const fresh = [...owned].filter((id) => !this.schedule.has(id));
    for (let i = 0; i < fresh.length; i += this.chunkSize) {
      for (const site of await findOwnedSites(db, this.id, fresh.slice(i, i + this.chunkSize))) this.schedule.add(site.siteId, site.lastPollAt, now);
    }
    this.nextLeaseAt = addSeconds(now, this.timing.renewEverySeconds).getTime();
    return { owned: owned.size, claimed: claimed.length, released, lost: lost - released, share, live };
  }

  /** Does what is due now: lease upkeep when its time has come, then the polls whose slot has come. */
  async tick(): Promise<SweepReport> {
    const now = this.options.clock();
    if (now.getTime() >= this.nextLeaseAt) await this.refreshLeases(now);
    return this.pollSites(this.schedule.due(now));
  }

  /** Leases, then polls every owned site at once: one sweep, as `citywifi controller --once` runs it. */
  async sweepOnce(): Promise<SweepReport> {
    await this.refreshLeases();
    return this.pollSites(this.schedule.sites());
  }

  /** Runs ticks until stop(); a failing tick is logged and retried, the loop never ends on an error. */
  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  private async loop(): Promise<void> {
    const log = this.options.logger;
    while (!this.stopped) {
      let failed = false;
      try {
        const report = await this.tick();
        if (report.polled) log.debug({ ...report }, 'polled');
      } catch (err) {
        failed = true;
        log.error({ err }, 'controller tick failed; retrying');
      }
      if (this.stopped) break;
      const now = this.options.clock().getTime();
      const nextPoll = this.schedule.nextDueAt()?.getTime() ?? Infinity;
      // after a failure (database away) wait a while rather than spin; the leases outlast it
      const waitMs = Math.max(failed ? 5000 : 50, Math.min(nextPoll, this.nextLeaseAt) - now);
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

  /** Ends run() after the tick in progress (its polls written); lets go of every lease so others take the sites at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    await releaseLeases(this.options.db, this.id);
    await removeController(this.options.db, this.id);
    for (const siteId of this.schedule.sites()) this.schedule.remove(siteId);
  }

  private targetOf(site: OwnedSite): RouterTarget | string {
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

  private async pollOne(site: OwnedSite): Promise<PollResult> {
    const target = this.targetOf(site);
    if (typeof target === 'string') return { ok: false, at: this.options.clock(), rttMs: null, failure: 'auth', message: target };
    try {
      return await this.options.poller.poll(target);
    } catch (err) {
      // poll() is promised never to throw; if it does, the site counts a failed poll and the sweep goes on.
      return { ok: false, at: this.options.clock(), rttMs: null, failure: 'protocol', message: `poller failed: ${(err as Error).message}` };
    }
  }

  /** Polls the given sites under the concurrency cap; results are written every chunkSize polls. */
  private async pollSites(siteIds: number[]): Promise<SweepReport> {
    const report: SweepReport = { polled: 0, failed: 0, changes: 0, reboots: 0, batches: 0, statements: 0 };
    if (siteIds.length === 0) return report;
    const { db, logger } = this.options;
    const sites: OwnedSite[] = [];
    for (let i = 0; i < siteIds.length; i += this.chunkSize) sites.push(...(await findOwnedSites(db, this.id, siteIds.slice(i, i + this.chunkSize))));
    const maintenance = await findActiveMaintenance(db, sites.map((s) => s.siteId), this.options.clock());

    let buffer: Array<{ site: OwnedSite; result: PollResult; startedAt: Date }> = [];
    let writing: Promise<void> = Promise.resolve();
    const flush = () => {
      if (buffer.length === 0) return;
      const chunk = buffer;
      buffer = [];
      writing = writing.then(() => this.writeChunk(chunk, maintenance, report)).catch((err) => {
        logger.error({ err, sites: chunk.length }, 'writing a chunk of polls failed');
      });
    };
    await runPool(sites, this.options.settings.concurrency, async (site) => {
      const startedAt = this.options.clock();
      const result = await this.pollOne(site);
      buffer.push({ site, result, startedAt });
      if (buffer.length >= this.chunkSize) flush();
    });
    flush();
    await writing;
    return report;
  }

  private async writeChunk(
    chunk: Array<{ site: OwnedSite; result: PollResult; startedAt: Date }>,
    maintenance: Map<number, string>,
    report: SweepReport,
  ): Promise<void> {
    const batch: PollBatch = { statuses: [], changes: [], samples: [], reboots: [] };
    const changes: Array<StateChange & { siteId: number; code: string }> = [];
    for (const { site, result } of chunk) {
      const step = applyPoll(site.memory, result, this.thresholds, maintenance.get(site.siteId) ?? null);
      const m = step.memory;
      if (result.ok) {
        batch.statuses.push({
          siteId: site.siteId, state: m.state, since: m.since, lastPollAt: result.at, ok: true,
          consecutiveFailures: m.consecutiveFailures, unhealthyPolls: m.unhealthyPolls, lastError: null, rttMs: result.rttMs,
          version: result.version, board: result.board, uptimeSeconds: result.uptimeSeconds, cpuLoad: result.cpuLoad,
          freeMemory: result.freeMemory, totalMemory: result.totalMemory, activeUsers: result.activeUsers,
          rxBytes: result.rxBytes, txBytes: result.txBytes, rxRate: result.rxRate, txRate: result.txRate,
          rebooted: step.reboot?.at ?? null,
        });
        batch.samples.push({
          siteId: site.siteId, at: result.at, cpuLoad: result.cpuLoad, freeMemory: result.freeMemory, totalMemory: result.totalMemory,
          activeUsers: result.activeUsers, rxBytes: result.rxBytes, txBytes: result.txBytes, rxRate: result.rxRate, txRate: result.txRate,
          rttMs: result.rttMs,
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
    // The polls happened whether or not they are written: the next ones wait for their next slot.
    for (const { site, startedAt } of chunk) this.schedule.polled(site.siteId, startedAt);
    report.polled += chunk.length;
    const written = await writePollBatch(this.options.db, this.id, batch);
    report.changes += written.changes;
    report.reboots += written.reboots;
    report.batches++;
    report.statements += written.statements;
    if (this.options.onChange) for (const change of changes) this.options.onChange(change);
  }
}
