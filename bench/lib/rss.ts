// Samples a child process's peak resident memory from /proc/<pid>/status (VmHWM, else VmRSS) and its CPU time, on an interval.
import { readFileSync } from 'node:fs';
import { processCpuSeconds } from './emulator-process.js';

export interface RssSampler {
  /** Highest value seen so far, in KiB (0 when /proc is unavailable). */
  peakKiB(): number;
  /** CPU seconds (user + system) at the last successful sample. */
  cpuSeconds(): number;
  /** Takes a last sample, stops the timer and answers the peak in KiB. */
  stop(): number;
}

/** VmHWM is the kernel's own high-water mark, so a 100 ms interval cannot miss a short peak. */
function readPeakKiB(text: string): number {
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(text);
  const rss = /^VmRSS:\s+(\d+) kB/m.exec(text);
  return Number(hwm?.[1] ?? rss?.[1] ?? 0);
}

export function sampleRss(pid: number, everyMs = 100): RssSampler {
  let peak = 0;
  let cpu = Number.NaN;
  const tick = (): void => {
    try {
      peak = Math.max(peak, readPeakKiB(readFileSync(`/proc/${pid}/status`, 'utf8')));
      const seconds = processCpuSeconds(pid);
      if (Number.isFinite(seconds)) cpu = seconds;
    } catch {
      // the process is gone, or there is no /proc on this system
    }
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    peakKiB: () => peak,
    cpuSeconds: () => cpu,
    stop() {
      tick();
      clearInterval(timer);
      return peak;
    },
  };
}
