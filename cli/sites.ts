import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { withTransaction } from '../core/db/index.js';
import { findArea } from '../core/db/queries/areas.js';
import { findExistingSiteCodes, readSiteFile, upsertSites } from '../core/db/queries/site-import.js';
import { listSiteStatus } from '../core/db/queries/site-status.js';
import { addSite } from '../core/db/queries/sites.js';
import { describeSiteFileProblem, OPTIONAL_SITE_COLUMNS, REQUIRED_SITE_COLUMNS } from '../core/domain/site-file.js';
import { withContext, UsageError } from './context.js';
import { registerHeartbeat } from './sites-heartbeat.js';
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
    .argument('<file>', `CSV with a header: ${REQUIRED_SITE_COLUMNS.join(',')} required; ${OPTIONAL_SITE_COLUMNS.join(',')} optional`)
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
          for (const p of problems) process.stderr.write(`${file}: line ${p.line}, column ${p.column}: ${describeSiteFileProblem(p)}\n`);
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
  registerHeartbeat(sites);
}
