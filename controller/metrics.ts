import { Counter, Gauge, Histogram } from 'prom-client';
import { createServiceRegistry } from '../core/metrics.js';
import { SITE_STATES, type SiteState } from '../core/domain/site-state.js';

/**
 * The controller's Prometheus metrics, in a registry of its own (several controllers can share a
 * process in tests). Served at GET /metrics on the controller's HTTP listener (controller/http.ts).
 * The gauges are read when scraped, from whatever watch() was given (the running controller).
 */

export interface ControllerGauges {
  ownedSites(): number;
  sitesByState(): Record<SiteState, number>;
  openConnections(): number;
}

export function createControllerMetrics(options: { processMetrics?: boolean } = {}) {
  const registry = createServiceRegistry('controller', { processMetrics: options.processMetrics ?? false });
  let source: ControllerGauges | undefined;
  return {
    registry,
    /** Reads the gauges from this source from now on. */
    watch(gauges: ControllerGauges): void {
      source = gauges;
    },
    polls: new Counter({
      name: 'citywifi_controller_polls_total',
      help: "Site readings by source (api: a poll of the router; heartbeat: the router's latest heartbeat) and result ('ok', or the failure: refused, timeout, auth, no-heartbeat, ...)",
      labelNames: ['source', 'result'] as const,
      registers: [registry],
    }),
    stateChanges: new Counter({
      name: 'citywifi_controller_state_changes_total',
      help: 'Site state changes written, by the state entered',
      labelNames: ['to'] as const,
      registers: [registry],
    }),
    runDuration: new Histogram({
      name: 'citywifi_controller_run_duration_seconds',
      help: 'Time for one tick of the loop that did work (lease upkeep, maintenance, the polls whose slot came) or one whole sweep (--once)',
      labelNames: ['run'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    pollRtt: new Histogram({
      name: 'citywifi_controller_poll_rtt_seconds',
      help: "Round-trip time of a router's first answer in a poll that answered",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    writeDuration: new Histogram({
      name: 'citywifi_controller_write_batch_duration_seconds',
      help: 'Time to write one batch: a chunk of polls, or the maintenance changes due at once',
      labelNames: ['kind'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    heartbeats: new Counter({
      name: 'citywifi_controller_heartbeats_total',
      help: 'Heartbeats received on POST /heartbeat, by result: stored, unauthorized (missing or unknown token), invalid (bad body), too-large, failed (database)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    ownedSites: new Gauge({
      name: 'citywifi_controller_sites_owned',
      help: 'Sites this controller leases',
      registers: [registry],
      collect() {
        if (source) this.set(source.ownedSites());
      },
    }),
    sitesByState: new Gauge({
      name: 'citywifi_controller_sites',
      help: "This controller's sites by state",
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        if (!source) return;
        const counts = source.sitesByState();
        for (const state of SITE_STATES) this.set({ state }, counts[state]);
      },
    }),
    openConnections: new Gauge({
      name: 'citywifi_controller_router_connections',
      help: 'RouterOS API connections held open between polls',
      registers: [registry],
      collect() {
        if (source) this.set(source.openConnections());
      },
    }),
  };
}

export type ControllerMetrics = ReturnType<typeof createControllerMetrics>;
