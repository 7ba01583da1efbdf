// Tests for the pure AIMD rate policy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRate, defaultRecoveryPerSecond, nextRate, STRIPE_RATE_CAP, throttleScope } from '../../src/pipeline/rate-policy.js';
import { ENDPOINT_RATE_CAP, endpointLimit, paceFor } from '../../src/pipeline/endpoint-limits.js';
import { hasShared, sharedDir } from '../helpers/shared.js';

describe('defaultRate', () => {
  // Stripe's global limits per account (../shared/docs/stripe-api.md, "Rate limits"): the figures come from the
  // docs, the rates from the policy, so this compares the product with an outside fact, not a table with itself.
  it.each([
    ['test', 25],
    ['live', 100],
  ] as const)('%s mode starts below Stripe\'s documented %i rps', (mode, documented) => {
    expect(STRIPE_RATE_CAP[mode]).toBe(documented);
    expect(defaultRate(mode)).toBeLessThan(documented);
    expect(defaultRate(mode)).toBeGreaterThan(0);
  });

  it.each(['test', 'live'] as const)('%s mode paces one endpoint below Stripe\'s documented 25 rps per endpoint', (mode) => {
    const { limit } = endpointLimit('POST /v1/customers', mode);
    expect(limit).toBe(25);
    expect(paceFor(limit)).toBeLessThan(25);
    expect(paceFor(limit)).toBeGreaterThan(0);
  });

  it.skipIf(!hasShared)('the documented limits are the ones in the reference notes', () => {
    const notes = readFileSync(join(sharedDir, 'docs', 'stripe-api.md'), 'utf8');
    expect(notes).toMatch(new RegExp(`${STRIPE_RATE_CAP.live} requests/s in live mode, ${STRIPE_RATE_CAP.test} requests/s in sandbox`));
    expect(notes).toMatch(new RegExp(`Per endpoint, in live mode too: ${ENDPOINT_RATE_CAP} requests/s by default`));
  });
});

describe('nextRate', () => {
  const base = { ceiling: 90, floor: 1 };

  it.each([
    // name, current, event, now, lastDecreaseAt, expected rate, expected lastDecreaseAt
    ['first 429 cuts by 0.7', 90, 'throttled', 5000, undefined, 63, 5000],
    ['429 inside the 1 s window is ignored', 63, 'throttled', 5500, 5000, 63, 5000],
    ['429 at 999 ms is still the same event', 63, 'throttled', 5999, 5000, 63, 5000],
    ['429 after the window cuts again', 63, 'throttled', 6000, 5000, 44.1, 6000],
    ['never below the floor', 1.2, 'throttled', 9000, 1000, 1, 9000],
    ['at the floor stays at the floor', 1, 'throttled', 9000, 1000, 1, 9000],
    ['success adds recovery/rate', 60, 'ok', 9000, 1000, 60 + 1.8 / 60, 1000],
    ['success never exceeds the ceiling', 89.99, 'ok', 9000, undefined, 90, undefined],
    ['success at the ceiling stays there', 90, 'ok', 9000, undefined, 90, undefined],
    ['current above the ceiling is clamped', 120, 'ok', 0, undefined, 90, undefined],
  ] as const)('%s', (_name, current, event, now, lastDecreaseAt, rate, last) => {
    const result = nextRate({ ...base, current, event, now, lastDecreaseAt });
    expect(result.rate).toBeCloseTo(rate, 9);
    expect(result.lastDecreaseAt).toBe(last);
  });

  it.each([
    [20, 0.5],
    [25, 0.5],
    [90, 1.8],
    [100, 2],
  ])('recovery for ceiling %i is %f rps per second', (ceiling, perSecond) => {
    expect(defaultRecoveryPerSecond(ceiling)).toBeCloseTo(perSecond, 9);
  });

  it('one second of clean traffic at the current rate regains about recoveryPerSecond', () => {
    let rate = 50;
    const successesInOneSecond = 50;
    for (let i = 0; i < successesInOneSecond; i += 1) {
      rate = nextRate({ current: rate, ceiling: 90, floor: 1, event: 'ok', now: i, lastDecreaseAt: undefined }).rate;
    }
    expect(rate - 50).toBeGreaterThan(1.7);
    expect(rate - 50).toBeLessThan(1.81);
  });

  it('honours an explicit recovery step', () => {
    expect(nextRate({ current: 10, ceiling: 20, floor: 1, event: 'ok', now: 0, lastDecreaseAt: undefined, recoveryPerSecond: 5 }).rate).toBe(10.5);
  });

  it('a floor above the ceiling is capped at the ceiling', () => {
    expect(nextRate({ current: 5, ceiling: 5, floor: 10, event: 'throttled', now: 0, lastDecreaseAt: undefined }).rate).toBe(5);
  });
});

describe('throttleScope', () => {
  it.each([
    // endpointLoad, globalLoad, otherEndpointThrottled, countsGlobal, scope
    [0.96, 0.96, false, true, 'endpoint'], // one endpoint in sandbox: its own bucket is as full as the global one
    [0.96, 0.24, false, true, 'endpoint'], // one endpoint with a live key
    [0.77, 0.96, false, true, 'endpoint'], // five endpoints live, first 429: the endpoint that got it
    [0.77, 0.96, true, true, 'global'], // ... a second endpoint refused within a second: the shared limit
    [0.1, 0.9, false, true, 'global'], // far below its own limit: cannot be its own bucket
    [0.1, 0.05, false, true, 'endpoint'], // nearly idle everywhere (other clients?): the endpoint, not every stream
    [0.49, 0.49, false, true, 'global'],
    [0.5, 0.5, false, true, 'endpoint'],
    [0.9, 0.2, true, false, 'endpoint'], // meter event streams have their own limit
  ] as const)('endpoint load %f, global load %f, other endpoint refused %s, counts global %s → %s', (endpointLoad, globalLoad, otherEndpointThrottled, countsGlobal, scope) => {
    expect(throttleScope({ endpointLoad, globalLoad, otherEndpointThrottled, countsGlobal })).toBe(scope);
  });
});
