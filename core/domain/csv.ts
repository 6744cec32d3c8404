/**
 * Writing CSV (RFC 4180): fields quoted only when they must be, lines ended by CRLF. Only quoting is
 * needed here, so no library: text that a spreadsheet would run as a formula (=, +, -, @ first) gets
 * a leading apostrophe when the caller marks the field as text. Numbers are written as they are.
 */
export type CsvValue = string | number | null | undefined;

export function csvField(value: CsvValue, isText = false): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (isText && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line with its CRLF; `textColumns` marks the fields that hold free text (names). */
export function csvLine(values: readonly CsvValue[], textColumns: ReadonlySet<number> = new Set()): string {
  return `${values.map((v, i) => csvField(v, textColumns.has(i))).join(',')}\r\n`;
}

/** A whole small CSV document; `bom` puts a byte-order mark first so spreadsheet programs read UTF-8. */
export function csvDocument(header: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>, options: { bom?: boolean; textColumns?: ReadonlySet<number> } = {}): string {
  return (options.bom ? '\ufeff' : '') + csvLine(header) + rows.map((r) => csvLine(r, options.textColumns)).join('');
}
