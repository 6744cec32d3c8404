/**
 * The alert dispatcher: every few seconds it reads the site state changes written since it last
 * looked, decides the alerts (core/domain/alert-rules.ts), records them in the outbox, and posts the
 * ones due to the webhook (controller/alert-webhook.ts).
 *
 * Every controller runs one; the deciding and the claiming happen in one transaction holding a
 * PostgreSQL advisory lock, so only one dispatcher in the fleet acts at a time and an alert is
 * claimed by one of them. Posting happens after the commit, oldest alert first; a failure is retried
 * with a growing wait (10 s, 20 s, … at most 10 minutes) and holds back the younger alerts, so a
 * receiver sees them in order. Without ALERT_WEBHOOK_URL alerts are recorded (the dashboard shows
 * them) and never sent.
 *
 * runOnce() does one round at the clock's now (tests drive it with an injected clock); start() and
 * stop() run it on a timer. Nothing here throws into the controller: a failed round is logged and the
 * next one tries again.
 */
import type { Config } from '../core/config.js';
import type { Db } from '../core/db/index.js';
import {
  advanceAlertCursor,
  allocateAlertIds,
  claimDueAlerts,
  findRecentDowns,
  findUnhandledChanges,
  insertAlerts,
  markAlertFailed,
  markAlertSent,
  readAlertCursor,
  recordHandledChanges,
  releaseAlerts,
  withAlertDispatchLock,
  type ClaimedAlert,
} from '../core/db/queries/alerts.js';
import { bindAlertIds, decideAlerts, readAlertState, type AlertRules } from '../core/domain/alert-rules.js';
import type { Clock } from '../core/domain/clock.js';
import type { Logger } from '../core/logger.js';
import { ALERT_WEBHOOK_TIMEOUT_MS, alertBodyJson, createAlertWebhook, describeReceiver, type SendAlert } from './alert-webhook.js';

export type AlertSettings = Pick<
  Config['controller'],
  'alertWebhookUrl' | 'alertWebhookSecret' | 'alertGatherSeconds' | 'alertFlapCount' | 'alertFlapWindowMinutes' | 'alertAreaMinSites' | 'alertAreaWindowMinutes'
> & { timezone: string };

export interface AlertDispatcherOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  settings: AlertSettings;
  /** posts one alert; default: the webhook of settings.alertWebhookUrl (none when it is unset) */
  send?: SendAlert;
  /** seconds between rounds under start() (default 10) */
  everySeconds?: number;
  /** alerts posted per round at most (default 20) */
  batchSize?: number;
}

export interface DispatchReport {
  /** false when another dispatcher held the lock and this one did nothing */
  locked: boolean;
  /** changes looked at, and those left for a later round */
  changes: number;
  deferred: number;
  /** alerts recorded this round */
  created: number;
  sent: number;
  failed: number;
}

export interface AlertDispatcher {
  runOnce(): Promise<DispatchReport>;
  start(): void;
  stop(): Promise<void>;
}

/** Changes read per round; a city-wide power cut is a few thousand. */
const CHANGES_PER_ROUND = 10_000;
/** A change is looked for this long after a later one was seen (a write that committed late). */
const SETTLE_MS = 10 * 60_000;
/** An alert not delivered within a day is given up. */
const GIVE_UP_AFTER_MS = 24 * 3600_000;
const FIRST_RETRY_MS = 10_000;
const MAX_RETRY_MS = 10 * 60_000;
const NOT_SENT = 'not sent: ALERT_WEBHOOK_URL is not set';

/** The wait before the next try of an alert that failed `attempts` times before this failure. */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempts, 20));
}

export function alertRulesFrom(settings: AlertSettings): AlertRules {
  return {
    flapCount: settings.alertFlapCount,
    flapWindowMinutes: settings.alertFlapWindowMinutes,
    areaMinSites: settings.alertAreaMinSites,
    areaWindowMinutes: settings.alertAreaWindowMinutes,
    gatherSeconds: settings.alertGatherSeconds,
    timezone: settings.timezone,
  };
}

