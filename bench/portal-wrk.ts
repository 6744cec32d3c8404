// Page views under load with Debian's wrk: keep-alive connections from one thread, the request paths
// taken in turn from a list (each a different phone with its own CHAP challenge), latency percentiles
// from wrk's own histogram.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ViewLoad {
  url: string;
  paths: string[];
  connections: number;
  threads: number;
  durationS: number;
  /** Request headers sent with every request (a phone's browser's). */
  headers: Record<string, string>;
  /** A directory for wrk's Lua script. */
  dir: string;
}

export interface ViewResult {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses that were not 2xx or 3xx. */
  non2xx: number;
  /** Connect, read, write and timeout errors together. */
  socketErrors: number;
  /** Bytes received per response, headers included. */
  bytesPerResponse: number;
  /** CPU wrk itself used, as a share of one core. */
  generatorCpu: number;
}

/** wrk's path, or undefined when it is not installed (Debian: apt-get install wrk). */
export function findWrk(): string | undefined {
  return ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((path) => existsSync(path));
}

/** A Lua script that sends the paths in turn; wrk calls request() once per request. */
function writeScript(dir: string, paths: string[], headers: Record<string, string>): string {
  const path = join(dir, 'paths.lua');
  const list = paths.map((p) => `[[${p}]]`).join(',\n');
  const headerTable = Object.entries(headers)
    .map(([name, value]) => `[ [[${name}]] ] = [[${value}]]`)
    .join(', ');
  writeFileSync(
    path,
    `local paths = {\n${list}\n}
local headers = { ${headerTable} }
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], headers)
end
`,
  );
  return path;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function parseDuration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2]] : NaN;
}

const SIZE: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** wrk's report, read from its text output. */
export function parseWrkOutput(output: string, durationS: number): Omit<ViewResult, 'generatorCpu'> {
  const percentile = (p: string) => {
    const m = new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(output);
    return m ? parseDuration(m[1]) : NaN;
  };
  const requestsMatch = /(\d+) requests in ([\d.]+)(\w+), ([\d.]+)(\w+) read/.exec(output);
  const requests = requestsMatch ? Number(requestsMatch[1]) : 0;
  const elapsedS = requestsMatch ? parseDuration(`${requestsMatch[2]}${requestsMatch[3]}`) / 1000 : durationS;
  const bytes = requestsMatch ? Number(requestsMatch[4]) * (SIZE[requestsMatch[5]] ?? 1) : 0;
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    requests,
    perSecond: rps ? Number(rps[1]) : requests / elapsedS,
    p50Ms: percentile('50'),
    p99Ms: percentile('99'),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
    bytesPerResponse: requests > 0 ? bytes / requests : 0,
  };
}

/** Runs wrk once and returns its figures; throws with wrk's output when it fails. */
export async function runWrk(wrk: string, load: ViewLoad): Promise<ViewResult> {
  const script = writeScript(load.dir, load.paths, load.headers);
  const args = [
    `-t${load.threads}`,
    `-c${load.connections}`,
    `-d${load.durationS}s`,
    '--latency',
    '--timeout',
    '5s',
    '-s',
    script,
    load.url,
  ];
  const cpuBefore = childCpuSeconds();
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(wrk, args, { maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`wrk failed: ${error.message}\n${stdout}${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
  const generatorCpu = (childCpuSeconds() - cpuBefore) / load.durationS;
  const parsed = parseWrkOutput(stdout, load.durationS);
  if (parsed.requests === 0) throw new Error(`wrk made no request:\n${stdout}${stderr}`);
  return { ...parsed, generatorCpu };
}

const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds used by this process's children that have exited and been waited for (wrk, once
 * execFile has returned): cutime and cstime, the 16th and 17th fields of /proc/self/stat.
 */
function childCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}
