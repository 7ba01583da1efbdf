// S1: peak RSS of `write` while every record is refused and streamed to the rejected-records store (s3rver on
// 127.0.0.1): memory must stay flat with the number of rejections, since parts are gzip-streamed, never held.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { customersConfig, runWrite, type WriteRun } from './lib/connector.js';
import { expectedStates } from './lib/input.js';
import { round } from './lib/stats.js';
import type { BenchResult } from './types.js';

const targetRatio = 1.2;
const stateEvery = 1_000;
const mib = (kib: number): number => round(kib / 1024, 1);

export async function run({ quick }: { quick: boolean }): Promise<BenchResult[]> {
  const counts = quick ? [10_000, 40_000] : [20_000, 100_000];
  const directory = mkdtempSync(join(tmpdir(), 's3rver-bench-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: 'bench' }] });
  const { port } = await server.run();
  try {
    const config = customersConfig('http://127.0.0.1:9', {
      // Every record lacks the field its idempotency key comes from: refused before any request, so only the store works.
      idempotency_key: { source: 'field', field: 'metadata.absent' },
      max_rejected_percent: 100,
      rejected_records: { bucket: 'bench', endpoint: `http://127.0.0.1:${port}`, access_key_id: 'S3RVER', secret_access_key: 'S3RVER', retry: false },
    });
    const small = await checked(await runWrite({ config, input: { records: counts[0]!, stateEvery, tag: 's1s' } }), counts[0]!);
    const large = await checked(await runWrite({ config, input: { records: counts[1]!, stateEvery, tag: 's1l' } }), counts[1]!);
    const ratio = large.peakRssKiB / small.peakRssKiB;
    return [
      {
        id: 'S1',
        name: `peak RSS of write, ${counts[1]!.toLocaleString('en')} rejections streamed to the store (vs ${counts[0]!.toLocaleString('en')})`,
        value: mib(large.peakRssKiB),
        unit: 'MiB',
        target: `large/small <= ${targetRatio}`,
        pass: ratio <= targetRatio,
        details: {
          smallPeakMiB: mib(small.peakRssKiB),
          largePeakMiB: mib(large.peakRssKiB),
          ratio: round(ratio, 3),
          smallSeconds: round(small.wallMs / 1000, 1),
          largeSeconds: round(large.wallMs / 1000, 1),
          largeRejectionsPerSecond: Math.round(counts[1]! / (large.wallMs / 1000)),
        },
      },
    ];
  } finally {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

async function checked(write: WriteRun, records: number): Promise<WriteRun> {
  if (write.exitCode !== 0) throw new Error(`S1: write exited with ${write.exitCode}: ${write.errors}`);
  const expected = expectedStates({ records, stateEvery });
  if (write.states !== expected) throw new Error(`S1: ${write.states} STATE lines came back, expected ${expected}`);
  return write;
}
