import ExcelJS from 'exceljs';
import { AREA_COLUMNS, FIGURE_COLUMNS, type ReportColumn } from '../../core/domain/report-columns.js';
import type { AreaFigures, CityReport } from '../../core/domain/report-figures.js';
import type { ReportPeriod } from '../../core/domain/report-period.js';
import type { Translate } from '../../core/web/i18n.js';

export interface XlsxContext {
  period: ReportPeriod;
  periodName: string;
  /** when the file was made, as people here read it (the city's time zone) */
  generatedAt: string;
  t: Translate;
}

/** Sheet names as the workbook holds them (Excel allows 31 characters, no : \ / ? * [ ]). */
export const SHEETS = { city: 'Kota', kecamatan: 'Kecamatan', kelurahan: 'Kelurahan', metadata: 'Metadata' } as const;

function addTable(workbook: ExcelJS.Workbook, name: string, columns: ReportColumn[], rows: AreaFigures[], t: Translate): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: t(`reports.col.${c.key}`), key: c.key, width: c.key === 'name' || c.key === 'kecamatanName' ? 28 : 14 }));
  sheet.getRow(1).font = { bold: true };
  for (const f of rows) sheet.addRow(columns.map((c) => c.value(f)));
}

/**
 * The report as an XLSX workbook: one sheet per level (the city, kecamatan, kelurahan), figures as
 * number cells (empty where there is no data), and a metadata sheet (period, when made, definitions).
 */
export async function reportXlsx(report: CityReport, context: XlsxContext): Promise<Buffer> {
  const { t } = context;
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'citywifi';
  workbook.title = `${t('reports.title')} ${context.periodName}`;
  const kecamatanColumns: ReportColumn[] = [...AREA_COLUMNS, ...FIGURE_COLUMNS];
  const kelurahanColumns: ReportColumn[] = [
    { key: 'kecamatanCode', value: (f) => f.parentCode },
    { key: 'kecamatanName', value: (f) => f.parentName },
    ...AREA_COLUMNS,
    ...FIGURE_COLUMNS,
  ];
  addTable(workbook, SHEETS.city, [{ key: 'name', value: (f) => f.name }, ...FIGURE_COLUMNS], [report.city], t);
  addTable(workbook, SHEETS.kecamatan, kecamatanColumns, report.kecamatan.map((k) => k.figures), t);
  addTable(workbook, SHEETS.kelurahan, kelurahanColumns, report.kecamatan.flatMap((k) => k.kelurahan), t);

  const meta = workbook.addWorksheet(SHEETS.metadata);
  meta.columns = [{ width: 28 }, { width: 100 }];
  const lines: Array<[string, string]> = [
    [t('reports.meta.title'), `${t('reports.title')} ${context.periodName}`],
    [t('reports.meta.period'), context.period.text],
    [t('reports.meta.generatedAt'), context.generatedAt],
    ...FIGURE_COLUMNS.map((c): [string, string] => [t(`reports.col.${c.key}`), t(`reports.define.${c.key}`)]),
  ];
  for (const line of lines) meta.addRow(line);
  meta.getColumn(1).font = { bold: true };
  meta.getColumn(2).alignment = { wrapText: true, vertical: 'top' };
  const buffer = await workbook.xlsx.writeBuffer();
  return Buffer.from(buffer as ArrayBuffer);
}
