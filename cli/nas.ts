import { Option, type Command } from 'commander';
import { addNas, listNas, removeNas, type NasRecord } from '../core/db/queries/nas.js';
import { UsageError, withContext } from './context.js';
import { addressArg, formatFields, formatTable, rethrowAsUsage, textOf, wholeNumberIn, yesNo } from './options.js';

interface AddOptions {
  name: string;
  address: string;
  secret: string;
  site?: string;
  identifier?: string;
  coaPort: number;
  requireMessageAuthenticator: boolean;
}

function describe(nas: NasRecord): string {
  return formatFields([
    ['name', nas.name],
    ['address', nas.address],
    ['site', nas.siteCode ?? '-'],
    ['identifier', nas.nasIdentifier ?? '-'],
    ['coa-port', String(nas.coaPort)],
    ['require-message-authenticator', yesNo(nas.requireMessageAuthenticator)],
  ]);
}

/** What list shows and prints as JSON: never the secret, not even encrypted. */
function toListed(nas: NasRecord) {
  return {
    name: nas.name,
    address: nas.address,
    site: nas.siteCode,
    identifier: nas.nasIdentifier,
    coaPort: nas.coaPort,
    requireMessageAuthenticator: nas.requireMessageAuthenticator,
    updatedAt: nas.updatedAt.toISOString(),
  };
}

function registerAdd(nas: Command): void {
  nas
    .command('add')
    .description('register a RADIUS client (a router); the shared secret is stored encrypted')
    .requiredOption('--name <name>', 'a unique name for the router', textOf('--name', 64))
    .requiredOption('--address <ip-or-cidr>', 'the source address of its RADIUS packets: an IPv4/IPv6 address or a CIDR network', addressArg)
    .requiredOption('--secret <secret>', 'the RADIUS shared secret configured on the router', textOf('--secret', 128))
    .option('--site <code>', 'the code of the site this router serves')
    .option('--identifier <nas-identifier>', 'the NAS-Identifier the router sends (its /system identity)', textOf('--identifier', 253))
    .addOption(
      new Option('--coa-port <port>', 'the router\'s /radius incoming port for CoA and Disconnect (1700 on old RouterOS)')
        .default(3799)
        .argParser(wholeNumberIn('--coa-port', 1, 65535)),
    )
    .option(
      '--no-require-message-authenticator',
      'accept Access-Requests without a Message-Authenticator (only for RouterOS older than 7.15; weakens protection against BlastRADIUS)',
    )
    .action(async (opts: AddOptions) => {
      await withContext(async ({ db, box }) => {
        const added = await addNas(db, box, {
          name: opts.name,
          address: opts.address,
          secret: opts.secret,
          siteCode: opts.site,
          nasIdentifier: opts.identifier,
          coaPort: opts.coaPort,
          requireMessageAuthenticator: opts.requireMessageAuthenticator,
        }).catch(rethrowAsUsage);
        process.stdout.write(`nas added: ${describe(added)}\n`);
      });
    });
}

function registerList(nas: Command): void {
  nas
    .command('list')
    .description('list the RADIUS clients (secrets are never shown)')
    .option('--json', 'print a JSON array instead of a table')
    .action(async (opts: { json?: boolean }) => {
      await withContext(async ({ db }) => {
        const listed = (await listNas(db)).map(toListed);
        if (opts.json) {
          process.stdout.write(JSON.stringify(listed, null, 2) + '\n');
          return;
        }
        const rows = listed.map((n) => [
          n.name, n.address, n.site ?? '-', n.identifier ?? '-', String(n.coaPort), yesNo(n.requireMessageAuthenticator),
        ]);
        process.stdout.write(
          rows.length ? formatTable(['NAME', 'ADDRESS', 'SITE', 'IDENTIFIER', 'COA-PORT', 'REQUIRE-MA'], rows) : 'no NAS registered\n',
        );
      });
    });
}

function registerRemove(nas: Command): void {
  nas
    .command('remove')
    .description('remove a RADIUS client; the RADIUS server stops answering it')
    .requiredOption('--name <name>', 'the name of the router')
    .action(async (opts: { name: string }) => {
      await withContext(async ({ db }) => {
        if (!(await removeNas(db, opts.name))) throw new UsageError(`no NAS named "${opts.name}"`);
        process.stdout.write(`nas removed: ${formatFields([['name', opts.name]])}\n`);
      });
    });
}

export function registerNas(program: Command): void {
  const nas = program.command('nas').description('manage RADIUS clients (the routers that send RADIUS requests)');
  registerAdd(nas);
  registerList(nas);
  registerRemove(nas);
}
