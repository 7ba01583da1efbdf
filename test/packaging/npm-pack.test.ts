// The published package works on its own: a fresh clone (the committed files of HEAD, nothing built) is
// packed with `npm pack` (its prepack builds dist/), the tarball is installed with production deps only,
// and its bin runs. The runtime dependencies are exactly the packages the built code imports.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../src/paths.js';

const run = promisify(execFile);
const TIMEOUT = 120_000;
const npmEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_loglevel: 'error' };

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command with optional stdin; resolves with its exit code and output, never rejects on a non-zero exit. */
function runWithInput(command: string, args: string[], options: { cwd: string; input?: string }): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: npmEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

const messagesOf = (stdout: string): Array<Record<string, any>> =>
  stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, any>);

describe('npm package', () => {
  let work: string;
  let packed: { filename: string; files: Array<{ path: string }> };
  let bin: string;

  let source: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'destination-stripe-pack-'));
    // A fresh clone: the files git tracks at HEAD, without dist/ or anything untracked. Its dev
    // dependencies (tsc for prepack) come from this checkout's node_modules, so no registry is needed.
    source = join(work, 'clone');
    mkdirSync(source);
    const archive = execFileSync('git', ['archive', '--format=tar', 'HEAD'], { cwd: packagePath(), maxBuffer: 512 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', source], { input: archive });
    expect(existsSync(join(source, 'dist')), 'the clone has no build output').toBe(false);
    symlinkSync(packagePath('node_modules'), join(source, 'node_modules'), 'dir');
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: source, env: npmEnv, maxBuffer: 64 * 1024 * 1024 });
    packed = (JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<typeof packed>)[0]!;

    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pack-check', private: true }));
    const tarball = join(work, packed.filename);
    const install = (mode: string) =>
      run('npm', ['install', tarball, '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock', mode], { cwd: app, env: npmEnv });
    // The npm cache normally has every dependency; when it lacks registry metadata, allow the network.
    await install('--offline').catch(() => install('--prefer-offline'));
    bin = join(app, 'node_modules', '.bin', 'destination-stripe');
  }, TIMEOUT);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships the compiled code, spec and schemas, and no sources or tests', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'dist/src/main.js', 'spec/spec.json', 'schemas/index.json']));
    expect(paths.filter((p) => /^(src|test|integration_tests|bench|scripts)\/|\.ts$|^dist\/(test|scripts|bench)\//.test(p))).toEqual([]);
  });

  it('installs with production dependencies only', () => {
    const modules = join(work, 'app', 'node_modules');
    for (const dep of ['got', 'ajv', 'p-queue']) expect(existsSync(join(modules, dep)), dep).toBe(true);
    for (const dev of ['typescript', 'vitest', 'tsx', 'fast-check', 'yaml', 'ajv-formats', 'stripe']) expect(existsSync(join(modules, dev)), dev).toBe(false);
    expect(existsSync(bin)).toBe(true);
  });

  it('declares as runtime dependencies exactly the packages the built code imports', () => {
    const installed = join(work, 'app', 'node_modules', 'destination-stripe');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const imported = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.js')) {
          const code = readFileSync(path, 'utf8');
          for (const [, specifier] of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)) {
            if (specifier!.startsWith('.') || specifier!.startsWith('node:')) continue;
            imported.add(specifier!.startsWith('@') ? specifier!.split('/').slice(0, 2).join('/') : specifier!.split('/')[0]!);
          }
        }
      }
    };
    walk(join(installed, 'dist'));
    expect([...imported].sort()).toEqual(Object.keys(manifest.dependencies ?? {}).sort());
  });

  it('prints a SPEC message from the installed bin', async () => {
    const result = await runWithInput(bin, ['spec'], { cwd: work });
    expect(result.code, result.stderr).toBe(0);
    const messages = messagesOf(result.stdout);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.type).toBe('SPEC');
    expect(messages[0]?.spec.connectionSpecification.required).toContain('api_key');
  }, TIMEOUT);

  it('answers check on an invalid config with a FAILED status and exit 0', async () => {
    const result = await runWithInput(bin, ['check', '--config', packagePath('integration_tests', 'invalid_config.json')], { cwd: work });
    expect(result.code, result.stderr).toBe(0);
    const statuses = messagesOf(result.stdout).filter((m) => m.type === 'CONNECTION_STATUS');
    expect(statuses).toHaveLength(1);
    expect(statuses[0]?.connectionStatus.status).toBe('FAILED');
  }, TIMEOUT);

  it('writes in dry run without calling Stripe, echoing every STATE in order', async () => {
    const config = join(work, 'dry-run-config.json');
    writeFileSync(config, JSON.stringify({ api_key: 'sk_test_emulator', configuration: { mode: 'template', resource_type: 'customers' }, dry_run: true }));
    const input = readFileSync(packagePath('integration_tests', 'messages.jsonl'), 'utf8');
    const result = await runWithInput(bin, ['write', '--config', config, '--catalog', packagePath('integration_tests', 'configured_catalog.json')], { cwd: work, input });
    const messages = messagesOf(result.stdout);
    expect(messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')).toEqual([]);
    expect(result.code, result.stderr).toBe(0);
    const sent = messagesOf(input).filter((m) => m.type === 'STATE').map((m) => m.state.stream.stream_state);
    const echoed = messages.filter((m) => m.type === 'STATE');
    expect(echoed.map((m) => m.state.stream.stream_state)).toEqual(sent);
    for (const state of echoed) expect(state.state.sourceStats).toBeDefined();
  }, TIMEOUT);
});
