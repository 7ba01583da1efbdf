// P5: median wall time of `node <shebang flags> dist/src/main.js spec` (spawn to exit) ÷ that of a bare `node -e ""`
// measured in the same run, interleaved: the ratio holds on a loaded machine where absolute times do not.
import { spawn } from 'node:child_process';
import { assertBuilt, cliPath } from './lib/connector.js';
import { nodeFlagsOf } from '../scripts/node-flags.js';
import { median, round } from './lib/stats.js';
import type { BenchResult } from './types.js';

const targetRatio = 1.3;

/** Spawn to exit of one process, in ms; stdout is drained and discarded. */
function timeRun(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.resume();
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`node ${args.join(' ')} exited with ${code}`))));
  });
}

export async function run({ quick }: { quick: boolean }): Promise<BenchResult[]> {
  assertBuilt();
  const runs = quick ? 9 : 21;
  const spec = [...nodeFlagsOf(cliPath), cliPath, 'spec'];
  const floor = ['-e', ''];
  await timeRun(spec); // warm the file cache once
  await timeRun(floor);
  const specMs: number[] = [];
  const floorMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Interleaved, so a burst of load from other processes hits both series alike.
    specMs.push(await timeRun(spec));
    floorMs.push(await timeRun(floor));
  }
  const value = median(specMs) / median(floorMs);
  return [{
    id: 'P5',
    name: 'cold start: `node dist/src/main.js spec` ÷ bare `node -e ""` (median wall times, same run)',
    value,
    unit: 'ratio',
    target: `<= ${targetRatio}`,
    pass: value <= targetRatio,
    details: {
      runs,
      specMedianMs: round(median(specMs), 1),
      specMinMs: round(Math.min(...specMs), 1),
      specMaxMs: round(Math.max(...specMs), 1),
      nodeFloorMedianMs: round(median(floorMs), 1),
      nodeFloorMinMs: round(Math.min(...floorMs), 1),
      overFloorMs: round(median(specMs) - median(floorMs), 1),
    },
  }];
}
