import type { HistoryModel } from '../../core/db/queries/history-fill.js';

/**
 * The simulated city's habits, for `citywifi sim history`. Shares are per site (chronic, flaky) or
 * per site and day (outages, windows); the hour curves weigh when citizens start a session, local
 * time: a small morning bump, lunch, and the evening peak after work and school (19:00–21:00), with
 * busier daytime at weekends (parks, RPTRA).
 */
export const HISTORY_MODEL: HistoryModel = {
  chronicShare: 0.03,
  flakyShare: 0.12,
  // normal, flaky, chronic
  longOutage: [0.0008, 0.004, 0.04],
  shortOutage: [0.012, 0.08, 0.25],
  degraded: [0.02, 0.06, 0.2],
  siteMaintenancePerDay: 1 / 45,
  areaMaintenancePerDay: 1 / 60,
  sessionsMin: 18,
  sessionsSpread: 42,
  rampDays: 30,
  sessionMedianSeconds: 1200,
  sessionSigma: 0.9,
  sessionMaxSeconds: 4 * 3600,
  downloadMedianRate: 45_000,
  weekdayCurve: [0.5, 0.25, 0.12, 0.1, 0.15, 0.4, 0.9, 1.5, 1.5, 1.1, 1.1, 1.3, 1.8, 1.6, 1.3, 1.5, 2.0, 2.5, 2.9, 3.5, 3.7, 3.1, 2.1, 1.1],
  weekendCurve: [0.7, 0.35, 0.15, 0.1, 0.15, 0.5, 1.2, 1.8, 2.2, 2.4, 2.4, 2.3, 2.3, 2.2, 2.1, 2.3, 2.6, 2.8, 3.0, 3.4, 3.5, 3.0, 2.2, 1.3],
  dayFactor: [0.95, 0.95, 0.95, 1.0, 1.05, 1.3, 1.35],
  sampleStepSeconds: 300,
};
