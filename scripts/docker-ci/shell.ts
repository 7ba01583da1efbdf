// Running commands for the image check: captured for short ones, logged to a file for long ones, and timed steps.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a short command and captures its output. Never throws; `code` is -1 when it could not start. */
export function capture(command: string, args: string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): RunResult {
  const result = spawnSync(command, args, {
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
    env: options.env ?? process.env,
  });
  return { code: result.error ? -1 : (result.status ?? -1), stdout: result.stdout ?? '', stderr: result.stderr ?? (result.error?.message ?? '') };
}

/** Runs a short command, returns its trimmed stdout, throws with its stderr when it fails. */
export function run(command: string, args: string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): string {
  const result = capture(command, args, options);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}: ${tail(result.stderr || result.stdout, 15)}`);
  return result.stdout.trim();
}

/**
 * Runs a command without blocking the event loop (the emulator answers the container from this same process) and
 * captures its output. Never throws; `code` is -1 when it could not start or was killed at the timeout.
 */
export function captureAsync(command: string, args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: `${stderr}${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** True when `command` is on the PATH. */
export const onPath = (command: string): boolean => capture('sh', ['-c', `command -v ${command}`]).code === 0;

/** The last `lines` lines of a text. */
export const tail = (text: string, lines: number): string => text.trimEnd().split('\n').slice(-lines).join('\n');

/** Runs a long command with its output in `logFile`; throws with the log's tail when it fails. */
export async function runLogged(command: string, args: string[], logFile: string, options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<void> {
  const fd = openSync(logFile, 'a');
  try {
    const code = await new Promise<number>((resolve) => {
      const child = spawn(command, args, { stdio: ['ignore', fd, fd], env: options.env ?? process.env, cwd: options.cwd });
      child.on('error', () => resolve(-1));
      child.on('close', (status) => resolve(status ?? -1));
    });
    if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code} (log: ${logFile}):\n${tail(readFileSync(logFile, 'utf8'), 40)}`);
  } finally {
    closeSync(fd);
  }
}

export interface StepTime {
  step: string;
  seconds: number;
  outcome: 'ok' | 'failed' | 'skipped';
  note?: string;
}

/** Times named steps and prints a line as each starts and ends. */
export class Steps {
  readonly times: StepTime[] = [];

  constructor(private readonly print: (line: string) => void = console.log) {}

  async step<T>(name: string, body: () => Promise<T> | T): Promise<T> {
    this.print(`[image] ${name} ...`);
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const value = await body();
      this.times.push({ step: name, seconds: seconds(), outcome: 'ok' });
      this.print(`[image] ${name}: ok (${seconds().toFixed(1)} s)`);
      return value;
    } catch (error) {
      this.times.push({ step: name, seconds: seconds(), outcome: 'failed', note: (error as Error).message.split('\n', 1)[0] });
      this.print(`[image] ${name}: FAILED (${seconds().toFixed(1)} s)`);
      throw error;
    }
  }

  skip(name: string, note: string): void {
    this.times.push({ step: name, seconds: 0, outcome: 'skipped', note });
    this.print(`[image] ${name}: skipped (${note})`);
  }

  /** A table of the steps with their times. */
  table(): string {
    const width = Math.max(...this.times.map((t) => t.step.length), 4);
    const rows = this.times.map((t) => `${t.step.padEnd(width)}  ${t.seconds.toFixed(1).padStart(7)} s  ${t.outcome}${t.note ? `: ${t.note}` : ''}`);
    const total = this.times.reduce((sum, t) => sum + t.seconds, 0);
    return [...rows, `${'total'.padEnd(width)}  ${total.toFixed(1).padStart(7)} s`].join('\n');
  }
}
