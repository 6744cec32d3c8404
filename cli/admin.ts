import type { Command } from 'commander';
import { hashPassword } from '../core/crypto.js';
import { withTransaction } from '../core/db/index.js';
import { addAdmin } from '../core/db/queries/admins.js';
import { issueApiToken } from '../core/db/queries/api-tokens.js';
import { recordAudit } from '../core/db/queries/audit.js';
import { describePasswordProblem, findPasswordProblem } from '../core/domain/admin-password.js';
import { parseRoles, type AdminRole } from '../core/domain/admin-roles.js';
import { findUsernameProblem, normalizeUsername } from '../core/domain/admin-username.js';
import { UsageError, withContext } from './context.js';
import { formatFields, parsedBy, rethrowAsUsage, textOf } from './options.js';

/** The actor of changes made with the command line, in the audit log. */
const CLI_ACTOR = 'cli';

const rolesArg = parsedBy('--role', parseRoles);

const usernameArg = parsedBy('--username', (text) => {
  const username = normalizeUsername(text);
  const problem = findUsernameProblem(username);
  return problem ? { ok: false, reason: problem } : { ok: true, value: username };
});

const TOKEN_NAME = { pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/, description: 'letters, digits, ".", "-" and "_"' };

function registerAdd(admin: Command): void {
  admin
    .command('add')
    .description('add a dashboard account; the password is kept only as an argon2id hash')
    .requiredOption('--username <username>', 'the sign-in name: 3 to 64 lower-case letters, digits, ".", "-" or "_"', usernameArg)
    .requiredOption('--password <password>', 'at least 12 characters, not the username, not a well-known password')
    .requiredOption('--role <roles>', 'admin, engineer or reporter, or several joined by commas (admin,engineer)', rolesArg)
    .action(async (opts: { username: string; password: string; role: AdminRole[] }) => {
      const problem = findPasswordProblem(opts.password, opts.username);
      if (problem) throw new UsageError(`--password: ${describePasswordProblem(problem)}`);
      const passwordHash = await hashPassword(opts.password);
      await withContext(async ({ db }) => {
        const added = await withTransaction(db, async (tx) => {
          const record = await addAdmin(tx, { username: opts.username, passwordHash, roles: opts.role });
          await recordAudit(tx, { actor: CLI_ACTOR, action: 'admin-add', target: record.username, details: { roles: record.roles }, at: new Date() });
          return record;
        }).catch(rethrowAsUsage);
        process.stdout.write(`admin added: ${formatFields([['username', added.username], ['roles', added.roles.join(',')]])}\n`);
      });
    });
}

function registerToken(admin: Command): void {
  admin
    .command('token')
    .description('make an API token for a machine (Authorization: Bearer …); it is printed once and kept only as a hash')
    .requiredOption('--name <name>', 'what the token is for, e.g. satu-data-sync', textOf('--name', 64, TOKEN_NAME))
    .requiredOption('--role <roles>', 'admin, engineer or reporter, or several joined by commas', rolesArg)
    .action(async (opts: { name: string; role: AdminRole[] }) => {
      await withContext(async ({ db, box }) => {
        const issued = await withTransaction(db, async (tx) => {
          const now = new Date();
          const made = await issueApiToken(tx, box, { name: opts.name, roles: opts.role, createdBy: CLI_ACTOR, now });
          await recordAudit(tx, { actor: CLI_ACTOR, action: 'api-token-add', target: made.record.name, details: { roles: made.record.roles }, at: now });
          return made;
        }).catch(rethrowAsUsage);
        process.stdout.write(`${issued.token}\n`);
        process.stderr.write(`API token "${issued.record.name}" (${issued.record.roles.join(',')}) made: it is shown only this once, keep it safe.\n`);
      });
    });
}

export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description('dashboard accounts and API tokens');
  registerAdd(admin);
  registerToken(admin);
}
