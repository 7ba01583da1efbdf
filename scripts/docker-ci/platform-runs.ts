// The image run the way a platform runs it: read-only root, no capabilities, a numeric uid, the config mounted
// read-only, stdin attached for write, the emulator reached over the host network; then `docker stop` mid-write.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Emulator } from '../../integration_tests/emulator/server.js';
import { packagePath } from '../../src/paths.js';
import { captureAsync, run, tail, type RunResult } from './shell.js';
import { batchedInput, protocolMessages, stateCursors, stopProblems, type ProtocolMessage } from './verdicts.js';

export interface Platform {
  image: string;
  /** `--user` value: the image's numeric uid[:gid]. */
  user: string;
  emulator: Emulator;
  /** A directory for configs and catalogs, mounted read-only at /secrets. */
  dir: string;
  log: (line: string) => void;
}

/** The flags every run gets, as a platform would set them. */
export const platformFlags = (user: string): string[] => [
  '--rm', '--network', 'host', '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--user', user,
];

const mount = (dir: string): string[] => ['-v', `${dir}:/secrets:ro`];

/** `docker run` with the platform's flags; async, so that the in-process emulator can answer meanwhile. */
function dockerRun(p: Platform, command: string[], options: { input?: string; user?: string } = {}): Promise<RunResult> {
  const args = ['run', ...(options.input !== undefined ? ['-i'] : []), ...platformFlags(options.user ?? p.user), ...mount(p.dir), p.image, ...command];
  return captureAsync('docker', args, { input: options.input, timeoutMs: 300_000 });
}

const fail = (what: string, result?: RunResult): Error =>
  new Error(`${what}${result ? `\n  exit ${result.code}\n  stdout: ${tail(result.stdout, 8)}\n  stderr: ${tail(result.stderr, 8)}` : ''}`);

const only = (messages: ProtocolMessage[], type: string): ProtocolMessage[] => messages.filter((m) => m.type === type);

/** Writes a JSON file into the mounted directory, readable by any uid. */
function put(p: Platform, name: string, value: unknown): string {
  mkdirSync(p.dir, { recursive: true });
  chmodSync(p.dir, 0o755);
  const file = join(p.dir, name);
  writeFileSync(file, JSON.stringify(value, null, 2));
  chmodSync(file, 0o644);
  return `/secrets/${name}`;
}

async function control<T>(p: Platform, path: string, method = 'GET'): Promise<T> {
  const response = await fetch(`${p.emulator.url}/_emulator/${path}`, { method });
  if (!response.ok) throw new Error(`emulator control ${method} ${path}: ${response.status}`);
  return (await response.json()) as T;
}

const customers = async (p: Platform): Promise<Array<{ email?: string; metadata?: Record<string, string> }>> =>
  (await control<{ data: Array<{ email?: string; metadata?: Record<string, string> }> }>(p, 'objects/customers')).data;

/** No file of the code or its dependencies is writable by the runtime user, and all are owned by root (run without --read-only, so that only ownership and modes protect them). */
export async function codeNotWritable(p: Platform): Promise<string> {
  const script = `
    const fs = require('node:fs'), path = require('node:path');
    const writable = [], notRoot = []; let count = 0;
    const walk = (p) => { const s = fs.lstatSync(p); count++;
      if (s.uid !== 0) notRoot.push(p);
      try { fs.accessSync(p, fs.constants.W_OK); writable.push(p); } catch {}
      if (s.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e)); };
    walk('/airbyte');
    console.log(JSON.stringify({ count, writable: writable.slice(0, 5), writableCount: writable.length, notRoot: notRoot.slice(0, 5), notRootCount: notRoot.length }));`;
  const result = await captureAsync('docker', ['run', '--rm', '--network', 'none', '--cap-drop', 'ALL', '--user', p.user, '--entrypoint', 'node', p.image, '-e', script]);
  if (result.code !== 0) throw fail('walking /airbyte in the container failed', result);
  const found = JSON.parse(result.stdout.trim()) as { count: number; writable: string[]; writableCount: number; notRoot: string[]; notRootCount: number };
  if (found.writableCount > 0) throw new Error(`${found.writableCount} paths under /airbyte are writable by uid ${p.user}, e.g. ${found.writable.join(', ')}`);
  if (found.notRootCount > 0) throw new Error(`${found.notRootCount} paths under /airbyte are not owned by root, e.g. ${found.notRoot.join(', ')}`);
  return `${found.count} paths under /airbyte, all owned by root, none writable by uid ${p.user}`;
}

