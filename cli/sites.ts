import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import type { SecretBox } from '../core/crypto.js';
import type { Db } from '../core/db/index.js';
import { withTransaction } from '../core/db/index.js';
import { findArea, type AreaRecord } from '../core/db/queries/areas.js';
import { findExistingSiteCodes, findKnownNasAddresses, upsertSites, type ImportedSite } from '../core/db/queries/site-import.js';
import { listSiteStatus } from '../core/db/queries/site-status.js';
import { addSite } from '../core/db/queries/sites.js';
import { parseAddressOrCidr } from '../core/domain/net.js';
import { withContext, UsageError } from './context.js';
import { formatFields, formatTable, parsedBy, rethrowAsUsage, textOf } from './options.js';
import { Presets, SingleBar } from 'cli-progress';

type LoginMethod = 'click' | 'otp' | 'voucher';
const LOGIN_METHODS: readonly LoginMethod[] = ['click', 'otp', 'voucher'];

interface AddOptions {
  code: string;
  name: string;
  kelurahan?: string;
  category?: string;
  loginMethods?: LoginMethod[];
  plan?: string;
  hotspotHost?: string;
}

const loginMethodsArg = parsedBy('--login-methods', (text): { ok: true; value: LoginMethod[] } | { ok: false; reason: string } => {
  const methods = [...new Set(text.split(',').map((m) => m.trim()).filter(Boolean))];
  const unknown = methods.filter((m) => !LOGIN_METHODS.includes(m as LoginMethod));
  if (methods.length === 0) return { ok: false, reason: `name at least one of ${LOGIN_METHODS.join(', ')}` };
  if (unknown.length) return { ok: false, reason: `unknown method "${unknown[0]}" (use ${LOGIN_METHODS.join(', ')})` };
  return { ok: true, value: methods as LoginMethod[] };
});

const siteCodeArg = textOf('--code', 40, { pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/, description: 'letters, digits, dot, dash and underscore' });
const hostArg = textOf('--hotspot-host', 253, { pattern: /^[A-Za-z0-9.-]+$/, description: 'a host name or IPv4 address' });

function registerAdd(sites: Command): void {
  sites
    .command('add')
    .description('add one site: a place with a hotspot (many at once come with `sites import`)')
    .requiredOption('--code <code>', 'the site code; set the router\'s /system identity to it so the portal finds the site', siteCodeArg)
    .requiredOption('--name <name>', 'the name citizens see on the portal, e.g. "Taman Kota 1"', textOf('--name', 120))
    .option('--kelurahan <area>', 'the kelurahan: Kemendagri code (36.74.01.1001), name or known alias')
    .option('--category <category>', 'park, mosque, office, rptra, school, health, other', textOf('--category', 40))
    .option('--login-methods <list>', 'ways to log in at this site, comma-separated: click, otp, voucher (default: all three)', loginMethodsArg)
    .option('--plan <name>', 'the plan for logins at this site that bring none of their own')
    .option('--hotspot-host <host>', 'the router\'s own host name, accepted as the login address besides private IPv4 addresses', hostArg)
    .action(async (opts: AddOptions) => {
      await withContext(async ({ db }) => {
        let areaCode: string | undefined;
        if (opts.kelurahan !== undefined) {
          const area = await findArea(db, opts.kelurahan);
          if (!area) throw new UsageError(`--kelurahan: no kelurahan known as "${opts.kelurahan}" (use its Kemendagri code, e.g. 36.74.01.1001, or its name)`);
          if (area.level !== 'kelurahan') throw new UsageError(`--kelurahan: "${opts.kelurahan}" is a kecamatan; name one of its kelurahan`);
          areaCode = area.code;
        }
        const site = await addSite(db, {
          code: opts.code,
          name: opts.name,
          areaCode,
          category: opts.category,
          loginMethods: opts.loginMethods,
          planName: opts.plan,
          hotspotHost: opts.hotspotHost,
        }).catch(rethrowAsUsage);
        process.stdout.write(
          `site added: ${formatFields([
            ['code', site.code],
            ['name', opts.name],
            ['kelurahan', areaCode ?? '-'],
            ['login-methods', (opts.loginMethods ?? LOGIN_METHODS).join(',')],
            ['plan', opts.plan ?? '-'],
            ['hotspot-host', opts.hotspotHost ?? '-'],
          ])}\n`,
        );
      });
    });
}

