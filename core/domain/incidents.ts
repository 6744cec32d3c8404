/**
 * Outages as the incidents page shows them: pure arithmetic and grouping, no I/O.
 *
 * An outage is a site's change into `down` until its next change (out of `down`), or until now when
 * none came yet (ongoing). Its duration leaves out planned maintenance: a window on the site, its
 * kelurahan or its kecamatan that overlaps the outage (one added afterwards, for a PLN cut already
 * over) takes its seconds off, as the rollups count them. A window that was open at the time already
 * split the outage through the state changes (down → maintenance → unknown → down is two outages).
 *
 * Outages that happened together in one area are one group row:
 * - the area outages the alert dispatcher recorded (alerts of kind `area-outage`, with every change
 *   that joined them), so the page says what the webhook said;
 * - outages the dispatcher never looked at (history before it ran, a controller without it) by the
 *   same rule: `minSites` or more in one kelurahan starting within `windowMinutes` of the first;
 *   what is left, the same across the kelurahan of one kecamatan. Outages it alerted one by one stay
 *   single, as they were reported.
 */

export interface Interval {
  from: Date;
  to: Date;
}

export interface AreaRef {
  code: string;
  name: string;
}

/** Seconds of `outage` covered by any of `windows` (overlapping windows counted once). */
export function maintenanceOverlapSeconds(outage: Interval, windows: readonly Interval[]): number {
  const start = outage.from.getTime();
  const end = outage.to.getTime();
  const clipped = windows
    .map((w) => [Math.max(start, w.from.getTime()), Math.min(end, w.to.getTime())] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let cursor = start;
  for (const [a, b] of clipped) {
    const from = Math.max(a, cursor);
    if (b > from) total += b - from;
    cursor = Math.max(cursor, b);
  }
  return total / 1000;
}

export interface OutageTimes {
  /** from start to end (or to now), maintenance left out */
  durationSeconds: number;
  maintenanceSeconds: number;
  ongoing: boolean;
}

/** An outage's duration: start to end (now while ongoing), less the maintenance inside it. */
export function outageTimes(startedAt: Date, endedAt: Date | null, now: Date, windows: readonly Interval[]): OutageTimes {
  const to = endedAt ?? (now > startedAt ? now : startedAt);
  const whole = Math.max(0, (to.getTime() - startedAt.getTime()) / 1000);
  const maintenanceSeconds = maintenanceOverlapSeconds({ from: startedAt, to }, windows);
  return { durationSeconds: Math.max(0, whole - maintenanceSeconds), maintenanceSeconds, ongoing: endedAt === null };
}

export interface GroupableOutage {
  changeId: number;
  startedAt: Date;
  kelurahan: AreaRef | null;
  kecamatan: AreaRef | null;
  /** the area-outage alert that covers this outage, when the dispatcher recorded one */
  areaAlert: { id: number; area: AreaRef & { level: 'kelurahan' | 'kecamatan' } } | null;
  /** covered by any alert (a lone outage alert, or an area one) */
  alerted: boolean;
}

export interface GroupRules {
  minSites: number;
  windowMinutes: number;
}

export type IncidentRow<T> =
  | { type: 'outage'; startedAt: Date; outage: T }
  | { type: 'area'; startedAt: Date; area: AreaRef & { level: 'kelurahan' | 'kecamatan' }; alertId: number | null; outages: T[] };

const byStart = <T extends GroupableOutage>(a: T, b: T) => a.startedAt.getTime() - b.startedAt.getTime() || a.changeId - b.changeId;

/** Runs of outages of one area, each starting within the window of the run's first. */
function clusterByArea<T extends GroupableOutage>(outages: T[], areaOf: (o: T) => AreaRef | null, rules: GroupRules): Array<{ area: AreaRef; outages: T[] }> {
  const byArea = new Map<string, { area: AreaRef; outages: T[] }>();
  for (const o of outages) {
    const area = areaOf(o);
    if (!area) continue;
    let entry = byArea.get(area.code);
    if (!entry) byArea.set(area.code, (entry = { area, outages: [] }));
    entry.outages.push(o);
  }
  const windowMs = rules.windowMinutes * 60_000;
  const clusters: Array<{ area: AreaRef; outages: T[] }> = [];
  for (const { area, outages: list } of byArea.values()) {
    list.sort(byStart);
    let run: T[] = [];
    const close = () => {
      if (run.length >= rules.minSites) clusters.push({ area, outages: run });
      run = [];
    };
    for (const o of list) {
      if (run.length > 0 && o.startedAt.getTime() - run[0].startedAt.getTime() > windowMs) close();
      run.push(o);
    }
    close();
  }
  return clusters;
}

/** The rows of the incidents list, newest first: area groups (oldest outage first inside) and single outages. */
export function groupOutages<T extends GroupableOutage>(outages: readonly T[], rules: GroupRules): Array<IncidentRow<T>> {
  const rows: Array<IncidentRow<T>> = [];
  const byAlert = new Map<number, { area: AreaRef & { level: 'kelurahan' | 'kecamatan' }; outages: T[] }>();
  const unalerted: T[] = [];
  for (const o of outages) {
    if (o.areaAlert) {
      let entry = byAlert.get(o.areaAlert.id);
      if (!entry) byAlert.set(o.areaAlert.id, (entry = { area: o.areaAlert.area, outages: [] }));
      entry.outages.push(o);
    } else if (o.alerted) {
      rows.push({ type: 'outage', startedAt: o.startedAt, outage: o });
    } else {
      unalerted.push(o);
    }
  }
  for (const [alertId, { area, outages: list }] of byAlert) {
    list.sort(byStart);
    rows.push({ type: 'area', startedAt: list[0].startedAt, area, alertId, outages: list });
  }
  const grouped = new Set<number>();
  for (const level of ['kelurahan', 'kecamatan'] as const) {
    const left = unalerted.filter((o) => !grouped.has(o.changeId));
    for (const cluster of clusterByArea(left, (o) => o[level], rules)) {
      for (const o of cluster.outages) grouped.add(o.changeId);
      rows.push({ type: 'area', startedAt: cluster.outages[0].startedAt, area: { ...cluster.area, level }, alertId: null, outages: cluster.outages });
    }
  }
  for (const o of unalerted) if (!grouped.has(o.changeId)) rows.push({ type: 'outage', startedAt: o.startedAt, outage: o });
  return rows.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || firstId(b) - firstId(a));
}

function firstId<T extends GroupableOutage>(row: IncidentRow<T>): number {
  return row.type === 'outage' ? row.outage.changeId : row.outages[0].changeId;
}
