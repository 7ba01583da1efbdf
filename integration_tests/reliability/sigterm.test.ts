// R6: SIGTERM mid-sync: exit 143, only states whose records all settled are released, no system_error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { builtMain, hasBuild } from '../../test/helpers/cli.js';
import { assertProtocolLines, parseLines } from '../../test/helpers/protocol-schema.js';
import { customerInput, customersBySeq, KEY, spawnWrite } from './spawned-write.js';
import { seedFor } from '../../test/helpers/seed.js';

const RECORDS = 600;
const STATE_EVERY = 25;
let emulator: Emulator;
beforeAll(async () => {
  if (!hasBuild) throw new Error(`${builtMain} is missing: run \`npm run build\` first`);
  emulator = await startEmulator({ rateLimit: null, latencyMs: 15, latencyJitterMs: 25, faults: { seed: seedFor('sigterm jitter') } });
});
afterAll(async () => emulator?.stop());

describe('R6: SIGTERM', () => {
  it('stops with exit 143, releasing only states whose records all exist', { timeout: 120_000 }, async () => {
    emulator.reset();
    const r = await spawnWrite({
      emulator,
      input: customerInput(RECORDS, STATE_EVERY),
      signal: 'SIGTERM',
      signalWhen: () => emulator.count('customers') >= RECORDS * 0.4,
    });
    expect(r.signalled).toBe(true);
    expect(r.code, r.stdout.split("\n").filter((l) => !l.includes("\"STATE\"")).join("\n") + r.stderr).toBe(143);
    assertProtocolLines(r.stdout);
    expect(r.stderr).toContain('SIGTERM received');
    expect(r.stdout + r.stderr).not.toMatch(/^\s+at /m);

    const messages = parseLines(r.stdout);
    expect(messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR' && m.trace.error.failure_type === 'system_error')).toEqual([]);
    const cursors = messages.filter((m) => m.type === 'STATE').map((m) => m.state.stream.stream_state.cursor as number);
    // States in order, a prefix of the input's, and it stopped before the end.
    expect(cursors).toEqual(Array.from({ length: cursors.length }, (_, i) => (i + 1) * STATE_EVERY));
    expect(cursors.length).toBeGreaterThan(0);
    expect(cursors.length).toBeLessThan(RECORDS / STATE_EVERY);
    // Every record before the last released state exists in Stripe, once.
    const bySeq = customersBySeq(emulator);
    const last = cursors.at(-1)!;
    for (let i = 0; i < last; i++) expect(bySeq.get(String(i)), `record ${i}`).toBe(1);
    expect([...bySeq.values()].every((n) => n === 1)).toBe(true);
    const stopped = messages.find((m) => m.type === 'LOG' && m.log.message.startsWith('Stopped by a shutdown signal'));
    expect(stopped?.log.message).toContain(`${cursors.length} of`);
    expect(r.stdout + r.stderr).not.toContain(KEY);
    console.log(`R6: SIGTERM at ${RECORDS * 0.4} stored; ${cursors.length} of ${RECORDS / STATE_EVERY} states released (last cursor ${last}); ${emulator.count('customers')} stored in all`);
  });
});
