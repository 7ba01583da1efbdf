// Cancellation as platforms do it: SIGTERM or SIGINT while the connector's stdin stays open.
// The connector must stop reading at once, let records in flight settle, release their states and exit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { builtMain, hasBuild } from '../../test/helpers/cli.js';
import { parseLines } from '../../test/helpers/protocol-schema.js';
import { customerInput, customersBySeq, KEY, writeFiles } from './spawned-write.js';
import { spawnWithOpenStdin, until } from './open-stdin.js';
import { seedFor } from '../../test/helpers/seed.js';

const STATE_EVERY = 10;
/** The connector's own bound: it exits within 9 s of a signal (10 s is what `docker stop` waits). */
const PLATFORM_GRACE_MS = 10_000;

let emulator: Emulator;
beforeAll(async () => {
  if (!hasBuild) throw new Error(`${builtMain} is missing: run \`npm run build\` first`);
  // 150 ms per answer holds records in flight whenever the signal lands.
  emulator = await startEmulator({ rateLimit: null, latencyMs: 150, latencyJitterMs: 50, faults: { seed: seedFor('open-stdin jitter') } });
});
afterAll(async () => emulator?.stop());

function statesOf(stdout: string): number[] {
  return parseLines(stdout)
    .filter((m) => m.type === 'STATE')
    .map((m) => m.state.stream.stream_state.cursor as number);
}

/** Every record before each released state exists in the emulator, exactly once. */
function expectStatesBackedByStoredRecords(cursors: number[]): void {
  expect(cursors).toEqual(Array.from({ length: cursors.length }, (_, i) => (i + 1) * STATE_EVERY));
  const bySeq = customersBySeq(emulator);
  for (let i = 0; i < (cursors.at(-1) ?? 0); i++) expect(bySeq.get(String(i)), `record ${i} before a released state`).toBe(1);
  expect([...bySeq.values()].every((n) => n === 1)).toBe(true);
}

describe('shutdown signals with stdin held open', () => {
  it('SIGTERM 3 s into a sync exits 143 within 10 s, each released state backed by stored records', { timeout: 60_000 }, async () => {
    emulator.reset();
    const { configPath, catalogPath } = writeFiles(emulator, { max_concurrency: 4 });
    const run = spawnWithOpenStdin(['write', '--config', configPath, '--catalog', catalogPath], customerInput(3000, STATE_EVERY));
    await new Promise((r) => setTimeout(r, 3000));
    const signalledAt = Date.now();
    run.child.kill('SIGTERM');
    const { code } = await run.exited;
    const elapsed = Date.now() - signalledAt;
    const stdout = run.stdout();
    expect(code, run.stderr()).toBe(143);
    expect(elapsed).toBeLessThan(PLATFORM_GRACE_MS);
    expect(run.stderr()).toContain('SIGTERM received');
    expect(parseLines(stdout).filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')).toEqual([]);
    const cursors = statesOf(stdout);
    expectStatesBackedByStoredRecords(cursors);
    expect(cursors.length).toBeLessThan(300);
    console.log(`open-stdin SIGTERM: exited ${elapsed} ms after the signal; ${cursors.length} states released, ${emulator.count('customers')} customers stored`);
  });

  it('SIGTERM after all input was processed (the platform still holds stdin) exits 143 at once', { timeout: 60_000 }, async () => {
    emulator.reset();
    const { configPath, catalogPath } = writeFiles(emulator);
    const run = spawnWithOpenStdin(['write', '--config', configPath, '--catalog', catalogPath], customerInput(20, STATE_EVERY));
    await until(() => statesOf(run.stdout()).length === 2, 30_000, 'both states');
    const signalledAt = Date.now();
    run.child.kill('SIGTERM');
    const { code } = await run.exited;
    expect(code, run.stderr()).toBe(143);
    expect(Date.now() - signalledAt).toBeLessThan(PLATFORM_GRACE_MS);
    expectStatesBackedByStoredRecords(statesOf(run.stdout()));
  });

  it('SIGINT exits 130', { timeout: 60_000 }, async () => {
    emulator.reset();
    const { configPath, catalogPath } = writeFiles(emulator);
    const run = spawnWithOpenStdin(['write', '--config', configPath, '--catalog', catalogPath], customerInput(20, STATE_EVERY));
    await until(() => statesOf(run.stdout()).length === 2, 30_000, 'both states');
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code, run.stderr()).toBe(130);
    expect(run.stderr()).toContain('SIGINT received');
  });

  it('a second signal exits at once', { timeout: 60_000 }, async () => {
    emulator.reset();
    const { configPath, catalogPath } = writeFiles(emulator);
    const run = spawnWithOpenStdin(['write', '--config', configPath, '--catalog', catalogPath], customerInput(20, STATE_EVERY));
    await until(() => run.stderr().includes('Writing in') || run.stdout().includes('Writing in'), 30_000, 'the sync to start');
    run.child.kill('SIGINT');
    await until(() => run.stderr().includes('SIGINT received'), 30_000, 'the first signal to be handled');
    run.child.kill('SIGTERM');
    const { code } = await run.exited;
    expect([130, 143]).toContain(code);
  });
});
