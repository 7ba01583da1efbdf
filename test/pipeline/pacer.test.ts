// Tests for the adaptive pacer on a fake clock.
import { describe, expect, it } from 'vitest';
import { createPacer, INITIAL_LATENCY_MS } from '../../src/pipeline/pacer.js';

function fakeClock() {
  const clock = { t: 0 };
  return {
    clock,
    now: (): number => clock.t,
    sleep: async (ms: number): Promise<void> => {
      await Promise.resolve();
      clock.t += ms;
    },
  };
}

describe('createPacer', () => {
  it.each([
    ['test', undefined, 24],
    ['live', undefined, 96],
    ['live', 40, 40],
  ] as const)('%s mode with requestsPerSecond %s starts at %i rps', (mode, requestsPerSecond, rate) => {
    const { now, sleep } = fakeClock();
    expect(createPacer({ mode, requestsPerSecond, now, sleep }).rate()).toBe(rate);
  });

  it('cuts the rate on 429 once per second and counts every 429', () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'test', now, sleep });
    pacer.observe(429, 100);
    pacer.observe(429, 100);
    clock.t = 500;
    pacer.observe(429, 100);
    expect(pacer.rate()).toBeCloseTo(24 * 0.7, 9);
    clock.t = 1000;
    pacer.observe(429, 100);
    expect(pacer.rate()).toBeCloseTo(24 * 0.7 * 0.7, 9);
    expect(pacer.throttledCount()).toBe(4);
  });

  it('never goes below the floor', () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'test', floor: 2, now, sleep });
    for (let i = 0; i < 30; i += 1) {
      clock.t = i * 1000;
      pacer.observe(429, 100);
    }
    expect(pacer.rate()).toBe(2);
  });

  it('climbs back to the ceiling on answered statuses other than 429', () => {
    const { now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'test', now, sleep });
    pacer.observe(429, 100);
    const lowered = pacer.rate();
    pacer.observe(200, 100);
    pacer.observe(400, 100);
    pacer.observe(404, 100);
    expect(pacer.rate()).toBeGreaterThan(lowered);
    for (let i = 0; i < 1000; i += 1) pacer.observe(200, 100);
    expect(pacer.rate()).toBe(24);
  });

  it.each([0, 500, 503])('status %i leaves the rate alone', (status) => {
    const { now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', now, sleep });
    pacer.observe(429, 100);
    const lowered = pacer.rate();
    pacer.observe(status, 100);
    expect(pacer.rate()).toBe(lowered);
  });

  it('keeps an EWMA of latency, ignoring network errors', () => {
    const { now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', now, sleep });
    expect(pacer.latency()).toBe(INITIAL_LATENCY_MS);
    pacer.observe(200, 100);
    expect(pacer.latency()).toBe(100);
    pacer.observe(200, 200);
    expect(pacer.latency()).toBeCloseTo(120, 9);
    pacer.observe(0, 80_000);
    expect(pacer.latency()).toBeCloseTo(120, 9);
  });

  it('acquire paces attempts at the lowered rate after a 429', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'test', requestsPerSecond: 10, burst: 1, now, sleep });
    await pacer.acquire();
    await pacer.acquire();
    expect(clock.t).toBe(100);
    pacer.observe(429, 50);
    const before = clock.t;
    await pacer.acquire();
    await pacer.acquire();
    // 7 rps → about 143 ms per token
    expect(clock.t - before).toBeGreaterThanOrEqual(2 * 142);
    expect(clock.t - before).toBeLessThanOrEqual(2 * 143 + 2);
  });
});