// ---------------------------------------------------------------------------------------------
// sites import FILE.csv

const REQUIRED_COLUMNS = ['code', 'name', 'kelurahan', 'router_host'] as const;
const OPTIONAL_COLUMNS = [
  'lat', 'lon', 'category', 'router_port', 'router_user', 'router_password', 'router_tls', 'installed_on', 'commissioned_on', 'nas_address',
] as const;
type OptionalColumn = (typeof OPTIONAL_COLUMNS)[number];

export interface RowProblem {
  line: number;
  column: string;
  why: string;
}

const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const HOST_PATTERN = /^[A-Za-z0-9.-]+$|^[0-9A-Fa-f:]+$/;
const CONTROL = /\p{Cc}/u;

function parseDay(text: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) ? text : null;
}

const TRUE_WORDS = ['true', 'yes', '1', 'y'];
const FALSE_WORDS = ['false', 'no', '0', 'n'];

/**
 * Reads and checks a site file: every problem found (line, column, why), or the sites to write.
 * Kelurahan are resolved with findArea (code, name or alias), once per distinct text.
 */
export async function readSiteFile(
  db: Db,
  box: SecretBox,
  text: string,
): Promise<{ problems: RowProblem[]; sites: ImportedSite[]; columns: Array<keyof ImportedSite> }> {
  const problems: RowProblem[] = [];
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parseCsv(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (error) {
    const e = error as Error & { lines?: number };
    return { problems: [{ line: e.lines ?? 1, column: '-', why: `not readable as CSV: ${e.message}` }], sites: [], columns: [] };
  }
  if (records.length === 0) return { problems: [{ line: 1, column: '-', why: 'the file is empty (expected a header line)' }], sites: [], columns: [] };
  const header = records[0].record.map((h) => h.toLowerCase());
  const headerLine = records[0].info.lines;
  const known = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);
  for (const column of header) {
    if (!known.has(column)) problems.push({ line: headerLine, column, why: `unknown column (known: ${[...known].join(', ')})` });
  }
  for (const column of REQUIRED_COLUMNS) {
    if (!header.includes(column)) problems.push({ line: headerLine, column, why: 'required column missing' });
  }
  const seen = new Set<string>();
  for (const column of header) {
    if (seen.has(column)) problems.push({ line: headerLine, column, why: 'column named twice' });
    seen.add(column);
  }
  if (problems.length) return { problems, sites: [], columns: [] };
  // in the file's order, so a row's problems read left to right
  const present = header.filter((c): c is OptionalColumn => (OPTIONAL_COLUMNS as readonly string[]).includes(c));

  const areaCache = new Map<string, AreaRecord | undefined>();
  const lookUpArea = async (name: string) => {
    const key = name.trim().toLowerCase();
    if (!areaCache.has(key)) areaCache.set(key, await findArea(db, name));
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
    const bad = (column: string, why: string) => problems.push({ line, column, why });
    if (record.length !== header.length) bad('-', `${record.length} fields where the header has ${header.length}`);

    const code = cell('code');
    if (code === '') bad('code', 'required');
    else if (code.length > 40 || !CODE_PATTERN.test(code)) bad('code', `"${code}": at most 40 letters, digits, dot, dash and underscore`);
    else if (codesSeen.has(code.toLowerCase())) bad('code', `"${code}" is already on line ${codesSeen.get(code.toLowerCase())}`);
    else codesSeen.set(code.toLowerCase(), line);

    const name = cell('name');
    if (name === '') bad('name', 'required');
    else if (name.length > 120 || CONTROL.test(name)) bad('name', 'at most 120 characters, no control characters');

    const kelurahan = cell('kelurahan');
    let areaCode = '';
    if (kelurahan === '') bad('kelurahan', 'required');
    else {
      const area = await lookUpArea(kelurahan);
      if (!area) bad('kelurahan', `no kelurahan known as "${kelurahan}" (use its Kemendagri code, e.g. 36.74.01.1001, or its name)`);
      else if (area.level !== 'kelurahan') bad('kelurahan', `"${kelurahan}" is a kecamatan; name one of its kelurahan`);
      else areaCode = area.code;
    }

    const host = cell('router_host');
    if (host === '') bad('router_host', 'required');
    else if (host.length > 253 || !HOST_PATTERN.test(host)) bad('router_host', `"${host}" is not a host name or IP address`);

    const site: ImportedSite = { code, name, area_code: areaCode, router_host: host };
    for (const column of present) {
      const value = cell(column);
      setOptional(site, column, value, box, (why) => bad(column, why), (address) => nasWanted.push({ line, address }));
    }
    if (site.installed_on && site.commissioned_on && site.commissioned_on < site.installed_on) {
      bad('commissioned_on', `${site.commissioned_on} is before installed_on ${site.installed_on}`);
    }
    sites.push(site);
  }
  if (nasWanted.length) {
    const knownNas = await findKnownNasAddresses(db, [...new Set(nasWanted.map((n) => n.address))]);
    for (const { line, address } of nasWanted) {
      if (!knownNas.has(address)) problems.push({ line, column: 'nas_address', why: `no NAS with address ${address} (add it first with \`citywifi nas add\`)` });
    }
  }
  if (records.length === 1) problems.push({ line: headerLine, column: '-', why: 'no sites under the header' });
  problems.sort((a, b) => a.line - b.line);
  const columns = present.map((c): keyof ImportedSite => (c === 'router_password' ? 'router_password_enc' : c));
  return { problems, sites, columns };
}

