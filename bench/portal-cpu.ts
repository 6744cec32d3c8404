// CPU use read from /proc while a measurement runs: what the server under test used (with its
// worker processes, for nginx), and how busy the whole machine was, generator and database included.
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state is fields[0], ppid fields[1], utime fields[11], stime fields[12].
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU seconds a process and its direct children (nginx's workers) have used so far. */
export function processTreeCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const own = statFields(pid);
  if (!own) return NaN;
  let ticks = Number(own[11]) + Number(own[12]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === pid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** Busy and total CPU time of the whole machine so far, from the first line of /proc/stat. */
export function machineCpuTicks(): { busy: number; total: number } {
  try {
    const values = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const total = values.slice(0, 8).reduce((sum, v) => sum + v, 0);
    const idle = values[3] + values[4];
    return { busy: total - idle, total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

/** Starts watching; the function returned gives the server's CPU (share of one core) and the machine's (share of all cores). */
export function watchCpu(pid: number | undefined): () => { serverCores: number; machineBusy: number } {
  const t0 = performance.now();
  const server0 = processTreeCpuSeconds(pid);
  const machine0 = machineCpuTicks();
  return () => {
    const seconds = (performance.now() - t0) / 1000;
    const machine1 = machineCpuTicks();
    return {
      serverCores: (processTreeCpuSeconds(pid) - server0) / seconds,
      machineBusy: (machine1.busy - machine0.busy) / (machine1.total - machine0.total),
    };
  };
}
