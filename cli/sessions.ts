import type { Command } from 'commander';
import { findSessionForDisconnect, listSessions } from '../core/db/queries/sessions.js';
import { sendDynamicAuthorization, type ReplyAttribute } from '../core/radius/index.js';
import { UsageError, withContext } from './context.js';

const COLUMNS = ['acct_session_id', 'username', 'nas', 'site', 'mac', 'started_at', 'stopped_at', 'session_time', 'input_octets', 'output_octets', 'terminate_cause'] as const;

export function registerSessions(program: Command): void {
  const sessions = program.command('sessions').description('accounting sessions: list them, or disconnect one at its router');

  sessions
    .command('list')
    .description('the most recent sessions first')
    .option('--active', 'only sessions still open')
    .option('--json', 'one JSON array with the keys ' + COLUMNS.join(', '))
    .option('--limit <n>', 'at most this many (default 1000)')
    .action(async (opts: { active?: boolean; json?: boolean; limit?: string }) => {
      if (opts.limit !== undefined && !/^[1-9]\d{0,6}$/.test(opts.limit)) throw new UsageError(`--limit must be a whole number from 1, not "${opts.limit}"`);
      await withContext(async ({ db }) => {
        const rows = await listSessions(db, { active: opts.active, limit: opts.limit ? Number(opts.limit) : undefined });
        if (opts.json) {
          const out = rows.map((r) => ({ id: r.id, ...Object.fromEntries(COLUMNS.map((c) => [c, r[c]])) }));
          process.stdout.write(JSON.stringify(out, null, 2) + '\n');
          return;
        }
        if (rows.length === 0) {
          process.stdout.write(opts.active ? 'no active sessions\n' : 'no sessions\n');
          return;
        }
        process.stdout.write(['id', ...COLUMNS].join('\t') + '\n');
        for (const r of rows) process.stdout.write([r.id, ...COLUMNS.map((c) => r[c] ?? '')].join('\t') + '\n');
      });
    });

  sessions
    .command('disconnect')
    .description('send a Disconnect-Request (RFC 5176) for the session to its router and report ACK or NAK')
    .argument('<id>', 'the session id (first column of `sessions list`)')
    .option('--timeout <ms>', 'how long to wait for the router (default RADIUS_COA_TIMEOUT_MS)')
    .action(async (id: string, opts: { timeout?: string }) => {
      if (!/^\d{1,15}$/.test(id)) throw new UsageError(`the session id must be a number, not "${id}"`);
      if (opts.timeout !== undefined && !/^\d{1,6}$/.test(opts.timeout)) throw new UsageError(`--timeout must be milliseconds, not "${opts.timeout}"`);
      await withContext(async ({ db, box, config }) => {
        const session = await findSessionForDisconnect(db, Number(id));
        if (!session) throw new UsageError(`no session with id ${id}`);
        if (session.stopped_at) throw new UsageError(`session ${id} has already ended`);
        const host = session.nas_ip ?? (session.nas_address.includes('/') ? undefined : session.nas_address);
        if (!host) throw new UsageError(`the router's address for session ${id} is not known (its NAS is a range)`);
        const attributes: ReplyAttribute[] = [
          ['User-Name', session.username],
          ['Acct-Session-Id', session.acct_session_id],
        ];
        if (session.framed_ip) attributes.push(['Framed-IP-Address', session.framed_ip]);
        if (session.mac) attributes.push(['Calling-Station-Id', session.mac]);
        const answer = await sendDynamicAuthorization({
          host,
          port: session.coa_port,
          secret: box.decrypt(session.secret_enc),
          kind: 'disconnect',
          attributes,
          timeoutMs: opts.timeout ? Number(opts.timeout) : config.radius.coaTimeoutMs,
        });
        if (answer.result === 'ack') {
          process.stdout.write(`disconnected: session ${id} at ${session.nas_name} (${host}:${session.coa_port}) acknowledged\n`);
          return;
        }
        if (answer.result === 'nak') {
          const cause = answer.errorCause ? ` Error-Cause ${answer.errorCause} ${answer.errorCauseName ?? ''}`.trimEnd() : '';
          process.stdout.write(`refused: ${session.nas_name} answered Disconnect-NAK${cause}\n`);
          process.exitCode = 3;
          return;
        }
        process.stdout.write(`no answer: ${session.nas_name} (${host}:${session.coa_port}) did not answer; is /radius incoming accept=yes and the port open?\n`);
        process.exitCode = 4;
      });
    });
}
