// A RADIUS server under test as a child process: started, watched, stopped, its output kept for errors.
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

export interface ServerProcess {
  readonly label: string;
  readonly pid: number | undefined;
  /** Settles when the process exits, with its exit code or signal. */
  readonly exited: Promise<string>;
  /** The last lines the process wrote. */
  output(): string;
  stop(): Promise<void>;
}

const KEEP_OUTPUT_CHARS = 16_000;

export function startProcess(label: string, command: string, args: string[], env: NodeJS.ProcessEnv): ServerProcess {
  const child: ChildProcess = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-KEEP_OUTPUT_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let hasExited = false;
  const exited = new Promise<string>((resolve) => {
    child.on('exit', (code, signal) => {
      hasExited = true;
      resolve(signal ? `signal ${signal}` : `code ${code}`);
    });
    child.on('error', (error) => {
      hasExited = true;
      output += `\n${error.message}`;
      resolve(`error ${error.message}`);
    });
  });
  return {
    label,
    pid: child.pid,
    exited,
    output: () => output,
    async stop() {
      if (hasExited) return;
      child.kill('SIGTERM');
      const timeout = new Promise((resolve) => setTimeout(resolve, 10_000, 'timeout'));
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Two free UDP ports on loopback, for a server's authentication and accounting sockets. */
export async function freeUdpPorts(): Promise<[number, number]> {
  const sockets = [dgram.createSocket('udp4'), dgram.createSocket('udp4')];
  for (const socket of sockets) {
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
  }
  const ports = sockets.map((s) => s.address().port) as [number, number];
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

/** The UDP receive buffer both servers get: citywifi's default RADIUS_RECV_BUFFER_BYTES, FreeRADIUS's recv_buff. */
export const RECV_BUFFER_BYTES = 8 * 1024 * 1024;

/**
 * Datagrams the kernel has dropped because a socket's receive buffer was full (all sockets, from
 * /proc/net/snmp), or undefined where that is not readable. Lost requests usually show up here.
 */
export function udpReceiveBufferDrops(): number | undefined {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((line) => line.startsWith('Udp:'));
    const names = lines[0].split(/\s+/);
    const values = lines[1].split(/\s+/);
    const at = names.indexOf('RcvbufErrors');
    return at > 0 ? Number(values[at]) : undefined;
  } catch {
    return undefined;
  }
}
