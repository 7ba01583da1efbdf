// P3: peak RSS of the `write` process for a small and a large input (dry run, then against the fast emulator):
// memory must stay flat with input size, since records stream through a bounded in-flight window.
import { customersConfig, runWrite, type WriteRun } from './lib/connector.js';
import { startEmulatorProcess } from './lib/emulator-process.js';
import { expectedStates } from './lib/input.js';
import { round } from './lib/stats.js';
import type { BenchResult } from './types.js';

const targetMiB = 150;
const targetRatio = 1.2;
const stateEvery = 1_000;

const mib = (kib: number): number => round(kib / 1024, 1);

export async function run({ quick }: { quick: boolean }): Promise<BenchResult[]> {
  const dry = quick ? [100_000, 400_000] : [500_000, 2_000_000];
  const live = quick ? [20_000, 60_000] : [100_000, 300_000];
  const results: BenchResult[] = [];

  const drySmall = await dryRun(dry[0]!);
  const dryLarge = await dryRun(dry[1]!);
  results.push(result('dry run', dry, drySmall, dryLarge));

  const emulator = await startEmulatorProcess({ rateLimit: null });
  try {
    const config = customersConfig(emulator.url, { requests_per_second: 10_000, max_concurrency: 32 });
    const small = await checked(await runWrite({ config, input: { records: live[0]!, stateEvery, tag: 'p3s' } }), live[0]!);
    await emulator.reset(); // the emulator's own store is its memory, not ours, but keep it small
    const large = await checked(await runWrite({ config, input: { records: live[1]!, stateEvery, tag: 'p3l' } }), live[1]!);
    results.push(result('emulator', live, small, large));
  } finally {
    await emulator.stop();
  }
  return results;
}

/** One dry run of `records` customer creates through the built CLI (with its shebang flags); checked for every STATE. */
export async function dryRun(records: number): Promise<WriteRun> {
  const config = customersConfig('http://127.0.0.1:9', { dry_run: true });
  return checked(await runWrite({ config, input: { records, stateEvery, tag: 'p3d' } }), records);
}

async function checked(write: WriteRun, records: number): Promise<WriteRun> {
  if (write.exitCode !== 0) throw new Error(`P3: write exited with ${write.exitCode}: ${write.errors}`);
  const expected = expectedStates({ records, stateEvery });
  if (write.states !== expected) throw new Error(`P3: ${write.states} STATE lines came back, expected ${expected}`);
  return write;
}

function result(kind: string, counts: number[], small: WriteRun, large: WriteRun): BenchResult {
  const ratio = large.peakRssKiB / small.peakRssKiB;
  const largeMiB = mib(large.peakRssKiB);
  return {
    id: 'P3',
    name: `peak RSS of write, ${kind}, ${counts[1]!.toLocaleString('en')} records (vs ${counts[0]!.toLocaleString('en')})`,
    value: largeMiB,
    unit: 'MiB',
    target: `<= ${targetMiB} MiB, large/small <= ${targetRatio}`,
    pass: largeMiB <= targetMiB && ratio <= targetRatio,
    details: {
      smallRecords: counts[0]!,
      largeRecords: counts[1]!,
      smallPeakMiB: mib(small.peakRssKiB),
      largePeakMiB: largeMiB,
      ratio: round(ratio, 3),
      smallSeconds: round(small.wallMs / 1000, 1),
      largeSeconds: round(large.wallMs / 1000, 1),
      largeRecordsPerSecond: Math.round(counts[1]! / (large.wallMs / 1000)),
      largeStates: large.states,
      largeOtherStdoutLines: large.otherLines,
    },
  };
}
