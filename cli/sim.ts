import { Option, type Command } from 'commander';
import { startHotspot } from '../sim/hotspot/index.js';
import { formatFields, parsedBy, textOf, wholeNumberIn } from './options.js';
import { registerSimHistory } from './sim-history.js';
import { registerSimRouters } from './sim-routers.js';

interface HotspotFlags {
  portal: string;
  radiusHost: string;
  authPort: number;
  acctPort: number;
  secret: string;
  identity: string;
  serverName: string;
  nasIp: string;
  host: string;
  port: number;
  macLogin: boolean;
  chap: boolean;
}

const httpUrlArg = parsedBy('--portal', (text) => {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return { ok: true, value: url.toString() };
  } catch {
    // reported below
  }
  return { ok: false, reason: `"${text}" is not an http(s) URL (e.g. http://127.0.0.1:8080/)` };
});

function portOption(flag: string, description: string, defaultPort: number, min = 1): Option {
  return new Option(`${flag} <port>`, description).default(defaultPort).argParser(wholeNumberIn(flag, min, 65535));
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

function registerHotspot(sim: Command): void {
  sim
    .command('hotspot')
    .description('an emulated MikroTik Hotspot: sends phones to the portal with the router\'s variables (portal/router-files/login.html), logs them in through RADIUS')
    .requiredOption('--portal <url>', 'the citywifi portal (what the operator writes on login.html\'s <base> line)', httpUrlArg)
    .option('--radius-host <address>', 'the RADIUS server', '127.0.0.1')
    .addOption(portOption('--auth-port', 'its authentication port', 1812))
    .addOption(portOption('--acct-port', 'its accounting port', 1813))
    .requiredOption('--secret <secret>', 'the RADIUS shared secret (as registered with citywifi nas add)', textOf('--secret', 128))
    .requiredOption('--identity <identity>', 'the router\'s /system identity (NAS-Identifier, the portal finds the site by it)', textOf('--identity', 253))
    .option('--server-name <name>', 'the hotspot server name (Called-Station-Id)', 'hotspot1')
    .option('--nas-ip <address>', 'NAS-IP-Address', '127.0.0.1')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .addOption(portOption('--port', 'port to listen on (0: any free port)', 0, 0))
    .option('--no-mac-login', 'do not try MAC login (login-by=mac) for new clients')
    .option('--no-chap', 'login pages carry no CHAP values, so the portal posts the password in clear (login-by=http-pap)')
    .action(async (flags: HotspotFlags) => {
      const hotspot = await startHotspot({
        portalUrl: flags.portal,
        radius: { host: flags.radiusHost, authPort: flags.authPort, acctPort: flags.acctPort, secret: flags.secret },
        identity: flags.identity,
        serverName: flags.serverName,
        nasIp: flags.nasIp,
        host: flags.host,
        port: flags.port,
        macLogin: flags.macLogin,
        chap: flags.chap,
      });
      process.stdout.write(
        `hotspot listening: ${formatFields([
          ['url', hotspot.url],
          ['link-login-only', hotspot.linkLoginOnly],
          ['identity', flags.identity],
          ['portal', flags.portal],
        ])}\n`,
      );
      await waitForSignal();
      await hotspot.close();
    });
}

export function registerSim(program: Command): void {
  const sim = program.command('sim').description('emulators of the outside world, for tests, the demo and manual runs');
  registerHotspot(sim);
  registerSimRouters(sim);
  registerSimHistory(sim);
}
