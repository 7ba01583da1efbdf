// Tests for the token bucket on a fake clock whose sleep advances time instantly.
import { describe, expect, it } from 'vitest';
import { createTokenBucket, defaultBurst } from '../../src/pipeline/token-bucket.js';

function fakeClock() {
  const clock = { t: 0, sleeps: [] as number[], active: 0, maxActive: 0 };
  const now = (): number => clock.t;
  const sleep = async (ms: number): Promise<void> => {
    clock.active += 1;
    clock.maxActive = Math.max(clock.maxActive, clock.active);
    clock.sleeps.push(ms);
    await Promise.resolve();
    clock.t += ms;
    clock.active -= 1;
  };
  return { clock, now, sleep };
}

/** Takes `count` tokens at once and records the order and time each one was granted. */
async function takeMany(bucket: { take(): Promise<void> }, count: number, now: () => number) {
  const granted: Array<{ index: number; at: number }> = [];
  await Promise.all(
    Array.from({ length: count }, (_, index) => bucket.take().then(() => granted.push({ index, at: now() }))),
  );
  return granted;
}

describe('createTokenBucket', () => {
  it.each([
    [1, 1],
    [10, 1],
    [20, 2],
    [90, 9],
  ])('default burst for %i rps is %f', (rate, burst) => {
    expect(defaultBurst(rate)).toBe(burst);
  });

  it('spaces takes 1/rate apart once the burst is spent, in call order', async () => {
    const { now, sleep } = fakeClock();
    const bucket = createTokenBucket({ rate: 10, burst: 1, now, sleep });
    const granted = await takeMany(bucket, 5, now);
    expect(granted).toEqual([
      { index: 0, at: 0 },
      { index: 1, at: 100 },
      { index: 2, at: 200 },
      { index: 3, at: 300 },
      { index: 4, at: 400 },
    ]);
  });

  it('uses one timer for the head waiter, never a loop of overlapping sleeps', async () => {
    const { clock, now, sleep } = fakeClock();
    const bucket = createTokenBucket({ rate: 50, burst: 1, now, sleep });
    await takeMany(bucket, 40, now);
    expect(clock.maxActive).toBe(1);
    expect(clock.sleeps).toHaveLength(39);
    expect(clock.sleeps.every((ms) => ms === 20)).toBe(true);
  });

  it('stays under the per-second window on a cold start with the default burst', async () => {
    const { now, sleep } = fakeClock();
    const bucket = createTokenBucket({ rate: 90, now, sleep });
    const granted = await takeMany(bucket, 300, now);
    const inFirstSecond = granted.filter((g) => g.at < 1000).length;
    expect(inFirstSecond).toBeLessThanOrEqual(99);
    expect(inFirstSecond).toBeGreaterThanOrEqual(95);
    expect(granted.slice(0, 9).every((g) => g.at === 0)).toBe(true);
    expect(granted[9]?.at).toBeGreaterThan(0);
  });

  it('serves late callers after earlier waiters (FIFO)', async () => {
    const { now, sleep } = fakeClock();
    const bucket = createTokenBucket({ rate: 10, burst: 1, now, sleep });
    const order: string[] = [];
    const first = [bucket.take().then(() => order.push('a')), bucket.take().then(() => order.push('b'))];
    expect(bucket.waiting()).toBe(1);
    const late = bucket.take().then(() => order.push('c'));
    await Promise.all([...first, late]);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(bucket.waiting()).toBe(0);
  });

  it('refills only up to the burst after idle time', async () => {
    const { clock, now, sleep } = fakeClock();
    const bucket = createTokenBucket({ rate: 10, burst: 3, now, sleep });
    await takeMany(bucket, 3, now);
    clock.t += 60_000;
    const start = clock.t;
    const granted = await takeMany(bucket, 5, now);
    expect(granted.map((g) => g.at - start)).toEqual([0, 0, 0, 100, 200]);
  });

  it('setRate lowers the pace of later tokens and re-derives a default burst', async () => {
    const { clock, now, sleep } = fakeClock();
    const bucket = createTokenBucket({ rate: 100, now, sleep });
    await takeMany(bucket, 20, now);
    bucket.setRate(5);
    expect(bucket.rate()).toBe(5);
    const start = clock.t;
    const granted = await takeMany(bucket, 3, now);
    const gaps = granted.slice(1).map((g, i) => g.at - (granted[i]?.at ?? 0));
    expect(gaps).toEqual([200, 200]);
    expect(granted[0]!.at - start).toBeLessThanOrEqual(200);
  });

  it('setRate raising the rate shortens later waits', async () => {
    const { now, sleep } = fakeClock();
    const bucket = createTokenBucket({ rate: 2, burst: 1, now, sleep });
    await takeMany(bucket, 2, now);
    bucket.setRate(50);
    const granted = await takeMany(bucket, 4, now);
    const gaps = granted.slice(1).map((g, i) => g.at - (granted[i]?.at ?? 0));
    expect(gaps).toEqual([20, 20, 20]);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses rate %f', (rate) => {
    const { now, sleep } = fakeClock();
    expect(() => createTokenBucket({ rate, now, sleep })).toThrow(RangeError);
    const bucket = createTokenBucket({ rate: 1, now, sleep });
    expect(() => bucket.setRate(rate)).toThrow(RangeError);
  });

  it('rejects waiters if the sleep fails', async () => {
    const bucket = createTokenBucket({ rate: 1, burst: 1, now: () => 0, sleep: () => Promise.reject(new Error('timer broke')) });
    await bucket.take();
    await expect(bucket.take()).rejects.toThrow('timer broke');
  });
});

