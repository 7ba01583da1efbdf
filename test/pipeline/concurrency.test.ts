// Tests for Little's-law concurrency sizing.
import { describe, expect, it } from 'vitest';
import { targetConcurrency } from '../../src/pipeline/concurrency.js';

describe('targetConcurrency', () => {
  it.each([
    // rate, latencyMs, max, expected
    [90, 300, 64, 54], // 90 × 0.3 × 2 = 54
    [20, 300, 64, 12], // 20 × 0.3 × 2 = 12
    [20, 1000, 64, 40],
    [96, 551, 1000, 106], // live, log-normal median 400 ms sigma 0.8 (mean 551 ms): 96 × 0.551 × 2 = 105.8 → 106
    [25, 333, 1000, 17], // 16.65 → 17
    [90, 2000, 64, 64], // 270 clamped to max
    [1, 50, 64, 1], // 0.1 → 1
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
