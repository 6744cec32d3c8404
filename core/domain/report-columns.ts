/**
 * The columns of the report as the dashboard shows and exports it (page, printable page, CSV, XLSX):
 * one list, so every format carries the same figures in the same order. Labels come from the
 * dashboard's locales (reports.col.<key>).
 */
import type { AreaFigures, CityReport } from './report-figures.js';

export interface ReportColumn {
  key: string;
  value: (f: AreaFigures) => string | number | null;
  /** free text (names): guarded against spreadsheet formulas in CSV */
  text?: boolean;
  /** a figure (right-aligned, a number cell in XLSX) */
  numeric?: boolean;
}

const figure = (key: keyof AreaFigures): ReportColumn => ({ key, value: (f) => f[key] as number | null, numeric: true });

export const AREA_COLUMNS: ReportColumn[] = [
  { key: 'code', value: (f) => f.code },
  { key: 'name', value: (f) => f.name, text: true },
];

export const FIGURE_COLUMNS: ReportColumn[] = [
  figure('installed'),
  figure('commissioned'),
  figure('active'),
  figure('target'),
  figure('uptimePercent'),
  figure('maintenanceHours'),
  figure('users'),
  figure('sessions'),
  figure('hours'),
  figure('gigabytes'),
  figure('averageRating'),
  figure('satisfiedPercent'),
  figure('ratings'),
  figure('problemReports'),
];

/** The flat export (CSV): the level, the area and its kecamatan, then the figures. */
export const EXPORT_COLUMNS: ReportColumn[] = [
  { key: 'level', value: (f) => f.level },
  ...AREA_COLUMNS,
  { key: 'kecamatanCode', value: (f) => f.parentCode },
  { key: 'kecamatanName', value: (f) => f.parentName, text: true },
  ...FIGURE_COLUMNS,
];

/** Every area of the report in reading order: the city, then each kecamatan followed by its kelurahan. */
export function reportRowsInOrder(report: CityReport): AreaFigures[] {
  return [report.city, ...report.kecamatan.flatMap((k) => [k.figures, ...k.kelurahan])];
}
