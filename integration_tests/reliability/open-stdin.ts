// Spawns the built CLI for `write` with stdin held open, as a platform does while it cancels a sync.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { builtMain } from '../../test/helpers/cli.js';

export interface OpenStdinRun {
  child: ChildProcessWithoutNullStreams;
  /** stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code and signal once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `write`, writes `input` to its stdin and leaves stdin open. Kills it after `timeoutMs` as a last resort. */
export function spawnWithOpenStdin(args: string[], input: string, timeoutMs = 60_000): OpenStdinRun {
  const child = spawn(process.execPath, [builtMain, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  child.stdin.on('error', () => undefined);
  child.stdin.write(input);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, signal });
    });
  });
  return { child, exited, stdout: () => Buffer.concat(out).toString('utf8'), stderr: () => Buffer.concat(err).toString('utf8') };
}

/** Resolves once `condition` holds, polling every 10 ms; rejects after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
