import { csvDocument } from '../../core/domain/csv.js';
import type { CityReport } from '../../core/domain/report-figures.js';
import { OPEN_DATA_COLUMNS, openDataMetadata, openDataMetadataRows, openDataRows } from '../../core/domain/report-open-data.js';
import type { ReportPeriod } from '../../core/domain/report-period.js';

/** The open-data CSV: one row per kelurahan, Satu Data column names; UTF-8 without a byte-order mark, for machines. */
export function openDataCsv(report: CityReport, period: ReportPeriod): string {
  const text = new Set(OPEN_DATA_COLUMNS.flatMap((c, i) => (c.text ? [i] : [])));
  return csvDocument(OPEN_DATA_COLUMNS.map((c) => c.name), openDataRows(report, period), { textColumns: text });
}

/** The metadata as CSV: atribut,nilai. */
export function openDataMetadataCsv(period: ReportPeriod, updatedOn: string): string {
  return csvDocument(['atribut', 'nilai'], openDataMetadataRows(openDataMetadata(period, updatedOn)), { textColumns: new Set([1]) });
}