describe('createTokenBucket at its edges', () => {
  it.each([0, 0.5, Number.NaN])('refuses a burst of %f, naming it', (burst) => {
    const { now, sleep } = fakeClock();
    expect(() => createTokenBucket({ rate: 10, burst, now, sleep })).toThrow(new RangeError(`burst must be at least 1, got ${burst}`));
  });

  it('names a refused rate', () => {
    const { now, sleep } = fakeClock();
    expect(() => createTokenBucket({ rate: -2, now, sleep })).toThrow(new RangeError('rate must be a positive number, got -2'));
  });

  /** A clock that moves only when told, and sleeps that end only when released. */
  function manualClock() {
    const state = { t: 0, sleeps: [] as Array<{ ms: number; wake: () => void }> };
    return {
      state,
      now: () => state.t,
      sleep: (ms: number) => new Promise<void>((wake) => state.sleeps.push({ ms, wake })),
      /** Advances time by the oldest sleep and ends it. */
      async step() {
        const next = state.sleeps.shift()!;
        state.t += next.ms;
        next.wake();
        for (let i = 0; i < 10; i += 1) await Promise.resolve();
      },
    };
  }

  it('counts waiters as they are served, and a caller arriving as a token is earned queues behind them', async () => {
    const clock = manualClock();
    const bucket = createTokenBucket({ rate: 10, burst: 1, now: clock.now, sleep: clock.sleep });
    await bucket.take();
    const order: string[] = [];
    const a = bucket.take().then(() => order.push('a'));
    const b = bucket.take().then(() => order.push('b'));
    await Promise.resolve();
    expect(bucket.waiting()).toBe(2);
    expect(clock.state.sleeps.map((s) => s.ms)).toEqual([100]);
    // The token for `a` is due, but the bucket has not woken yet: a newcomer must not take it.
    clock.state.t += 100;
    const c = bucket.take().then(() => order.push('c'));
    clock.state.t -= 100;
    await clock.step();
    expect(order).toEqual(['a']);
    expect(bucket.waiting()).toBe(2);
    await clock.step();
    await clock.step();
    await Promise.all([a, b, c]);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(bucket.waiting()).toBe(0);
  });

  it('keeps an explicit burst when the rate changes', async () => {
    const { clock, now, sleep } = fakeClock();
    const bucket = createTokenBucket({ rate: 10, burst: 5, now, sleep });
    bucket.setRate(100);
    clock.t += 10_000;
    const start = clock.t;
    const granted = await takeMany(bucket, 7, now);
    expect(granted.map((g) => g.at - start)).toEqual([0, 0, 0, 0, 0, 10, 20]);
  });

  it('re-derives the default burst when the rate changes', async () => {
    const { clock, now, sleep } = fakeClock();
    const bucket = createTokenBucket({ rate: 100, now, sleep });
    bucket.setRate(5);
    clock.t += 10_000;
    const start = clock.t;
    const granted = await takeMany(bucket, 3, now);
    expect(granted.map((g) => g.at - start)).toEqual([0, 200, 400]);
  });
});
