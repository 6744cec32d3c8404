import type { Command } from 'commander';
import { hashPassword } from '../core/crypto.js';
import { withTransaction } from '../core/db/index.js';
import { replaceAdminPassword } from '../core/db/queries/admin-passwords.js';
import { addAdmin, findAdminForSignIn } from '../core/db/queries/admins.js';
import { issueApiToken, listApiTokens, revokeApiToken } from '../core/db/queries/api-tokens.js';
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
    .description('make an API token for a machine (Authorization: Bearer …), printed once and kept only as a hash; or revoke one')
    .option('--name <name>', 'what the token is for, e.g. satu-data-sync', textOf('--name', 64, TOKEN_NAME))
    .option('--role <roles>', 'admin, engineer or reporter, or several joined by commas', rolesArg)
    .option('--revoke <name>', 'revoke the token of this name: it stops working at once', textOf('--revoke', 64, TOKEN_NAME))
    .action(async (opts: { name?: string; role?: AdminRole[]; revoke?: string }) => {
      if (opts.revoke !== undefined) {
        if (opts.name !== undefined || opts.role !== undefined) throw new UsageError('--revoke: give it alone, without --name or --role');
        return revokeToken(opts.revoke);
      }
      if (opts.name === undefined) throw new UsageError("required option '--name <name>' not specified (or --revoke <name> to revoke a token)");
      if (opts.role === undefined) throw new UsageError("required option '--role <roles>' not specified");
      const { name, role } = opts;
      await withContext(async ({ db, box }) => {
        const issued = await withTransaction(db, async (tx) => {
          const now = new Date();
          const made = await issueApiToken(tx, box, { name, roles: role, createdBy: CLI_ACTOR, now });
          await recordAudit(tx, { actor: CLI_ACTOR, action: 'api-token-add', target: made.record.name, details: { roles: made.record.roles }, at: now });
          return made;
        }).catch(rethrowAsUsage);
        process.stdout.write(`${issued.token}\n`);
        process.stderr.write(`API token "${issued.record.name}" (${issued.record.roles.join(',')}) made: it is shown only this once, keep it safe.\n`);
      });
    });
}

/** `admin token --revoke NAME`: the token stops working at once; an unknown or already revoked name is refused. */
async function revokeToken(name: string): Promise<void> {
  await withContext(async ({ db }) => {
    const token = (await listApiTokens(db)).find((t) => t.name === name);
    if (!token) throw new UsageError(`--revoke: there is no API token named "${name}"`);
    if (token.revokedAt) throw new UsageError(`--revoke: the API token "${name}" was already revoked on ${token.revokedAt.toISOString()}`);
    const revoked = await withTransaction(db, async (tx) => {
      const now = new Date();
      const record = await revokeApiToken(tx, token.id, now);
      if (record) await recordAudit(tx, { actor: CLI_ACTOR, action: 'api-token-revoke', target: record.name, at: now });
      return record;
    });
    if (!revoked) throw new UsageError(`--revoke: the API token "${name}" was already revoked`);
    process.stdout.write(`API token revoked: ${formatFields([['name', revoked.name], ['roles', revoked.roles.join(',')]])}\n`);
  });
}

function registerPassword(admin: Command): void {
  admin
    .command('password')
    .description("set a dashboard account's password (the account's sessions end, so it must sign in again)")
    .requiredOption('--username <username>', 'the account', usernameArg)
    .requiredOption('--password <password>', 'at least 12 characters, not the username, not a well-known password')
    .action(async (opts: { username: string; password: string }) => {
      const problem = findPasswordProblem(opts.password, opts.username);
      if (problem) throw new UsageError(`--password: ${describePasswordProblem(problem)}`);
      const passwordHash = await hashPassword(opts.password);
      await withContext(async ({ db, box }) => {
        const account = await findAdminForSignIn(db, opts.username);
        if (!account) throw new UsageError(`--username: there is no admin account named "${opts.username}"`);
        const ended = await withTransaction(db, async (tx) => {
          const count = (await replaceAdminPassword(tx, box, { adminId: account.id, passwordHash })) ?? 0;
          await recordAudit(tx, { actor: CLI_ACTOR, action: 'admin-password-set', target: account.username, details: { sessionsEnded: count }, at: new Date() });
          return count;
        });
        process.stdout.write(`password set: ${formatFields([['username', account.username], ['sessions_ended', String(ended)]])}\n`);
      });
    });
}

export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description('dashboard accounts, their passwords and API tokens');
  registerAdd(admin);
  registerToken(admin);
  registerPassword(admin);
}
