/**
 * The site file that `citywifi sites import` and the dashboard's import read: CSV with a header,
 * `code,name,kelurahan,router_host` required, the optional columns below in any order. Every problem is
 * found (line, column, a reason with its values), so a person can fix the whole file at once; the
 * reasons are codes, so the CLI says them in English (describeSiteFileProblem) and the dashboard in
 * the user's language. Looking up kelurahan and NAS addresses and encrypting router passwords are
 * passed in: this module does no I/O of its own.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { parseAddressOrCidr } from './net.js';

export const REQUIRED_SITE_COLUMNS = ['code', 'name', 'kelurahan', 'router_host'] as const;
export const OPTIONAL_SITE_COLUMNS = [
  'lat', 'lon', 'category', 'router_port', 'router_user', 'router_password', 'router_tls', 'installed_on', 'commissioned_on', 'nas_address',
] as const;
type OptionalColumn = (typeof OPTIONAL_SITE_COLUMNS)[number];

/** One site as an import writes it: only the columns the file has are set. */
export interface ImportedSite {
  code: string;
  name: string;
  area_code: string;
  router_host: string;
  lat?: number | null;
  lon?: number | null;
  category?: string;
  router_port?: number | null;
  router_user?: string | null;
  router_password_enc?: string | null;
  router_tls?: boolean;
  installed_on?: string | null;
  commissioned_on?: string | null;
  /** the NAS (by address) to attach to the site */
  nas_address?: string | null;
}

/** Why a line of the file is refused, in English; `{name}` stands for a value of the problem. */
export const SITE_FILE_PROBLEMS = {
  unreadable: 'not readable as CSV: {message}',
  empty: 'the file is empty (expected a header line)',
  unknownColumn: 'unknown column (known: {known})',
  missingColumn: 'required column missing',
  columnTwice: 'column named twice',
  noRows: 'no sites under the header',
  fieldCount: '{found} fields where the header has {expected}',
  required: 'required',
  badCode: '"{value}": at most 40 letters, digits, dot, dash and underscore',
  codeTwice: '"{value}" is already on line {line}',
  badName: 'at most 120 characters, no control characters',
  unknownKelurahan: 'no kelurahan known as "{value}" (use its Kemendagri code, e.g. 36.74.01.1001, or its name)',
  notKelurahan: '"{value}" is a kecamatan; name one of its kelurahan',
  badHost: '"{value}" is not a host name or IP address',
  badLatitude: '"{value}" is not a latitude (decimal degrees, -90 to 90)',
  badLongitude: '"{value}" is not a longitude (decimal degrees, -180 to 180)',
  badCategory: 'at most 40 characters',
  badPort: '"{value}" is not a port (1 to 65535)',
  badRouterUser: 'at most 64 characters, no control characters',
  badRouterPassword: 'at most 128 characters, no control characters',
  badYesNo: '"{value}" is not yes or no (true/false, 1/0 also do)',
  badDate: '"{value}" is not a date (YYYY-MM-DD)',
  commissionedBeforeInstalled: '{value} is before installed_on {installed}',
  badNasAddress: '"{value}" is not an IP address',
  unknownNas: 'no NAS with address {value} (add it first with `citywifi nas add`)',
} as const;
export type SiteFileReason = keyof typeof SITE_FILE_PROBLEMS;

export interface SiteFileProblem {
  line: number;
  column: string;
  reason: SiteFileReason;
  vars: Record<string, string | number>;
}

export interface SiteFileLookups {
  /** a kelurahan or kecamatan by Kemendagri code, name or alias; undefined when unknown */
  findArea(text: string): Promise<{ code: string; level: 'kecamatan' | 'kelurahan' } | undefined>;
  /** the addresses among `addresses` that are registered NAS */
  findKnownNasAddresses(addresses: string[]): Promise<Set<string>>;
  /** encrypts a router password for storage (it is never kept or echoed in clear) */
  encrypt(plain: string): string;
}

