import type { Command } from 'commander';
import { addAccount } from '../core/db/queries/accounts.js';
import { normalizeMac } from '../core/domain/mac.js';
import { UsageError, withContext } from './context.js';
import { formatFields, rethrowAsUsage, textOf } from './options.js';

// What a router sends as User-Name and PAP can carry: printable ASCII without spaces.
const USERNAME = { pattern: /^[\x21-\x7e]+$/, description: 'printable ASCII without spaces' };

function registerAdd(users: Command): void {
  users
    .command('add')
    .description('add a named account (staff, tests) on a plan; the password is stored encrypted, as CHAP needs it')
    .requiredOption('--username <username>', 'the login name: printable ASCII, no spaces', textOf('--username', 64, USERNAME))
    .requiredOption('--password <password>', 'the password (at most 128 characters, as PAP allows)', textOf('--password', 128))
    .requiredOption('--plan <name>', 'the name of an existing plan')
    .action(async (opts: { username: string; password: string; plan: string }) => {
      // The RADIUS server reads these shapes as other kinds of login.
      if (opts.username.toLowerCase().startsWith('cw-')) throw new UsageError('--username: names starting with "cw-" are kept for the portal\'s one-time logins');
      if (normalizeMac(opts.username)) throw new UsageError('--username: a MAC address is read as a device login; choose another name');
      await withContext(async ({ db, box }) => {
        const account = await addAccount(db, box, {
          username: opts.username,
          password: opts.password,
          planName: opts.plan,
        }).catch(rethrowAsUsage);
        process.stdout.write(`user added: ${formatFields([['username', account.username], ['plan', opts.plan]])}\n`);
      });
    });
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description('manage named accounts (staff, tests)');
  registerAdd(users);
}
