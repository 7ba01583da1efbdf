// Tests for Little's-law concurrency sizing.
import { describe, expect, it } from 'vitest';
import { targetConcurrency } from '../../src/pipeline/concurrency.js';

describe('targetConcurrency', () => {
  it.each([
    // rate, latencyMs, max, expected
    [90, 300, 64, 41], // 90 × 0.3 × 1.5 = 40.5 → 41
    [20, 300, 64, 9], // 20 × 0.3 × 1.5 = 9
    [20, 1000, 64, 30],
    [90, 2000, 64, 64], // 270 clamped to max
    [1, 50, 64, 1], // 0.075 → 1
    [0, 300, 64, 1],
    [90, 0, 64, 1],
    [90, 300, 0, 1], // max below 1 still allows one
    [90, Number.NaN, 64, 1],
    [-5, 300, 64, 1],
    [90, 300, 10.7, 10],
  ])('rate %f, latency %f ms, max %f → %i', (rate, latencyMs, max, expected) => {
    expect(targetConcurrency({ rate, latencyMs, max })).toBe(expected);
  });
});