function setOptional(
  site: ImportedSite,
  column: OptionalColumn,
  value: string,
  box: SecretBox,
  bad: (why: string) => void,
  wantNas: (address: string) => void,
): void {
  switch (column) {
    case 'lat':
    case 'lon': {
      if (value === '') return void (site[column] = null);
      const n = Number(value);
      const limit = column === 'lat' ? 90 : 180;
      if (!/^-?\d+(\.\d+)?$/.test(value) || Math.abs(n) > limit) return bad(`"${value}" is not a ${column === 'lat' ? 'latitude' : 'longitude'} (decimal degrees, -${limit} to ${limit})`);
      site[column] = n;
      return;
    }
    case 'category':
      if (value.length > 40 || CONTROL.test(value)) return bad('at most 40 characters');
      site.category = value === '' ? 'other' : value.toLowerCase();
      return;
    case 'router_port': {
      if (value === '') return void (site.router_port = null);
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < 1 || n > 65535) return bad(`"${value}" is not a port (1 to 65535)`);
      site.router_port = n;
      return;
    }
    case 'router_user':
      if (value.length > 64 || CONTROL.test(value)) return bad('at most 64 characters, no control characters');
      site.router_user = value === '' ? null : value;
      return;
    case 'router_password':
      // never echoed back: a report names the column, not the value
      if (value.length > 128 || CONTROL.test(value)) return bad('at most 128 characters, no control characters');
      site.router_password_enc = value === '' ? null : box.encrypt(value);
      return;
    case 'router_tls': {
      const v = value.toLowerCase();
      if (v === '' || FALSE_WORDS.includes(v)) return void (site.router_tls = false);
      if (TRUE_WORDS.includes(v)) return void (site.router_tls = true);
      return bad(`"${value}" is not yes or no (true/false, 1/0 also do)`);
    }
    case 'installed_on':
    case 'commissioned_on': {
      if (value === '') return void (site[column] = null);
      const day = parseDay(value);
      if (!day) return bad(`"${value}" is not a date (YYYY-MM-DD)`);
      site[column] = day;
      return;
    }
    case 'nas_address': {
      if (value === '') return void (site.nas_address = null);
      const address = parseAddressOrCidr(value);
      if (!address || address.includes('/')) return bad(`"${value}" is not an IP address`);
      site.nas_address = address;
      wantNas(address);
      return;
    }
  }
}

