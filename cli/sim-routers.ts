import { Option, type Command } from 'commander';
import { describeFaults, FAULT_KINDS, MAX_FLEET_SIZE, parseFaultShares, startRouterFleet, type FaultShares } from '../sim/routeros/index.js';
import { formatFields, parsedBy, textOf, wholeNumberIn } from './options.js';

interface RoutersFlags {
  count: number;
  basePort: number;
  faults: FaultShares;
  seed: number;
  manifest?: string;
  user: string;
  password: string;
  splitWrites: boolean;
  host: string;
}

const faultsArg = parsedBy('--faults', parseFaultShares);

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** `citywifi sim routers`: an emulated RouterOS fleet on loopback (sim/routeros/index.ts documents what the routers answer). */
export function registerSimRouters(sim: Command): void {
  sim
    .command('routers')
    .description('an emulated fleet of MikroTik routers speaking the RouterOS API, router i on --base-port + i, some of them faulty')
    .requiredOption('--count <n>', `how many routers (1 to ${MAX_FLEET_SIZE})`, wholeNumberIn('--count', 1, MAX_FLEET_SIZE))
    .requiredOption('--base-port <port>', 'the first router\'s port (0: free ports the system picks, see the manifest)', wholeNumberIn('--base-port', 0, 65535))
    .addOption(
      new Option('--faults <list>', `faulty routers as kind=percent or kind=#count, e.g. dead=5,silent=3,slow=#2 (kinds: ${FAULT_KINDS.join(', ')})`)
        .default({}, 'none')
        .argParser(faultsArg),
    )
    .addOption(new Option('--seed <n>', 'picks versions, boards, faulty routers and values').default(1).argParser(wholeNumberIn('--seed', 0, 2 ** 31 - 1)))
    .option('--manifest <file>', 'write what each router is and will answer as JSON')
    .option('--user <name>', 'the API user the routers accept', textOf('--user', 64), 'admin')
    .option('--password <password>', 'its password (wrong-credentials routers accept another)', (text: string) => text, 'citywifi')
    .option('--split-writes', 'every router writes each byte of its replies separately')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .action(async (flags: RoutersFlags) => {
      const fleet = await startRouterFleet({
        count: flags.count,
        basePort: flags.basePort,
        host: flags.host,
        seed: flags.seed,
        faults: flags.faults,
        credentials: { user: flags.user, password: flags.password },
        splitWrites: flags.splitWrites ? 'byte' : undefined,
      });
      if (flags.manifest) await fleet.writeManifest(flags.manifest);
      const ports = fleet.routers.map((r) => r.port);
      process.stdout.write(
        `routers listening: ${formatFields([
          ['count', String(flags.count)],
          ['host', fleet.host],
          ['ports', `${Math.min(...ports)}..${Math.max(...ports)}`],
          ['faults', describeFaults(fleet.routers.map((r) => r.fault)) || 'none'],
          ['seed', String(flags.seed)],
          ['manifest', flags.manifest ?? '-'],
        ])}\n`,
      );
      await waitForSignal();
      await fleet.close();
    });
}
