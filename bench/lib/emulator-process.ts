// Runs the Stripe emulator in its own process (so it does not share a thread with what is measured) and talks to its control API.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface EmulatorProcessOptions {
  /** Requests/s; null = unlimited; undefined = the emulator's default. */
  rateLimit?: number | null;
  live?: boolean;
  latencyMs?: number;
  /** Keep the request log (default false: the log costs time). */
  logRequests?: boolean;
}

export interface EmulatorProcess {
  url: string;
  pid: number;
  counts(): Promise<Record<string, number>>;
  /** API requests per method since the start or the last reset. */
  requestCounts(): Promise<Record<string, number>>;
  reset(): Promise<void>;
  /** utime + stime of the emulator process so far, in seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = fileURLToPath(new URL('../../integration_tests/emulator/cli.ts', import.meta.url));

export async function startEmulatorProcess(options: EmulatorProcessOptions = {}): Promise<EmulatorProcess> {
  const args = ['--import', 'tsx', cli, '--port', '0'];
  if (options.rateLimit !== undefined) args.push('--rate-limit', options.rateLimit === null ? 'none' : String(options.rateLimit));
  if (options.live) args.push('--live');
  if (options.latencyMs !== undefined) args.push('--latency', String(options.latencyMs));
  if (!options.logRequests) args.push('--quiet');
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code} before printing its URL`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(line.trim()));
  });
  child.removeAllListeners('exit');
  child.stdout!.resume();
  return {
    url,
    pid: child.pid!,
    async counts() {
      return (await (await fetch(`${url}/_emulator/counts`)).json()) as Record<string, number>;
    },
    async requestCounts() {
      return (await (await fetch(`${url}/_emulator/request_counts`)).json()) as Record<string, number>;
    },
    async reset() {
      await fetch(`${url}/_emulator/reset`, { method: 'POST' });
    },
    cpuSeconds: () => processCpuSeconds(child.pid!),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** utime + stime from /proc/<pid>/stat (clock ticks of 1/100 s); NaN where /proc is absent. */
export function processCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
