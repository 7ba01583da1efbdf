// The container engine for the image check: Debian's docker.io, installed when missing, started when none runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { capture, onPath, run, tail } from './shell.js';

/** Flags that let Debian's dockerd run on a CI machine without a bridge, iptables or overlay mounts. */
export const defaultDockerdFlags = ['--storage-driver=vfs', '--iptables=false', '--bridge=none'];

const isRoot = (): boolean => process.getuid?.() === 0;
let aptUpdated = false;

/** Installs Debian packages whose commands are missing. Returns why it could not, or undefined when done. */
export function ensurePackages(packages: Array<{ command: string; pkg: string }>, log: (line: string) => void): string | undefined {
  const missing = packages.filter((p) => !onPath(p.command));
  if (missing.length === 0) return undefined;
  const names = [...new Set(missing.map((p) => p.pkg))];
  if (!isRoot()) return `${missing.map((p) => p.command).join(', ')} not installed, and installing ${names.join(', ')} needs root`;
  if (!onPath('apt-get')) return `${missing.map((p) => p.command).join(', ')} not installed, and there is no apt-get to install ${names.join(', ')}`;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    if (!aptUpdated) {
      log('apt-get update');
      run('apt-get', ['update', '-qq'], { env, timeoutMs: 600_000 });
      aptUpdated = true;
    }
    log(`apt-get install ${names.join(' ')}`);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], { env, timeoutMs: 900_000 });
  } catch (error) {
    return `installing ${names.join(', ')} failed: ${(error as Error).message}`;
  }
  const still = missing.filter((p) => !onPath(p.command));
  return still.length ? `${still.map((p) => p.command).join(', ')} still missing after installing ${names.join(', ')}` : undefined;
}

/** The server version of a running engine the docker client reaches, or undefined. */
export function engineVersion(): string | undefined {
  if (!onPath('docker')) return undefined;
  const info = capture('docker', ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 30_000 });
  return info.code === 0 && info.stdout.trim() ? info.stdout.trim() : undefined;
}

export interface StartedEngine {
  version: string;
  stop(): Promise<void>;
}

/** Starts dockerd with `flags`, its output in `logFile`; waits until the client reaches it. Throws with the log's tail. */
export async function startEngine(flags: string[], logFile: string, waitMs = 120_000): Promise<StartedEngine> {
  if (!isRoot()) throw new Error('no container engine is running, and starting dockerd needs root');
  const fd = openSync(logFile, 'a');
  const child: ChildProcess = spawn('dockerd', flags, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited: number | null | undefined;
  child.on('exit', (code, signal) => {
    exited = code ?? (signal ? 128 : -1);
  });
  const stop = async (): Promise<void> => {
    if (exited !== undefined) return;
    child.kill('SIGTERM');
    for (let waited = 0; waited < 30_000 && exited === undefined; waited += 250) await sleep(250);
    if (exited === undefined) child.kill('SIGKILL');
  };
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`dockerd ${flags.join(' ')} exited ${exited} at start:\n${tail(readFileSync(logFile, 'utf8'), 20)}`);
    const version = engineVersion();
    if (version) return { version, stop };
    await sleep(500);
  }
  await stop();
  throw new Error(`dockerd did not answer within ${waitMs / 1000} s:\n${tail(readFileSync(logFile, 'utf8'), 20)}`);
}
