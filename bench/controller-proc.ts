// What the controller benchmark reads from /proc about a process: CPU seconds so far, peak and
// current resident memory, open file descriptors. Linux only; undefined where a value cannot be read.
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcReading {
  /** utime + stime, in seconds. */
  cpuSeconds: number;
  /** VmHWM: the most resident memory the process has had, in bytes. */
  peakRssBytes: number;
  /** VmRSS now, in bytes. */
  rssBytes: number;
}

export function readProc(pid: number | undefined): ProcReading | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    // A zombie (exited, not yet reaped) has no memory lines: not a reading.
    if (!/^VmHWM:/m.test(status)) return undefined;
    return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND, peakRssBytes: kb('VmHWM'), rssBytes: kb('VmRSS') };
  } catch {
    return undefined;
  }
}

export function openFds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/**
 * Reads a process every `everyMs` until stopped or gone, keeping the last good reading: a process
 * that exits on its own (`controller --once`) leaves its figures as of at most `everyMs` before.
 */
export function sampleProc(pid: number | undefined, everyMs = 50): { last: () => ProcReading | undefined; stop: () => ProcReading | undefined } {
  let last = readProc(pid);
  const timer = setInterval(() => {
    const reading = readProc(pid);
    if (reading) last = reading;
  }, everyMs);
  return {
    last: () => last,
    stop() {
      clearInterval(timer);
      const reading = readProc(pid);
      if (reading) last = reading;
      return last;
    },
  };
}

/** Busy and total CPU ticks of the whole machine so far (first line of /proc/stat). */
export function machineTicks(): { busy: number; total: number } {
  try {
    const values = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const total = values.slice(0, 8).reduce((sum, v) => sum + v, 0);
    return { busy: total - values[3] - values[4], total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

export const MIB = 1024 * 1024;