export function createAlertDispatcher(options: AlertDispatcherOptions): AlertDispatcher {
  const { db, clock, settings } = options;
  const log = options.logger;
  const rules = alertRulesFrom(settings);
  const send: SendAlert | undefined =
    options.send ?? (settings.alertWebhookUrl ? createAlertWebhook({ url: settings.alertWebhookUrl, secret: settings.alertWebhookSecret }) : undefined);
  const batchSize = options.batchSize ?? 20;
  const leaseMs = batchSize * ALERT_WEBHOOK_TIMEOUT_MS + 30_000;
  const everyMs = (options.everySeconds ?? 10) * 1000;

  async function decide(): Promise<{ locked: false } | { locked: true; value: { changes: number; deferred: number; created: number; claimed: ClaimedAlert[] } }> {
    const now = clock();
    return withAlertDispatchLock(db, async (tx) => {
      const cursor = await readAlertCursor(tx);
      const changes = await findUnhandledChanges(tx, cursor.lowWater, CHANGES_PER_ROUND);
      const downs = changes.filter((c) => c.to === 'down');
      const earliest = Math.min(...downs.map((c) => c.at.getTime()));
      const recentDowns = downs.length
        ? await findRecentDowns(tx, [...new Set(downs.map((c) => c.site.siteId))], new Date(earliest - rules.flapWindowMinutes * 60_000))
        : [];
      const decision = decideAlerts({ now, changes, recentDowns, state: readAlertState(cursor.state), rules });
      const bound = bindAlertIds(decision, await allocateAlertIds(tx, decision.alerts.length));
      await insertAlerts(
        tx,
        bound.alerts.map((a) => ({
          id: a.id, kind: a.kind, siteId: a.siteId, areaCode: a.areaCode, changeIds: a.changeIds, payload: { id: a.id, ...a.body },
          createdAt: now, nextAttemptAt: send ? now : null, lastError: send ? null : NOT_SENT,
        })),
      );
      await recordHandledChanges(
        tx,
        bound.handled.map((h) => ({ changeId: h.changeId, alertId: h.alert && 'id' in h.alert ? h.alert.id : null, outcome: h.outcome })),
        now,
      );
      await advanceAlertCursor(tx, {
        current: cursor.lowWater,
        settledBefore: new Date(now.getTime() - SETTLE_MS),
        firstDeferred: decision.deferred.length ? Math.min(...decision.deferred) : null,
        state: bound.state,
        at: now,
      });
      for (const a of bound.alerts) {
        log.info({ alert: a.id, kind: a.kind, site: a.body.site?.code, area: a.body.area?.code, count: a.body.count, sent: Boolean(send) }, 'alert recorded');
      }
      const stale = bound.handled.filter((h) => h.outcome === 'stale').length;
      if (stale) log.warn({ changes: stale }, 'state changes more than an hour old were seen late and not alerted');
      const claimed = send ? await claimDueAlerts(tx, now, new Date(now.getTime() + leaseMs), batchSize) : [];
      return { changes: changes.length, deferred: decision.deferred.length, created: bound.alerts.length, claimed };
    });
  }

  /** Posts the claimed alerts in order; a failure that may pass holds back the rest until its retry. */
  async function deliver(claimed: ClaimedAlert[]): Promise<{ sent: number; failed: number }> {
    let sent = 0;
    let failed = 0;
    for (let i = 0; i < claimed.length; i++) {
      const alert = claimed[i];
      const outcome = await send!({ id: alert.id, kind: alert.kind, body: alertBodyJson(alert.payload) });
      const at = clock();
      if (outcome.ok) {
        await markAlertSent(db, alert.id, at);
        sent++;
        log.info({ alert: alert.id, kind: alert.kind, attempt: alert.attempts + 1, status: outcome.status }, 'alert delivered');
        continue;
      }
      failed++;
      const giveUp = !outcome.retry || at.getTime() - alert.createdAt.getTime() >= GIVE_UP_AFTER_MS;
      const next = giveUp ? null : new Date(at.getTime() + retryDelayMs(alert.attempts));
      await markAlertFailed(db, alert.id, giveUp ? `gave up: ${outcome.detail}` : outcome.detail, next);
      if (giveUp) {
        log.error({ alert: alert.id, kind: alert.kind, attempt: alert.attempts + 1, detail: outcome.detail }, 'alert not delivered; given up');
        continue;
      }
      log.warn({ alert: alert.id, kind: alert.kind, attempt: alert.attempts + 1, detail: outcome.detail, retryAt: next!.toISOString() }, 'alert not delivered; will retry');
      await releaseAlerts(db, claimed.slice(i + 1).map((a) => a.id), next!);
      break;
    }
    return { sent, failed };
  }

  async function runOnce(): Promise<DispatchReport> {
    const decided = await decide();
    if (!decided.locked) return { locked: false, changes: 0, deferred: 0, created: 0, sent: 0, failed: 0 };
    const { claimed, ...counts } = decided.value;
    const delivered = claimed.length ? await deliver(claimed) : { sent: 0, failed: 0 };
    return { locked: true, ...counts, ...delivered };
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let started = false;
  const round = () => {
    running = runOnce()
      .then(() => undefined)
      .catch((err) => log.error({ err }, 'alert round failed; trying again at the next'))
      .finally(() => {
        running = undefined;
        if (started) {
          timer = setTimeout(round, everyMs);
          timer.unref();
        }
      });
  };

  return {
    runOnce,
    start() {
      if (started) return;
      started = true;
      if (send) log.info({ receiver: settings.alertWebhookUrl ? describeReceiver(settings.alertWebhookUrl) : 'custom', everySeconds: everyMs / 1000 }, 'alerts on');
      else log.info('alerts are recorded but not sent: ALERT_WEBHOOK_URL is not set');
      timer = setTimeout(round, 0);
      timer.unref();
    },
    async stop() {
      started = false;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