/** `node --version` in the image, as its runtime uid: the Node release the Dockerfile's base names (any, when `expected` is undefined). */
export async function nodeVersionIs(p: Platform, expected: string | undefined): Promise<string> {
  const result = await captureAsync('docker', ['run', '--rm', '--network', 'none', '--user', p.user, '--entrypoint', 'node', p.image, '--version']);
  if (result.code !== 0) throw fail('node --version in the container failed', result);
  const version = result.stdout.trim();
  if (expected !== undefined && version !== `v${expected}`) throw new Error(`node --version in the image prints ${version}; the Dockerfile's base names Node ${expected}`);
  return `node --version: ${version}`;
}

/** `spec` in the container prints the same SPEC message as the built CLI on the host. */
export async function specMatchesHost(p: Platform): Promise<string> {
  const host = run(process.execPath, [packagePath('dist', 'src', 'main.js'), 'spec']);
  const result = await dockerRun(p, ['spec']);
  if (result.code !== 0) throw fail('spec exited non-zero', result);
  const inContainer = only(protocolMessages(result.stdout), 'SPEC');
  const onHost = only(protocolMessages(host), 'SPEC');
  if (inContainer.length !== 1 || onHost.length !== 1) throw fail(`expected one SPEC message from each, got ${inContainer.length} (container) and ${onHost.length} (host)`, result);
  if (!isDeepStrictEqual(inContainer[0], onHost[0])) throw new Error("the container's SPEC differs from the host's");
  return 'SPEC equal to the host CLI';
}

const connectionStatus = (result: RunResult): { status?: string; message?: string } =>
  ((only(protocolMessages(result.stdout), 'CONNECTION_STATUS')[0] as { connectionStatus?: { status?: string; message?: string } } | undefined)?.connectionStatus ?? {});

/** `check` with a good key succeeds; with a key the emulator refuses it fails and names no key. */
export async function checkGoodAndRefused(p: Platform, otherUser: string): Promise<string> {
  const good = put(p, 'config-good.json', goodConfig(p));
  const goodRun = await dockerRun(p, ['check', '--config', good]);
  if (connectionStatus(goodRun).status !== 'SUCCEEDED') throw fail('check with the good key did not succeed', goodRun);
  const refusedKey = 'sk_live_refusedbytheemulator0000';
  const refused = put(p, 'config-refused.json', { ...goodConfig(p), api_key: refusedKey });
  // A platform may also run the image under a uid of its own choosing (OpenShift does): this run uses one.
  const refusedRun = await dockerRun(p, ['check', '--config', refused], { user: otherUser });
  const status = connectionStatus(refusedRun);
  if (status.status !== 'FAILED') throw fail('check with a refused key did not fail', refusedRun);
  if (`${refusedRun.stdout}${refusedRun.stderr}`.includes(refusedKey)) throw new Error('check printed the refused key');
  return `good key SUCCEEDED; refused key FAILED (uid ${otherUser}): ${status.message ?? ''}`.slice(0, 240);
}

const goodConfig = (p: Platform) => ({
  api_key: 'sk_test_emulator',
  api_base_url: p.emulator.url,
  configuration: { mode: 'template', resource_type: 'customers', operation: 'create' },
  on_record_error: 'skip',
});

