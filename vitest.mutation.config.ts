// Vitest settings for mutation testing: only the unit tests of the policy modules Stryker mutates, with the
// default fixed seed (test/helpers/seed.ts) so every mutant meets the same property-test inputs.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/stripe/idempotency.test.ts',
      'test/stripe/retry.test.ts',
      'test/pipeline/checkpoints.test.ts',
      'test/config/redact.test.ts',
      'test/stripe/encode.test.ts',
      'test/stripe/hosts.test.ts',
      'test/pipeline/pacer.test.ts',
      'test/pipeline/token-bucket.test.ts',
      'test/pipeline/rate-policy.test.ts',
      'test/pipeline/endpoint-limits.test.ts',
      'test/stripe/endpoint.test.ts',
    ],
    setupFiles: ['test/helpers/seed-setup.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
