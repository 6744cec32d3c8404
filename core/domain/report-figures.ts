/**
 * The city report as figures per area (issue 5 §2 "Reports"): pure arithmetic over the additive sums
 * the database gives per kelurahan (core/db/queries/reports.ts). Definitions, as the README states them:
 *
 * - installed: sites in place on the counting day (installed, or commissioned, on or before it and
 *   not decommissioned by then); commissioned: in service on that day (commissioned on or before it,
 *   not decommissioned by then). The counting day is the period's last day, or today while it runs.
 * - active: commissioned by the counting day, and up or degraded for some second, or carrying a
 *   session, on some day of the period (a site decommissioned during the period counts if it was live).
 * - target: the year's target of the area. A kecamatan's is its own when one is set, else the sum of
 *   its kelurahan's; the city's is the sum over kecamatan. Null when no target is set for the area.
 * - uptime: (up + degraded) / (up + degraded + down) over the site-seconds of the period: planned
 *   maintenance and unobserved (unknown) time are left out (core/domain/uptime.ts). Null with no data.
 * - users: the sum over sites and days of each site's distinct people that day (a person online on
 *   two days, or at two sites, counts twice): distinct people over a year cannot be kept, sessions
 *   are purged long before; sessions, hours online and data (bytes in and out) are plain sums.
 * - satisfaction: the average rating (1–5) and the share of ratings of 4 or 5, over ratings given
 *   at the area's sites during the period; problem reports: those made at its sites then.
 * Sites with no area count in the city total only.
 */
import { uptimeShare, type StateSeconds } from './uptime.js';

/** The additive sums of one area (or of a group of areas). */
export interface ReportSums {
  installed: number;
  commissioned: number;
  active: number;
  up: number;
  degraded: number;
  down: number;
  maintenance: number;
  unknown: number;
  users: number;
  sessions: number;
  sessionSeconds: number;
  bytes: number;
  ratings: number;
  ratingSum: number;
  satisfied: number;
  problemReports: number;
}

export const ZERO_SUMS: Readonly<ReportSums> = Object.freeze({
  installed: 0, commissioned: 0, active: 0, up: 0, degraded: 0, down: 0, maintenance: 0, unknown: 0,
  users: 0, sessions: 0, sessionSeconds: 0, bytes: 0, ratings: 0, ratingSum: 0, satisfied: 0, problemReports: 0,
});

const SUM_KEYS = Object.keys(ZERO_SUMS) as Array<keyof ReportSums>;

export function addSums(a: ReportSums, b: ReportSums): ReportSums {
  const out = { ...a };
  for (const k of SUM_KEYS) out[k] = a[k] + b[k];
  return out;
}

export type ReportLevel = 'kota' | 'kecamatan' | 'kelurahan';

/** One area's figures as people read them (rounded for display; the sums stay exact beside them). */
export interface AreaFigures {
  level: ReportLevel;
  /** the Kemendagri code ('' for the city total) */
  code: string;
  name: string;
  /** the kecamatan of a kelurahan */
  parentCode: string | null;
  parentName: string | null;
  sums: ReportSums;
  installed: number;
  commissioned: number;
  active: number;
  target: number | null;
  /** percent, 2 decimals; null with no observed time */
  uptimePercent: number | null;
  maintenanceHours: number;
  users: number;
  sessions: number;
  /** hours online, 1 decimal */
  hours: number;
  /** gigabytes (10^9 bytes) in and out, 2 decimals */
  gigabytes: number;
  /** 1–5, 2 decimals; null with no ratings */
  averageRating: number | null;
  /** percent of ratings of 4 or 5, 1 decimal; null with no ratings */
  satisfiedPercent: number | null;
  ratings: number;
  problemReports: number;
}

export interface KecamatanReport {
  figures: AreaFigures;
  kelurahan: AreaFigures[];
}

export interface CityReport {
  city: AreaFigures;
  kecamatan: KecamatanReport[];
}

export const round = (value: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

export function figuresOf(sums: ReportSums, area: { level: ReportLevel; code: string; name: string; parentCode?: string | null; parentName?: string | null; target: number | null }): AreaFigures {
  const seconds: StateSeconds = { up: sums.up, degraded: sums.degraded, down: sums.down, maintenance: sums.maintenance, unknown: sums.unknown };
  const share = uptimeShare(seconds);
  return {
    level: area.level,
    code: area.code,
    name: area.name,
    parentCode: area.parentCode ?? null,
    parentName: area.parentName ?? null,
    sums,
    installed: sums.installed,
    commissioned: sums.commissioned,
    active: sums.active,
    target: area.target,
    uptimePercent: share === null ? null : round(share * 100, 2),
    maintenanceHours: round(sums.maintenance / 3600, 1),
    users: sums.users,
    sessions: sums.sessions,
    hours: round(sums.sessionSeconds / 3600, 1),
    gigabytes: round(sums.bytes / 1e9, 2),
    averageRating: sums.ratings > 0 ? round(sums.ratingSum / sums.ratings, 2) : null,
    satisfiedPercent: sums.ratings > 0 ? round((sums.satisfied / sums.ratings) * 100, 1) : null,
    ratings: sums.ratings,
    problemReports: sums.problemReports,
  };
}

export interface AreaInfo {
  code: string;
  level: 'kecamatan' | 'kelurahan';
  name: string;
  parentCode: string | null;
}

/**
 * The report tree: every kecamatan with every kelurahan (areas with no sites get zeros), each with
 * its figures, and the city total. `sums` is keyed by the sites' area code (null: no area); a site
 * whose area is a kecamatan counts in that kecamatan and the city, in no kelurahan.
 */
export function buildCityReport(input: { areas: AreaInfo[]; sums: Array<{ areaCode: string | null } & ReportSums>; targets: Map<string, number>; cityName: string }): CityReport {
  const sumsOf = new Map<string, ReportSums>();
  let city: ReportSums = { ...ZERO_SUMS };
  for (const row of input.sums) {
    const { areaCode, ...sums } = row;
    city = addSums(city, sums);
    if (areaCode !== null) sumsOf.set(areaCode, addSums(sumsOf.get(areaCode) ?? ZERO_SUMS, sums));
  }
  const kecamatanAreas = input.areas.filter((a) => a.level === 'kecamatan');
  let cityTarget: number | null = null;
  const kecamatan: KecamatanReport[] = kecamatanAreas.map((k) => {
    const children = input.areas.filter((a) => a.level === 'kelurahan' && a.parentCode === k.code);
    let total = sumsOf.get(k.code) ?? { ...ZERO_SUMS };
    let childTarget: number | null = null;
    const kelurahan = children.map((l) => {
      const sums = sumsOf.get(l.code) ?? { ...ZERO_SUMS };
      total = addSums(total, sums);
      const target = input.targets.get(l.code) ?? null;
      if (target !== null) childTarget = (childTarget ?? 0) + target;
      return figuresOf(sums, { level: 'kelurahan', code: l.code, name: l.name, parentCode: k.code, parentName: k.name, target });
    });
    const target = input.targets.get(k.code) ?? childTarget;
    if (target !== null) cityTarget = (cityTarget ?? 0) + target;
    return { figures: figuresOf(total, { level: 'kecamatan', code: k.code, name: k.name, target }), kelurahan };
  });
  return { city: figuresOf(city, { level: 'kota', code: '', name: input.cityName, target: cityTarget }), kecamatan };
}
