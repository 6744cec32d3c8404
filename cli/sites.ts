import type { Command } from 'commander';
import { findArea } from '../core/db/queries/areas.js';
import { addSite } from '../core/db/queries/sites.js';
import { withContext, UsageError } from './context.js';
import { formatFields, parsedBy, rethrowAsUsage, textOf } from './options.js';

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

export function registerSites(program: Command): void {
  const sites = program.command('sites').description('the places with a hotspot');
  registerAdd(sites);
}
