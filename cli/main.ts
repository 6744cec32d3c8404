#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { CONFIG_VARIABLES } from '../core/config.js';
import { registerAdmin } from './admin.js';
import { exitOnError } from './context.js';
import { registerDashboard } from './dashboard.js';
import { registerDemo } from './demo.js';
import { registerController } from './controller.js';
import { registerHousekeeping } from './housekeeping.js';
import { registerMigrate } from './migrate.js';
import { registerNas } from './nas.js';
import { registerPlans } from './plans.js';
import { registerPortal } from './portal.js';
import { registerRadius } from './radius.js';
import { registerSessions } from './sessions.js';
import { registerSim } from './sim.js';
import { registerSites } from './sites.js';
import { registerStart } from './start.js';
import { registerUsers } from './users.js';
import { registerVouchers } from './vouchers.js';

const program = new Command();
program
  .name('citywifi')
  .description('A city\'s public Wi-Fi: RADIUS, captive portal, MikroTik fleet controller and dashboard.')
  .addHelpText('after', `\nConfiguration (environment variables):\n${CONFIG_VARIABLES.map(([n, d]) => `  ${n.padEnd(32)} ${d}`).join('\n')}\n`)
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(`citywifi: ${text.replace(/^error: /, '')}`) });

registerMigrate(program);
registerNas(program);
registerPlans(program);
registerUsers(program);
registerAdmin(program);
registerDashboard(program);
registerVouchers(program);
registerSessions(program);
registerRadius(program);
registerStart(program);
registerDemo(program);
registerPortal(program);
registerSites(program);
registerSim(program);
registerController(program);
registerHousekeeping(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; a bad argument has been reported in one line.
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  exitOnError(error);
}
