// R2: the spawned CLI is SIGKILLed mid-sync at three random points; re-running the same input completes with no duplicates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { builtMain, hasBuild } from '../../test/helpers/cli.js';
import { assertProtocolLines, parseLines } from '../../test/helpers/protocol-schema.js';
import { seedFor, seededRandom, seedHint } from '../../test/helpers/seed.js';
import { customerInput, customersBySeq, KEY, spawnWrite } from './spawned-write.js';

const RECORDS = 600;
let emulator: Emulator;
beforeAll(async () => {
  if (!hasBuild) throw new Error(`${builtMain} is missing: run \`npm run build\` first`);
  // Latency keeps requests in flight when the process dies, so some are cut between send and answer.
  emulator = await startEmulator({ rateLimit: null, latencyMs: 15, latencyJitterMs: 25, faults: { seed: seedFor('crash-rerun jitter') } });
});
afterAll(async () => emulator?.stop());

// Three kill points, drawn from the run's seed within thirds of the sync, at most 0.9 of it so the kill lands
// before the end even when the poll that sends it lags; the test names carry the seed for replay.
const random = seededRandom('crash-rerun kill points');
const killFractions = [0, 1, 2].map((third) => Number(((third + 0.1 + random() * 0.7) / 3).toFixed(3)));

describe('R2: crash and re-run', () => {
  it.each(killFractions)(`SIGKILL once %f of the customers exist (${seedHint}), then a re-run: every record stored exactly once`, { timeout: 120_000 }, async (fraction) => {
    emulator.reset();
    const input = customerInput(RECORDS, 50);
    const threshold = Math.max(1, Math.floor(RECORDS * fraction));

    const killed = await spawnWrite({ emulator, input, signal: 'SIGKILL', signalWhen: () => emulator.count('customers') >= threshold });
    expect(killed.signalled).toBe(true);
    expect(killed.signal).toBe('SIGKILL');
    const atKill = emulator.count('customers');
    expect(atKill).toBeLessThan(RECORDS);
    assertProtocolLines(killed.stdout.slice(0, killed.stdout.lastIndexOf('\n') + 1));

    const rerun = await spawnWrite({ emulator, input });
    expect(rerun.code, rerun.stdout.slice(-2000) + rerun.stderr).toBe(0);
    assertProtocolLines(rerun.stdout);
    const states = parseLines(rerun.stdout).filter((m) => m.type === 'STATE');
    expect(states.map((s) => s.state.stream.stream_state.cursor)).toEqual(Array.from({ length: RECORDS / 50 }, (_, i) => (i + 1) * 50));
    expect(states.reduce((n, s) => n + s.state.destinationStats.rejectedRecordCount, 0)).toBe(0);

    const bySeq = customersBySeq(emulator);
    expect(emulator.count('customers')).toBe(RECORDS);
    expect(bySeq.size).toBe(RECORDS);
    expect([...bySeq.values()].every((n) => n === 1)).toBe(true);
    const replayed = emulator.requestLog().filter((q) => q.replayed).length;
    expect(replayed).toBeGreaterThanOrEqual(atKill);
    expect(killed.stdout + killed.stderr + rerun.stdout + rerun.stderr).not.toContain(KEY);
    console.log(`R2: killed at ${fraction} (${atKill} of ${RECORDS} stored when killed); the re-run got ${replayed} replays (requests in flight at the kill completed server-side too)`);
  });
});
