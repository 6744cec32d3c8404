import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../core/domain/clock.js';
import type { RadiusReply } from '../../core/radius/index.js';
import type { HotspotClient } from './clients.js';
import { HotspotLogic, type Traffic } from './hotspot.js';
import { BodyTooLargeError } from './http-util.js';
import { HotspotRadius, type RadiusServerAddress } from './radius-nas.js';
import { loadRouterPages } from './router-files.js';

export { MAC_COOKIE, MAC_HEADER, type Traffic } from './hotspot.js';
export type { HotspotClient, HotspotSession } from './clients.js';
export { toOctalEscapes, fromOctalEscapes } from './octal.js';
export { renderPage, escapeForUrl } from './template.js';

export interface HotspotOptions {
  /** The citywifi portal, as the operator writes it on login.html's <base> line. */
  portalUrl: string;
  radius: RadiusServerAddress;
  /** /system identity: NAS-Identifier and $(identity). */
  identity: string;
  /** The hotspot server's name: Called-Station-Id and $(server-name); default hotspot1. */
  serverName?: string;
  /** NAS-IP-Address; default 127.0.0.1. */
  nasIp?: string;
  /** NAS-Port-Id, the hotspot interface; default wlan1. */
  interfaceName?: string;
  host?: string;
  port?: number;
  /** login-by=mac; default true. */
  macLogin?: boolean;
  /** login-by=http-chap; default true. False: the login page has no CHAP values and the portal posts PAP. */
  chap?: boolean;
  clock?: Clock;
  /** Where login.html and its siblings are read from; default portal/router-files. */
  routerFilesDir?: string;
}

export interface Hotspot {
  port: number;
  /** The hotspot's "internet" home page, e.g. http://127.0.0.1:PORT/ (the login page before login). */
  url: string;
  /** $(link-login-only): where the portal's handoff form posts. */
  linkLoginOnly: string;
  /** The clients the hotspot has seen, by MAC (/ip hotspot host and active). */
  clients: ReadonlyMap<string, HotspotClient>;
  /** Interim-Update for the client's session, after adding the traffic to its counters. */
  interim(mac: string, traffic?: Traffic): Promise<RadiusReply>;
  /** Logs the client out with Accounting Stop (cause User-Request unless given); undefined if it was not online. */
  logout(mac: string, terminateCause?: string): Promise<RadiusReply | undefined>;
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** An emulated MikroTik Hotspot for one router, on HTTP (default 127.0.0.1, a free port). */
export async function startHotspot(options: HotspotOptions): Promise<Hotspot> {
  const pages = loadRouterPages(options.portalUrl, options.routerFilesDir);
  const host = options.host ?? '127.0.0.1';
  const server = createServer();
  const port = await listen(server, host, options.port ?? 0);
  const origin = `http://${urlHost(host)}:${port}`;
  const serverName = options.serverName ?? 'hotspot1';
  const radius = new HotspotRadius(options.radius, {
    identity: options.identity,
    serverName,
    nasIp: options.nasIp ?? '127.0.0.1',
    interfaceName: options.interfaceName ?? 'wlan1',
    logoutUrl: `${origin}/logout`,
  });
  const logic = new HotspotLogic({ origin, identity: options.identity, serverName }, pages, radius, {
    macLogin: options.macLogin ?? true,
    chap: options.chap ?? true,
    clock: options.clock ?? systemClock,
  });
  server.on('request', (req, res) => {
    logic.handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return res.destroy();
      const tooLarge = error instanceof BodyTooLargeError;
      res.writeHead(tooLarge ? 413 : 500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(tooLarge ? 'request too large\n' : `hotspot emulator error: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  });
  return {
    port,
    url: `${origin}/`,
    linkLoginOnly: `${origin}/login`,
    clients: logic.clients.all,
    interim: (mac, traffic) => logic.interim(mac, traffic),
    logout: (mac, cause) => logic.logout(mac, cause),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await radius.close();
    },
  };
}