/** A progress bar on stderr when it is a terminal (cli-progress); silent when output goes to a file or a pipe. */
function progressReporter(total: number): { update(done: number): void; end(): void } {
  if (!process.stderr.isTTY) return { update() {}, end() {} };
  const bar = new SingleBar(
    { format: 'importing sites [{bar}] {percentage}% {value}/{total}', stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update(done) {
      bar.update(done);
    },
    end() {
      bar.stop();
    },
  };
}

function registerImport(sites: Command): void {
  sites
    .command('import')
    .description('insert or update sites by code from a CSV file, all or nothing; on a terminal, a progress bar on stderr')
    .argument('<file>', `CSV with a header: ${REQUIRED_COLUMNS.join(',')} required; ${OPTIONAL_COLUMNS.join(',')} optional`)
    .action(async (file: string) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new UsageError(`sites import: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      await withContext(async ({ db, box }) => {
        const { problems, sites: rows, columns } = await readSiteFile(db, box, text);
        if (problems.length) {
          const badRows = new Set(problems.map((p) => p.line)).size;
          for (const p of problems) process.stderr.write(`${file}: line ${p.line}, column ${p.column}: ${p.why}\n`);
          throw new UsageError(`sites import: ${badRows} bad ${badRows === 1 ? 'row' : 'rows'} in ${file}; nothing was changed`);
        }
        const existing = await findExistingSiteCodes(db, rows.map((r) => r.code));
        const progress = progressReporter(rows.length);
        try {
          await withTransaction(db, (tx) => upsertSites(tx, rows, columns, new Date(), (done) => progress.update(done)));
        } finally {
          progress.end();
        }
        const updated = rows.filter((r) => existing.has(r.code)).length;
        process.stdout.write(
          `sites imported: ${formatFields([
            ['file', file],
            ['inserted', String(rows.length - updated)],
            ['updated', String(updated)],
          ])}\n`,
        );
      });
    });
}

// ---------------------------------------------------------------------------------------------
// sites status [--json]

function ago(iso: string | null, now: number): string {
  if (!iso) return '-';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return s < 120 ? `${s}s ago` : s < 7200 ? `${Math.round(s / 60)}m ago` : s < 172800 ? `${Math.round(s / 3600)}h ago` : `${Math.round(s / 86400)}d ago`;
}

function registerStatus(sites: Command): void {
  sites
    .command('status')
    .description('the state of every site as the controllers last saw it')
    .option('--json', 'a JSON array, one object per site: code, state, since, last_poll_at, cpu_load, active_users, uptime_seconds, version, board, rtt_ms, last_error')
    .action(async (opts: { json?: boolean }) => {
      await withContext(async ({ db }) => {
        const rows = await listSiteStatus(db);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        const now = Date.now();
        const show = (v: number | string | null) => (v === null ? '-' : String(v));
        process.stdout.write(
          formatTable(
            ['CODE', 'STATE', 'SINCE', 'LAST POLL', 'CPU%', 'USERS', 'UPTIME', 'VERSION', 'BOARD', 'RTT MS', 'LAST ERROR'],
            rows.map((r) => [
              r.code, r.state, ago(r.since, now), ago(r.last_poll_at, now), show(r.cpu_load), show(r.active_users),
              r.uptime_seconds === null ? '-' : `${Math.floor(r.uptime_seconds / 86400)}d${Math.floor((r.uptime_seconds % 86400) / 3600)}h`,
              show(r.version), show(r.board), show(r.rtt_ms), show(r.last_error),
            ]),
          ),
        );
      });
    });
}

export function registerSites(program: Command): void {
  const sites = program.command('sites').description('the places with a hotspot');
  registerAdd(sites);
  registerImport(sites);
  registerStatus(sites);
}
