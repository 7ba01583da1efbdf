// SIGKILL in the middle of a sync that retries stored records, then a re-run: each stored record applied at most once, none lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { builtMain, hasBuild } from '../helpers/cli.js';
import { customerInput, customersBySeq, spawnWrite } from '../../integration_tests/reliability/spawned-write.js';
import { stateLine } from '../helpers/write-run.js';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js';

const RECORDS = 300;
const REFUSED = 160;
let emulator: Emulator;
let s3: S3TestServer;
beforeAll(async () => {
  if (!hasBuild) throw new Error(`${builtMain} is missing: run \`npm run build\` first`);
  // Latency keeps retried requests in flight when the process dies.
  emulator = await startEmulator({ rateLimit: null, latencyMs: 40 });
  s3 = await startS3Server();
});
afterAll(async () => {
  await emulator?.stop();
  await s3?.close();
});

describe('killed while retrying stored records', () => {
  it('SIGKILL mid-retry, then a re-run: every stored record is applied exactly once', { timeout: 120_000 }, async () => {
    const config = { rejected_records: s3.settings({ path_prefix: 'kill/' }), max_attempts: 1, max_rejected_percent: 100, max_concurrency: 4 };
    // Sync 1: the first REFUSED requests fail before Stripe executes them: stored, retryable.
    emulator.setFaults({ schedule: Array(REFUSED).fill('500_retry') });
    const first = await spawnWrite({ emulator, input: customerInput(RECORDS, 50), config });
    emulator.setFaults({});
    expect(first.code, first.stderr).toBe(0);
    expect((await s3.lines('kill/')).filter((l) => l.retryable)).toHaveLength(REFUSED);
    expect(emulator.count('customers')).toBe(RECORDS - REFUSED);

    // Sync 2 (no new records) retries them; it is killed once a quarter of them went through.
    const empty = JSON.stringify(stateLine('crm', RECORDS)) + '\n';
    const killAt = RECORDS - REFUSED + REFUSED / 4;
    const killed = await spawnWrite({ emulator, input: empty, config, signal: 'SIGKILL', signalWhen: () => emulator.count('customers') >= killAt });
    expect(killed.signalled).toBe(true);
    const atKill = emulator.count('customers');
    expect(atKill).toBeLessThan(RECORDS);
    // Its claim is left behind: the next sync knows which objects were being retried.
    expect((await s3.list('kill/')).some((k) => k.endsWith('/claim.json'))).toBe(true);

    // Sync 3 retries everything not known done, with the first attempt's keys: those that got through are replayed.
    const rerun = await spawnWrite({ emulator, input: empty, config });
    expect(rerun.code, rerun.stderr + rerun.stdout.slice(-3000)).toBe(0);
    expect(rerun.stdout).toContain('being retried by a sync that stopped before it finished');
    const bySeq = customersBySeq(emulator);
    expect(bySeq.size).toBe(RECORDS);
    expect([...bySeq.values()].every((n) => n === 1)).toBe(true);
    expect(await s3.list('kill/')).toEqual([]);
    const replayed = emulator.requestLog().filter((q) => q.replayed).length;
    expect(replayed).toBeGreaterThanOrEqual(atKill - (RECORDS - REFUSED));
  });
});
