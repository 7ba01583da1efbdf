// Mutation testing of the policy modules that guard money and secrets (npm run mutate; not part of CI).
// One module at a time: npm run mutate -- --mutate src/stripe/retry.ts
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: [
    'src/stripe/idempotency.ts',
    'src/stripe/retry.ts',
    'src/pipeline/checkpoints.ts',
    'src/config/redact.ts',
    'src/stripe/encode.ts',
    'src/stripe/hosts.ts',
    'src/pipeline/pacer.ts',
    'src/pipeline/token-bucket.ts',
    'src/pipeline/rate-policy.ts',
    'src/pipeline/endpoint-limits.ts',
    'src/stripe/endpoint.ts',
  ],
  // The machine is shared: two workers at most.
  concurrency: 2,
  coverageAnalysis: 'perTest',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: 85 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  timeoutMS: 10_000,
};
