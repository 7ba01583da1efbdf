// `npm run demo` (scripts/demo.ts): it removes its temporary folder (the config may hold STRIPE_API_KEY)
// and stops with a clear message when `check` fails.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../src/paths.js';
import { builtMain, hasBuild } from '../helpers/cli.js';

const tsx = packagePath('node_modules', 'tsx', 'dist', 'cli.mjs');
let temp: string;

beforeAll(() => {
  if (!hasBuild) throw new Error(`${builtMain} is missing: run \`npm run build\` first`);
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

/** Runs the demo with its own TMPDIR; resolves with its exit code and output. */
function demo(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  temp = mkdtempSync(join(tmpdir(), 'demo-test-'));
  return new Promise((resolve, reject) => {
    const { STRIPE_API_KEY: _k, DEMO_API_BASE_URL: _u, ...base } = process.env;
    const child = spawn(process.execPath, [tsx, 'scripts/demo.ts'], { cwd: packagePath(), env: { ...base, TMPDIR: temp, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The demo's own folders left in TMPDIR (tsx keeps a cache folder there too, which is not the demo's). */
const leftovers = (): string[] => readdirSync(temp).filter((name) => name.startsWith('destination-stripe-demo-'));

/** A local port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('npm run demo', () => {
  it('runs against the emulator and removes its temporary config', { timeout: 120_000 }, async () => {
    const r = await demo({});
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('CHECK SUCCEEDED');
    expect(r.stdout).toContain('Sync summary');
    // The bad rows land in the local S3 store; the re-run with C-1009 fixed drops its stored copy and re-checks the others.
    expect(r.stdout).toMatch(/crm_contacts \["C-1009"\]: invalid_field on address\.city, retryable false, attempt 1/);
    expect(r.stdout).toContain('1 stored record(s) dropped: a newer record with the same primary key arrived in this sync.');
    expect(r.stdout).toMatch(/crm_contacts \["C-1010"\]: validation_failed on email, retryable false, attempt 2/);
    expect(leftovers()).toEqual([]);
  });

  it('stops with a clear message when check fails, runs no sync, and removes the config holding the key', { timeout: 120_000 }, async () => {
    const key = 'sk_test_demoCheckFails123';
    const r = await demo({ STRIPE_API_KEY: key, DEMO_API_BASE_URL: `http://127.0.0.1:${await closedPort()}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CHECK FAILED: the demo stops here, before any sync.');
    expect(r.stdout).not.toContain('first sync');
    expect(r.stdout + r.stderr).not.toContain(key);
    expect(leftovers()).toEqual([]);
  });
});
