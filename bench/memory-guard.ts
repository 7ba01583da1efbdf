// CI's memory guard: peak RSS of the built `write` (dry run, run with the bin's own shebang flags) must not
// grow with the input. Runs the dry run at a small and a large size and fails when large/small passes the
// limit. A ratio taken in one run on one machine is stable enough to gate on; an absolute figure is not.
// Usage: npx tsx bench/memory-guard.ts [small] [large]   (defaults 100,000 and 400,000 records, about a minute)
import { dryRun } from './memory.bench.js';

export const GUARD_MAX_RATIO = 1.2;

export interface GuardVerdict {
  smallMiB: number;
  largeMiB: number;
  ratio: number;
  pass: boolean;
}

/** Pure verdict on two peaks (KiB): passes while large/small stays at or under `maxRatio`. */
export function judgeGrowth(smallKiB: number, largeKiB: number, maxRatio = GUARD_MAX_RATIO): GuardVerdict {
  if (!(smallKiB > 0) || !(largeKiB > 0)) throw new Error(`memory guard: no peak RSS was read (small ${smallKiB} KiB, large ${largeKiB} KiB); /proc is needed`);
  const ratio = largeKiB / smallKiB;
  return { smallMiB: smallKiB / 1024, largeMiB: largeKiB / 1024, ratio, pass: ratio <= maxRatio };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const small = Number(process.argv[2] ?? 100_000);
  const large = Number(process.argv[3] ?? 400_000);
  const a = await dryRun(small);
  const b = await dryRun(large);
  const v = judgeGrowth(a.peakRssKiB, b.peakRssKiB);
  const line = `memory guard: dry-run peak RSS ${v.smallMiB.toFixed(1)} MiB at ${small.toLocaleString('en')} records, ${v.largeMiB.toFixed(1)} MiB at ${large.toLocaleString('en')}: ratio ${v.ratio.toFixed(3)} (limit ${GUARD_MAX_RATIO})`;
  if (v.pass) console.log(`${line}: ok`);
  else {
    console.error(`${line}: FAILED: memory grows with the input (something keeps per-record data; see docs/performance.md, P3)`);
    process.exitCode = 1;
  }
}
