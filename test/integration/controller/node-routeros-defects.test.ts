/**
 * The evidence for controller/routeros-client.ts being our own client: node-routeros 1.6.9 (a
 * devDependency, for this proof only) run in a child process against the emulated fleet.
 *
 * 1. A RouterOS 7.18+ router answers a print with no data with `!empty` + `!done`; node-routeros
 *    throws UNKNOWNREPLY inside its socket data handler. The child has an 'error' listener on the
 *    API object and awaits write() inside try/catch raced against its own timeout — exactly the
 *    wrapping PROTOCOLS.md §C.2 suggests — and still dies: no wrapper can catch it.
 * 2. When the socket dies under a pending command (a garbage router closes mid-sentence), the
 *    write() promise never settles: only the child's own timeout ends the wait.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startRouterFleet, type RouterFleet } from '../../../sim/routeros/index.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A CommonJS script: node-routeros wrapped as carefully as a wrapper can. */
function childScript(port: number, command: string[], ownTimeoutMs: number): string {
  return `
const { RouterOSAPI } = require('node-routeros');
const api = new RouterOSAPI({ host: '127.0.0.1', port: ${port}, user: 'admin', password: 'citywifi', timeout: 30 });
api.on('error', (e) => console.log('ERROR-EVENT ' + (e && (e.errno || e.message))));
api.on('close', () => console.log('CLOSE-EVENT'));
process.on('exit', (code) => console.log('EXIT ' + code));
api.connect().then(async () => {
  console.log('CONNECTED');
  let settled = false;
  const write = api.write(${JSON.stringify(command)}).then(
    (r) => { settled = true; return 'RESOLVED ' + JSON.stringify(r); },
    (e) => { settled = true; return 'REJECTED ' + (e && (e.errno || e.message)); });
  try {
    const outcome = await Promise.race([write, new Promise((resolve) => setTimeout(() => resolve('OWN-TIMEOUT settled=' + settled), ${ownTimeoutMs}))]);
    console.log(outcome);
  } catch (e) {
    console.log('CAUGHT ' + (e && (e.errno || e.message)));
  }
  setTimeout(() => process.exit(0), 100);
}, (e) => console.log('CONNECT-REJECTED ' + (e && (e.errno || e.message))));
`;
}

async function runChild(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(killer);
  return { code, stdout, stderr };
}

describe('node-routeros 1.6.9 against the emulated fleet (why the controller has its own client)', function () {
  this.timeout(30_000);
  let fleet: RouterFleet;

  before(async () => {
    fleet = await startRouterFleet({ count: 8, basePort: 0, seed: 1, faults: { garbage: { count: 1 } }, tuning: { garbage: 'truncated' } });
  });
  after(async () => {
    await fleet?.close();
  });

  it('dies with an uncaught UNKNOWNREPLY when a 7.18+ router answers !empty, despite an error listener, try/catch and a timeout race', async () => {
    const router = fleet.routers.find((r) => r.formats.emptyReply && !r.fault);
    expect(router, 'a healthy 7.18+ router in the fleet').to.not.equal(undefined);
    const { code, stdout, stderr } = await runChild(childScript(router!.port, ['/interface/print', '?name=no-such-interface'], 3000));
    expect(stdout).to.contain('CONNECTED');
    expect(code).to.equal(1);
    expect(stderr).to.contain('UNKNOWNREPLY').and.to.contain('!empty');
    expect(stderr).to.contain('Channel.processPacket');
    // Neither the promise nor the try/catch nor the race ever got to say anything.
    expect(stdout).to.not.match(/RESOLVED|REJECTED|CAUGHT|OWN-TIMEOUT/);
  });

  it('leaves write() pending for ever when the socket dies under the command', async () => {
    const router = fleet.routers.find((r) => r.fault === 'garbage');
    const { code, stdout } = await runChild(childScript(router!.port, ['/system/resource/print'], 1500));
    expect(stdout).to.contain('CONNECTED');
    expect(stdout).to.contain('CLOSE-EVENT');
    expect(stdout).to.contain('OWN-TIMEOUT settled=false');
    expect(code).to.equal(0);
  });
});
