import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { disableHeartbeat, enableHeartbeat } from '../core/db/queries/site-heartbeats.js';
import { heartbeatEverySeconds, heartbeatScript, routerOsDuration } from '../controller/heartbeat-script.js';
import { UsageError, withContext } from './context.js';
import { parsedBy } from './options.js';

/**
 * `citywifi sites heartbeat CODE [--url URL] [--off]`: a site behind NAT, which no controller can
 * reach, posts heartbeats instead of being polled. Prints a new token once, with the RouterOS
 * script that uses it; only the token's keyed hash is kept.
 */

const UNREACHABLE_HOSTS = new Set(['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost']);

const urlArg = parsedBy('--url', (text) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: `"${text}" is not a URL (e.g. https://controller.example.go.id/heartbeat)` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'must be an http:// or https:// URL' };
  if (url.username || url.password) return { ok: false, reason: 'must not hold a user name or password (the token goes in a header)' };
  if (text.length > 300 || /[\p{Cc}\s]/u.test(text)) return { ok: false, reason: 'at most 300 characters, no spaces or control characters' };
  return { ok: true, value: url.toString() };
});

/** A token a RouterOS string and an HTTP header carry as is: letters, digits, - and _. */
function newToken(): string {
  return `cwhb_${randomBytes(32).toString('base64url')}`;
}

export function registerHeartbeat(sites: Command): void {
  sites
    .command('heartbeat')
    .description('watch a site behind NAT by the heartbeats its router posts: prints a new token once, with the RouterOS script to paste')
    .argument('<code>', 'the site code')
    .option('--url <url>', 'the heartbeat URL as routers reach it (default http://CONTROLLER_HTTP_HOST:CONTROLLER_HTTP_PORT/heartbeat)', urlArg)
    .option('--off', 'back to polling the router\'s API; the token stops working')
    .action(async (code: string, opts: { url?: string; off?: boolean }) => {
      await withContext(async ({ db, box, config }) => {
        if (opts.off) {
          const site = await disableHeartbeat(db, code);
          if (!site) throw new UsageError(`no site with code "${code}"`);
          process.stdout.write(`heartbeat off: code=${site.code}; the controller polls its router's API again\n`);
          if (!site.hasRouter) process.stderr.write(`note: ${site.code} has no router address, so no controller watches it until one is set (sites import)\n`);
          return;
        }
        const { httpHost, httpPort, intervalSeconds } = config.controller;
        if (!opts.url && UNREACHABLE_HOSTS.has(httpHost)) {
          throw new UsageError(
            `--url is needed: CONTROLLER_HTTP_HOST is ${httpHost}, which a router cannot reach; pass the address routers reach, e.g. --url https://controller.example.go.id/heartbeat`,
          );
        }
        const url = opts.url ?? `http://${httpHost.includes(':') ? `[${httpHost}]` : httpHost}:${httpPort}/heartbeat`;
        const token = newToken();
        const site = await enableHeartbeat(db, code, box.keyedHash(token));
        if (!site) throw new UsageError(`no site with code "${code}"`);
        const every = heartbeatEverySeconds(intervalSeconds);
        process.stdout.write(
          [
            `# heartbeat on for site ${site.code}: its router posts to ${url} every ${routerOsDuration(every)}`,
            `# token (shown only now; citywifi keeps only its hash; running this again replaces it): ${token}`,
            '# paste the lines below into the router\'s terminal (RouterOS 6.49 or 7), or save them as a .rsc file and /import it',
            heartbeatScript({ siteCode: site.code, url, token, everySeconds: every }),
          ].join('\n'),
        );
        if (!site.commissioned) {
          process.stderr.write(`note: ${site.code} is not commissioned yet (no commissioned_on), so no controller watches it until it is (sites import)\n`);
        }
        if (url.startsWith('http:')) {
          process.stderr.write('note: over http:// the token crosses the network in clear; put the listener behind https (a reverse proxy) for routers on the internet\n');
        }
      });
    });
}
