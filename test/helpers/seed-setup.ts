// Vitest setup file: fast-check draws from the run's seed, and every failed test prints how to replay it.
import fc from 'fast-check';
import { beforeEach } from 'vitest';
import { seedHint, testSeed } from './seed.js';

fc.configureGlobal({ seed: testSeed });

beforeEach((context) => {
  context.onTestFailed(() => {
    process.stderr.write(`\n${context.task.name}: failed with test seed ${testSeed}; replay with ${seedHint} npm test\n`);
  });
});
