// One seed per test run for every random choice in tests: fast-check properties, kill points, PRNG draws.
// vitest.config.ts picks it (TEST_SEED, or a fresh one) and prints it; TEST_SEED=<n> npm test replays a run.
import { prng } from '../../integration_tests/emulator/random.js';

/** The run's seed, a 31-bit integer. */
export const testSeed: number = parseSeed(process.env.TEST_SEED);

export function parseSeed(text: string | undefined): number {
  if (text === undefined || text === '') return 20_261_130;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`TEST_SEED must be a non-negative integer, got ${JSON.stringify(text)}`);
  return n % 2 ** 31;
}

/** A deterministic PRNG for one purpose: the run's seed mixed with `label`, so draws in one test do not shift another's. */
export function seededRandom(label: string): () => number {
  return prng(seedFor(label));
}

/** The run's seed mixed with `label` (FNV-1a), for APIs that take a seed (the emulator's faults and jitter). */
export function seedFor(label: string): number {
  let h = 0x811c9dc5 ^ testSeed;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % 2 ** 31;
}

/** How to replay this run, for failure messages and test names. */
export const seedHint = `TEST_SEED=${testSeed}`;