export interface SiteFile {
  problems: SiteFileProblem[];
  sites: ImportedSite[];
  /** the optional columns the file has (router_password as router_password_enc): only these are written on update */
  columns: Array<keyof ImportedSite>;
}

/** A problem in plain English, as the CLI prints it. */
export function describeSiteFileProblem(problem: SiteFileProblem): string {
  return SITE_FILE_PROBLEMS[problem.reason].replace(/\{(\w+)\}/g, (whole, name: string) => (name in problem.vars ? String(problem.vars[name]) : whole));
}

const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const HOST_PATTERN = /^[A-Za-z0-9.-]+$|^[0-9A-Fa-f:]+$/;
const CONTROL = /\p{Cc}/u;
const TRUE_WORDS = ['true', 'yes', '1', 'y'];
const FALSE_WORDS = ['false', 'no', '0', 'n'];

function parseDay(text: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) ? text : null;
}

type Refuse = (reason: SiteFileReason, vars?: Record<string, string | number>) => void;

/**
 * Reads and checks a site file: every problem found, sorted by line, or the sites to write. Kelurahan
 * are looked up once per distinct text.
 */
export async function parseSiteFile(text: string, lookups: SiteFileLookups): Promise<SiteFile> {
  const problems: SiteFileProblem[] = [];
  const problem = (line: number, column: string, reason: SiteFileReason, vars: Record<string, string | number> = {}) => problems.push({ line, column, reason, vars });
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parseCsv(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (error) {
    const e = error as Error & { lines?: number };
    return { problems: [{ line: e.lines ?? 1, column: '-', reason: 'unreadable', vars: { message: e.message } }], sites: [], columns: [] };
  }
  if (records.length === 0) return { problems: [{ line: 1, column: '-', reason: 'empty', vars: {} }], sites: [], columns: [] };
  const header = records[0].record.map((h) => h.toLowerCase());
  const headerLine = records[0].info.lines;
  const known = new Set<string>([...REQUIRED_SITE_COLUMNS, ...OPTIONAL_SITE_COLUMNS]);
  for (const column of header) if (!known.has(column)) problem(headerLine, column, 'unknownColumn', { known: [...known].join(', ') });
  for (const column of REQUIRED_SITE_COLUMNS) if (!header.includes(column)) problem(headerLine, column, 'missingColumn');
  const seen = new Set<string>();
  for (const column of header) {
    if (seen.has(column)) problem(headerLine, column, 'columnTwice');
    seen.add(column);
  }
  if (problems.length) return { problems, sites: [], columns: [] };
  // in the file's order, so a row's problems read left to right
  const present = header.filter((c): c is OptionalColumn => (OPTIONAL_SITE_COLUMNS as readonly string[]).includes(c));

  const areaCache = new Map<string, Awaited<ReturnType<SiteFileLookups['findArea']>>>();
  const lookUpArea = async (name: string) => {
    const key = name.trim().toLowerCase();
    if (!areaCache.has(key)) areaCache.set(key, await lookups.findArea(name));
    return areaCache.get(key);
  };
  const codesSeen = new Map<string, number>();
  const nasWanted: Array<{ line: number; address: string }> = [];
  const sites: ImportedSite[] = [];

  for (const { record, info } of records.slice(1)) {
    // the line the row starts on (csv-parse counts to its end; a quoted field may span lines)
    const line = info.lines - record.reduce((n, field) => n + (field.match(/\n/g)?.length ?? 0), 0);
    const cell = (column: string) => {
      const i = header.indexOf(column);
      return i >= 0 && i < record.length ? record[i] : '';
    };
    const bad = (column: string, reason: SiteFileReason, vars: Record<string, string | number> = {}) => problem(line, column, reason, vars);
    if (record.length !== header.length) bad('-', 'fieldCount', { found: record.length, expected: header.length });

    const code = cell('code');
    if (code === '') bad('code', 'required');
    else if (code.length > 40 || !CODE_PATTERN.test(code)) bad('code', 'badCode', { value: code });
    else if (codesSeen.has(code.toLowerCase())) bad('code', 'codeTwice', { value: code, line: codesSeen.get(code.toLowerCase())! });
    else codesSeen.set(code.toLowerCase(), line);

    const name = cell('name');
    if (name === '') bad('name', 'required');
    else if (name.length > 120 || CONTROL.test(name)) bad('name', 'badName');

    const kelurahan = cell('kelurahan');
    let areaCode = '';
    if (kelurahan === '') bad('kelurahan', 'required');
    else {
      const area = await lookUpArea(kelurahan);
      if (!area) bad('kelurahan', 'unknownKelurahan', { value: kelurahan });
      else if (area.level !== 'kelurahan') bad('kelurahan', 'notKelurahan', { value: kelurahan });
      else areaCode = area.code;
    }

    const host = cell('router_host');
    if (host === '') bad('router_host', 'required');
    else if (host.length > 253 || !HOST_PATTERN.test(host)) bad('router_host', 'badHost', { value: host });

    const site: ImportedSite = { code, name, area_code: areaCode, router_host: host };
    for (const column of present) {
      setOptional(site, column, cell(column), lookups, (reason, vars) => bad(column, reason, vars), (address) => nasWanted.push({ line, address }));
    }
    if (site.installed_on && site.commissioned_on && site.commissioned_on < site.installed_on) {
      bad('commissioned_on', 'commissionedBeforeInstalled', { value: site.commissioned_on, installed: site.installed_on });
    }
    sites.push(site);
  }
  if (nasWanted.length) {
    const knownNas = await lookups.findKnownNasAddresses([...new Set(nasWanted.map((n) => n.address))]);
    for (const { line, address } of nasWanted) if (!knownNas.has(address)) problem(line, 'nas_address', 'unknownNas', { value: address });
  }
  if (records.length === 1) problem(headerLine, '-', 'noRows');
  problems.sort((a, b) => a.line - b.line);
  const columns = present.map((c): keyof ImportedSite => (c === 'router_password' ? 'router_password_enc' : c));
  return { problems, sites, columns };
}

function setOptional(site: ImportedSite, column: OptionalColumn, value: string, lookups: SiteFileLookups, bad: Refuse, wantNas: (address: string) => void): void {
  switch (column) {
    case 'lat':
    case 'lon': {
      if (value === '') return void (site[column] = null);
      const n = Number(value);
      const limit = column === 'lat' ? 90 : 180;
      if (!/^-?\d+(\.\d+)?$/.test(value) || Math.abs(n) > limit) return bad(column === 'lat' ? 'badLatitude' : 'badLongitude', { value });
      site[column] = n;
      return;
    }
    case 'category':
      if (value.length > 40 || CONTROL.test(value)) return bad('badCategory');
      site.category = value === '' ? 'other' : value.toLowerCase();
      return;
    case 'router_port': {
      if (value === '') return void (site.router_port = null);
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < 1 || n > 65535) return bad('badPort', { value });
      site.router_port = n;
      return;
    }
    case 'router_user':
      if (value.length > 64 || CONTROL.test(value)) return bad('badRouterUser');
      site.router_user = value === '' ? null : value;
      return;
    case 'router_password':
      // never echoed back: a report names the column, not the value
      if (value.length > 128 || CONTROL.test(value)) return bad('badRouterPassword');
      site.router_password_enc = value === '' ? null : lookups.encrypt(value);
      return;
    case 'router_tls': {
      const v = value.toLowerCase();
      if (v === '' || FALSE_WORDS.includes(v)) return void (site.router_tls = false);
      if (TRUE_WORDS.includes(v)) return void (site.router_tls = true);
      return bad('badYesNo', { value });
    }
    case 'installed_on':
    case 'commissioned_on': {
      if (value === '') return void (site[column] = null);
      const day = parseDay(value);
      if (!day) return bad('badDate', { value });
      site[column] = day;
      return;
    }
    case 'nas_address': {
      if (value === '') return void (site.nas_address = null);
      const address = parseAddressOrCidr(value);
      if (!address || address.includes('/')) return bad('badNasAddress', { value });
      site.nas_address = address;
      wantNas(address);
      return;
    }
  }
}
