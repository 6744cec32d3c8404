import { csvDocument } from '../../core/domain/csv.js';
import { EXPORT_COLUMNS, reportRowsInOrder } from '../../core/domain/report-columns.js';
import type { CityReport } from '../../core/domain/report-figures.js';
import type { Translate } from '../../core/web/i18n.js';

/**
 * The report as one CSV: a row for the city, each kecamatan and each kelurahan (the `level` column
 * tells which), headers in the reader's language, figures as plain numbers with a dot for decimals,
 * empty where a figure has no data (no target set, no ratings, no observed time).
 */
export function reportCsv(report: CityReport, t: Translate): string {
  const header = EXPORT_COLUMNS.map((c) => t(`reports.col.${c.key}`));
  const text = new Set(EXPORT_COLUMNS.flatMap((c, i) => (c.text ? [i] : [])));
  const rows = reportRowsInOrder(report).map((f) => EXPORT_COLUMNS.map((c) => (c.key === 'level' ? t(`reports.level.${f.level}`) : c.value(f))));
  return csvDocument(header, rows, { bom: true, textColumns: text });
}
