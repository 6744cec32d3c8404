import type { HotspotClient } from './clients.js';
import { toOctalEscapes } from './octal.js';
import type { PageVariables } from './template.js';

/** Where the emulated router answers and who it is. */
export interface RouterAddress {
  /** http://host:port, without a trailing slash */
  origin: string;
  identity: string;
  serverName: string;
}

export interface PageContext {
  /** The URL the client first asked for (link-orig), or empty. */
  linkOrig?: string;
  /** Where alogin.html sends the client (link-redirect). */
  linkRedirect?: string;
  error?: string;
  username?: string;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** RouterOS's duration form, e.g. 1h2m3s. */
function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

/** The variables the router puts into its servlet pages for this client (§A.2). */
export function pageVariables(router: RouterAddress, client: HotspotClient, context: PageContext, now: Date): PageVariables {
  const linkLoginOnly = `${router.origin}/login`;
  const linkOrig = context.linkOrig ?? '';
  const session = client.session;
  const uptime = session ? (now.getTime() - session.startedAt.getTime()) / 1000 : 0;
  const host = new URL(router.origin).host;
  return {
    mac: client.mac,
    ip: client.ip,
    username: context.username ?? session?.username ?? '',
    identity: router.identity,
    'server-name': router.serverName,
    hostname: new URL(router.origin).hostname,
    'server-address': host,
    'link-login-only': linkLoginOnly,
    'link-login': linkOrig ? `${linkLoginOnly}?dst=${encodeURIComponent(linkOrig)}` : linkLoginOnly,
    'link-logout': `${router.origin}/logout`,
    'link-status': `${router.origin}/status`,
    'link-orig': linkOrig,
    'link-redirect': context.linkRedirect ?? linkOrig,
    'chap-id': client.chap ? toOctalEscapes(Buffer.of(client.chap.id)) : '',
    'chap-challenge': client.chap ? toOctalEscapes(client.chap.challenge) : '',
    error: context.error ?? '',
    'error-orig': context.error ?? '',
    popup: 'true',
    'logged-in': session ? 'yes' : 'no',
    'login-by': session?.loginBy ?? '',
    'plain-passwd': 'yes',
    'ssl-login': 'no',
    uptime: formatDuration(uptime),
    'session-time-left': session?.sessionTimeout ? formatDuration(session.sessionTimeout - uptime) : '',
    'bytes-in-nice': formatBytes(session?.inputOctets ?? 0),
    'bytes-out-nice': formatBytes(session?.outputOctets ?? 0),
  };
}