/** `write` of integration_tests/messages.jsonl: the six valid customers land in the emulator, the invalid one does not; every state is emitted. */
export async function writeIntegrationMessages(p: Platform, label: 'write' | 're-run'): Promise<string> {
  if (label === 'write') await control(p, 'reset', 'POST');
  const config = put(p, 'config-good.json', goodConfig(p));
  const catalog = put(p, 'catalog.json', JSON.parse(readFileSync(packagePath('integration_tests', 'configured_catalog.json'), 'utf8')));
  const input = readFileSync(packagePath('integration_tests', 'messages.jsonl'), 'utf8');
  const expectedStates = protocolMessages(input).filter((m) => m.type === 'STATE').length;
  const before = (await customers(p)).length;
  const result = await dockerRun(p, ['write', '--config', config, '--catalog', catalog], { input });
  if (result.code !== 0) throw fail(`${label} exited non-zero`, result);
  const states = only(protocolMessages(result.stdout), 'STATE').length;
  if (states !== expectedStates) throw fail(`${label} emitted ${states} states, expected ${expectedStates}`, result);
  const stored = await customers(p);
  const emails = stored.map((c) => c.email).sort();
  const expected = [1, 2, 3, 4, 5, 6].map((n) => `user${n}@example.com`);
  if (!isDeepStrictEqual(emails, expected)) throw new Error(`${label}: the emulator holds customers ${emails.join(', ')}, expected ${expected.join(', ')}`);
  const created = stored.length - before;
  if (label === 're-run' && created !== 0) throw new Error(`the re-run created ${created} customers`);
  return `${states} states; emulator holds ${stored.length} customers (${created} created by this run)`;
}

/** `docker stop -t <grace>` during a longer write whose stdin stays open: exit 0 or 143 within the grace, states of stored records emitted. */
export async function stopDuringWrite(p: Platform, graceSeconds = 10): Promise<string> {
  await control(p, 'reset', 'POST');
  const config = put(p, 'config-good.json', goodConfig(p));
  const catalog = put(p, 'catalog.json', JSON.parse(readFileSync(packagePath('integration_tests', 'configured_catalog.json'), 'utf8')));
  // 1,000 customers at the emulator's 25 requests/s take about 40 s: the stop lands well inside the write.
  const { lines, ids } = batchedInput('customers', 100, 10);
  const name = `destination-stripe-stop-${process.pid}`;
  const child = spawn('docker', ['run', '-i', '--name', name, ...platformFlags(p.user), ...mount(p.dir), p.image, 'write', '--config', config, '--catalog', catalog], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  let done = false;
  void exited.then(() => (done = true));
  child.stdin.write(`${lines.join('\n')}\n`); // and stdin stays open, as a platform's does
  try {
    // Stop once two states came out: the write is under way and has records in flight.
    const waitUntil = Date.now() + 120_000;
    while (!done && stateCursors(protocolMessages(stdout)).length < 2 && Date.now() < waitUntil) await sleep(200);
    if (done) throw fail('the write ended before it could be stopped', { code: await exited, stdout, stderr });
    const before = stateCursors(protocolMessages(stdout)).length;
    const started = process.hrtime.bigint();
    const stop = await captureAsync('docker', ['stop', '-t', String(graceSeconds), name], { timeoutMs: (graceSeconds + 60) * 1000 });
    // docker stop returns once the container ended; `docker run --rm` returns after the engine also removed it.
    const stopSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const exitCode = await exited;
    if (stop.code !== 0) throw fail('docker stop failed', stop);
    const cursors = stateCursors(protocolMessages(stdout));
    const stored = new Set((await customers(p)).map((c) => c.metadata?.crm_id ?? ''));
    const problems = stopProblems({ exitCode, cursors, stored, batches: ids });
    const summary = `exit ${exitCode}; docker stop -t ${graceSeconds} took ${stopSeconds.toFixed(1)} s; ${before} states before the stop, ${cursors.length} in all; ${stored.size} of ${ids.flat().length} records stored`;
    if (problems.length) throw fail(`${summary}\n  ${problems.join('\n  ')}`, { code: exitCode, stdout, stderr });
    return summary;
  } finally {
    child.stdin.end();
    if (!done) {
      await captureAsync('docker', ['rm', '-f', name]);
      await exited;
    }
  }
}
