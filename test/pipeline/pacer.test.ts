// Tests for the adaptive pacer on a fake clock: a global bucket and one bucket per endpoint.
import { describe, expect, it } from 'vitest';
import { createPacer, INITIAL_LATENCY_MS, MAX_ENDPOINT_BUCKETS } from '../../src/pipeline/pacer.js';

const CREATE = 'POST /v1/customers';
const UPDATE = 'POST /v1/customers/{id}';
const SEARCH = 'GET /v1/customers/search';
const PRODUCTS = 'POST /v1/products';
const STREAM = 'POST /v2/billing/meter_event_stream';

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

/** Takes `count` tokens for `endpoint` one after the other; answers the fake time it took. */
async function timeTakes(pacer: ReturnType<typeof createPacer>, clock: { t: number }, endpoint: string, count: number): Promise<number> {
  const start = clock.t;
  for (let i = 0; i < count; i += 1) await pacer.acquire(endpoint);
  return clock.t - start;
}

describe('createPacer: ceilings', () => {
  it.each([
    // mode, requestsPerSecond, endpoint, global rate, endpoint rate
    ['test', undefined, CREATE, 24, 24],
    ['live', undefined, CREATE, 96, 24],
    ['live', undefined, UPDATE, 96, 24],
    ['live', undefined, SEARCH, 96, 19.2],
    ['live', undefined, 'POST /v1/files', 96, 19.2],
    ['live', undefined, 'POST /v1/billing/meter_events', 96, 960],
    ['test', undefined, 'POST /v1/billing/meter_events', 24, 24],
    ['live', undefined, STREAM, 96, 9600],
    ['live', 40, CREATE, 40, 24],
    ['live', 10, CREATE, 10, 10],
    ['live', 10, STREAM, 10, 9600],
    ['test', 50, CREATE, 50, 48], // raised limits: twice the documented 25
    ['test', 10_000, CREATE, 10_000, 9600],
    ['live', 200, SEARCH, 200, 38.4],
  ] as const)('%s mode, requests_per_second %s: %s starts at global %f, endpoint %f', (mode, requestsPerSecond, endpoint, globalRate, endpointRate) => {
    const { now, sleep } = fakeClock();
    const pacer = createPacer({ mode, requestsPerSecond, now, sleep });
    expect(pacer.rate()).toBe(globalRate);
    expect(pacer.endpointRate(endpoint)).toBeCloseTo(endpointRate, 9);
  });

  it('paces one endpoint at its own 24/s even with a live key', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', burst: 1, now, sleep });
    const ms = await timeTakes(pacer, clock, CREATE, 49);
    // 1 token at once, then 48 at 24/s: 2 s
    expect(ms).toBeGreaterThanOrEqual(1990);
    expect(ms).toBeLessThanOrEqual(2050);
  });

  it('paces searches at 19.2/s', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', burst: 1, now, sleep });
    const ms = await timeTakes(pacer, clock, SEARCH, 97);
    // 96 waits of 1000/19.2 = 52.1 ms, each rounded up to a whole ms by a burst of 1
    expect(ms).toBeGreaterThanOrEqual(4990);
    expect(ms).toBeLessThanOrEqual(96 * 53);
  });

  it('lets five endpoints share the global 96/s in live mode', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', burst: 1, now, sleep });
    const endpoints = [CREATE, PRODUCTS, 'POST /v1/prices', 'POST /v1/coupons', 'POST /v1/tax_rates'];
    const counts = new Map(endpoints.map((e) => [e, 0]));
    const until = 3000;
    await Promise.all(
      endpoints.map(async (endpoint) => {
        while (clock.t < until) {
          await pacer.acquire(endpoint);
          counts.set(endpoint, counts.get(endpoint)! + 1);
        }
      }),
    );
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    expect(total / 3).toBeGreaterThan(90);
    expect(total / 3).toBeLessThanOrEqual(98);
    for (const count of counts.values()) expect(count / 3).toBeLessThanOrEqual(24.7);
  });

  it('keeps the meter event stream outside the global bucket', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'test', requestsPerSecond: 1, burst: 1, now, sleep });
    // At the global 1/s, 50 requests would take 49 s; at the stream's own 9,600/s, about 50 ms.
    await timeTakes(pacer, clock, STREAM, 50);
    expect(clock.t).toBeLessThan(100);
  });

  it('folds endpoints past MAX_ENDPOINT_BUCKETS into one shared bucket', () => {
    const { now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', now, sleep });
    for (let i = 0; i < MAX_ENDPOINT_BUCKETS + 10; i += 1) void pacer.acquire(`POST /v1/x${i}`);
    expect(pacer.endpointRate('POST /v1/another')).toBe(24);
  });
});

describe('createPacer: adaptation', () => {
  it('cuts a busy endpoint on 429, once per second, and leaves the global and other endpoints alone', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', now, sleep });
    await timeTakes(pacer, clock, CREATE, 30);
    pacer.observe(CREATE, 429, 100);
    pacer.observe(CREATE, 429, 100);
    expect(pacer.endpointRate(CREATE)).toBeCloseTo(24 * 0.7, 9);
    clock.t += 1000;
    await timeTakes(pacer, clock, CREATE, 20);
    pacer.observe(CREATE, 429, 100);
    expect(pacer.endpointRate(CREATE)).toBeCloseTo(24 * 0.7 * 0.7, 9);
    expect(pacer.rate()).toBe(96);
    expect(pacer.endpointRate(PRODUCTS)).toBe(24);
    expect(pacer.throttledCount()).toBe(3);
    expect(pacer.throttledBy()).toEqual({ global: 0, endpoint: 3 });
  });

  it('cuts the global bucket when a second endpoint is refused within a second', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', now, sleep });
    await Promise.all([timeTakes(pacer, clock, CREATE, 20), timeTakes(pacer, clock, PRODUCTS, 20)]);
    pacer.observe(CREATE, 429, 100);
    clock.t += 300;
    pacer.observe(PRODUCTS, 429, 100);
    expect(pacer.endpointRate(CREATE)).toBeCloseTo(24 * 0.7, 9);
    expect(pacer.endpointRate(PRODUCTS)).toBe(24);
    expect(pacer.rate()).toBeCloseTo(96 * 0.7, 9);
    expect(pacer.throttledBy()).toEqual({ global: 1, endpoint: 1 });
  });

  it('cuts the global bucket when the refused endpoint was far below its own limit', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'test', now, sleep });
    // 2 requests in the last second: 8 % of the endpoint's 25/s, and 8 % of the global 25/s
    await timeTakes(pacer, clock, CREATE, 2);
    pacer.observe(CREATE, 429, 100);
    expect(pacer.rate()).toBeCloseTo(24 * 0.7, 9);
    expect(pacer.endpointRate(CREATE)).toBe(24);
  });

  it('never goes below the floor', () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'test', floor: 2, now, sleep });
    for (let i = 0; i < 30; i += 1) {
      clock.t = i * 1000;
      pacer.observe(CREATE, 429, 100);
    }
    expect(Math.min(pacer.rate(), pacer.endpointRate(CREATE))).toBe(2);
  });

  it('climbs back to the ceilings on answered statuses other than 429', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', now, sleep });
    await timeTakes(pacer, clock, CREATE, 30);
    pacer.observe(CREATE, 429, 100);
    const lowered = pacer.endpointRate(CREATE);
    pacer.observe(CREATE, 200, 100);
    pacer.observe(CREATE, 400, 100);
    pacer.observe(CREATE, 404, 100);
    expect(pacer.endpointRate(CREATE)).toBeGreaterThan(lowered);
    for (let i = 0; i < 1000; i += 1) pacer.observe(CREATE, 200, 100);
    expect(pacer.endpointRate(CREATE)).toBe(24);
  });

  it.each([0, 500, 503])('status %i leaves the rates alone', async (status) => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', now, sleep });
    await timeTakes(pacer, clock, CREATE, 30);
    pacer.observe(CREATE, 429, 100);
    const lowered = pacer.endpointRate(CREATE);
    pacer.observe(CREATE, status, 100);
    expect(pacer.endpointRate(CREATE)).toBe(lowered);
    expect(pacer.rate()).toBe(96);
  });

  it('keeps an EWMA of latency, ignoring network errors', () => {
    const { now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', now, sleep });
    expect(pacer.latency()).toBe(INITIAL_LATENCY_MS);
    pacer.observe(CREATE, 200, 100);
    expect(pacer.latency()).toBe(100);
    pacer.observe(CREATE, 200, 200);
    expect(pacer.latency()).toBeCloseTo(120, 9);
    pacer.observe(CREATE, 0, 80_000);
    expect(pacer.latency()).toBeCloseTo(120, 9);
  });

  it('acquire paces attempts at the lowered rate after a 429', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'test', requestsPerSecond: 10, burst: 1, now, sleep });
    await pacer.acquire(CREATE);
    await pacer.acquire(CREATE);
    expect(clock.t).toBe(100);
    pacer.observe(CREATE, 429, 50);
    const before = clock.t;
    await pacer.acquire(CREATE);
    await pacer.acquire(CREATE);
    // 7 rps → about 143 ms per token
    expect(clock.t - before).toBeGreaterThanOrEqual(2 * 142);
    expect(clock.t - before).toBeLessThanOrEqual(2 * 143 + 2);
  });
});

describe('createPacer: capacity', () => {
  it.each([
    // mode, endpoints used, expected capacity
    ['live', [], 96],
    ['live', [CREATE], 24],
    ['live', [CREATE, PRODUCTS, 'POST /v1/tax_rates'], 72],
    ['live', [CREATE, PRODUCTS, 'POST /v1/tax_rates', 'POST /v1/prices', 'POST /v1/coupons'], 96],
    ['test', [CREATE, PRODUCTS], 24],
    ['live', [SEARCH, CREATE], 43.2],
  ] as const)('%s mode with %j active: %f requests/s', async (mode, endpoints, expected) => {
    const { now, sleep } = fakeClock();
    const pacer = createPacer({ mode, now, sleep });
    for (const endpoint of endpoints) await pacer.acquire(endpoint);
    expect(pacer.capacity()).toBeCloseTo(expected, 9);
  });

  it('forgets endpoints idle for more than two seconds', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', now, sleep });
    await pacer.acquire(CREATE);
    await pacer.acquire(PRODUCTS);
    clock.t += 2500;
    await pacer.acquire(PRODUCTS);
    expect(pacer.capacity()).toBe(24);
  });
});

describe('createPacer: which bucket a 429 lowers, from the traffic of the last second', () => {
  /** `count` requests at t = 0 (a burst large enough for all of them), then a 429 at `at`. */
  async function scopeOf(mode: 'test' | 'live', requests: Array<[string, number]>, at: number, refused = CREATE) {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode, burst: 100, now, sleep });
    for (const [endpoint, count] of requests) for (let i = 0; i < count; i += 1) await pacer.acquire(endpoint);
    expect(clock.t).toBe(0);
    clock.t = at;
    pacer.observe(refused, 429, 100);
    const by = pacer.throttledBy();
    return by.global === 1 ? 'global' : 'endpoint';
  }

  it.each([
    // 20 requests of one endpoint in the first second, in test mode (endpoint and global limits both 25/s)
    [500, 'endpoint'], // 20 in the last second: 80 % of the endpoint's limit
    [1100, 'endpoint'], // the previous second weighted by its 90 % overlap: 18, 72 %
    [1700, 'global'], // 30 % overlap: 6, 24 %, below half of the endpoint's limit and the global load as high
    [2500, 'global'], // nothing in the last second
  ] as const)('test mode, 20 requests then a 429 at %i ms: the %s bucket', async (at, scope) => {
    expect(await scopeOf('test', [[CREATE, 20]], at)).toBe(scope);
  });

  it('after a long idle time the load windows start afresh: 5 requests then a 429 in test mode is global', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'test', burst: 100, now, sleep });
    clock.t = 10_000;
    await timeTakes(pacer, clock, CREATE, 5);
    clock.t = 10_500;
    pacer.observe(CREATE, 429, 100);
    expect(pacer.throttledBy()).toEqual({ global: 1, endpoint: 0 });
  });

  it('live mode, a lightly used endpoint: the endpoint bucket while the global load is lower still', async () => {
    // 5 requests: 20 % of the endpoint's 25/s, 5 % of the global 100/s
    expect(await scopeOf('live', [[CREATE, 5]], 500)).toBe('endpoint');
  });

  it('requests outside the global limit (meter event stream) do not count toward the global load', async () => {
    expect(await scopeOf('live', [[STREAM, 60], [CREATE, 5]], 500)).toBe('endpoint');
  });

  it('a 429 of an endpoint outside the global limit does not make another endpoint\'s 429 global', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', burst: 100, now, sleep });
    await timeTakes(pacer, clock, CREATE, 20);
    pacer.observe(STREAM, 429, 100);
    clock.t += 500;
    pacer.observe(CREATE, 429, 100);
    expect(pacer.throttledBy()).toEqual({ global: 0, endpoint: 2 });
  });

  it('a 429 of another endpoint more than a second ago is a separate event', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', burst: 100, now, sleep });
    await timeTakes(pacer, clock, CREATE, 20);
    pacer.observe(CREATE, 429, 100);
    clock.t += 1001;
    await timeTakes(pacer, clock, PRODUCTS, 20);
    pacer.observe(PRODUCTS, 429, 100);
    expect(pacer.throttledBy()).toEqual({ global: 0, endpoint: 2 });
  });

  it('a second endpoint refused exactly one second after the first still counts as the same congestion', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', burst: 100, now, sleep });
    await timeTakes(pacer, clock, CREATE, 20);
    await timeTakes(pacer, clock, PRODUCTS, 20);
    pacer.observe(CREATE, 429, 100);
    clock.t += 1000;
    pacer.observe(PRODUCTS, 429, 100);
    expect(pacer.throttledBy()).toEqual({ global: 1, endpoint: 1 });
  });
});

describe('createPacer: recovery and pacing after a cut', () => {
  async function globalCut() {
    const fake = fakeClock();
    const pacer = createPacer({ mode: 'live', burst: 100, now: fake.now, sleep: fake.sleep });
    await timeTakes(pacer, fake.clock, CREATE, 20);
    await timeTakes(pacer, fake.clock, PRODUCTS, 20);
    pacer.observe(CREATE, 429, 100);
    pacer.observe(PRODUCTS, 429, 100);
    expect(pacer.rate()).toBeCloseTo(96 * 0.7, 9);
    return pacer;
  }

  it('the global bucket climbs back to its ceiling on answers from endpoints that count against it', async () => {
    const pacer = await globalCut();
    for (let i = 0; i < 3000; i += 1) pacer.observe(CREATE, 200, 100);
    expect(pacer.rate()).toBe(96);
  });

  it('answers from the meter event stream (outside the global limit) do not raise the global bucket', async () => {
    const pacer = await globalCut();
    for (let i = 0; i < 3000; i += 1) pacer.observe(STREAM, 200, 100);
    expect(pacer.rate()).toBeCloseTo(96 * 0.7, 9);
  });

  it('a cut endpoint bucket paces its requests at the lowered rate', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', burst: 1, now, sleep });
    await timeTakes(pacer, clock, CREATE, 25);
    pacer.observe(CREATE, 429, 100);
    expect(pacer.endpointRate(CREATE)).toBeCloseTo(16.8, 9);
    // 17 more at 16.8/s: at least 16 gaps of 1/16.8 s (the first may use a token earned meanwhile)
    const ms = await timeTakes(pacer, clock, CREATE, 17);
    expect(ms).toBeGreaterThanOrEqual(Math.floor((16 * 1000) / 16.8));
  });

  it('latency: a negative sample is ignored, a zero one counts', () => {
    const { now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', now, sleep });
    pacer.observe(CREATE, 200, -5);
    expect(pacer.latency()).toBe(INITIAL_LATENCY_MS);
    pacer.observe(CREATE, 200, 0);
    expect(pacer.latency()).toBe(0);
  });
});

describe('createPacer: capacity and overflow at their edges', () => {
  it('adds the endpoints outside the global limit to what the global bucket allows', async () => {
    const { now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', now, sleep });
    await pacer.acquire(CREATE);
    await pacer.acquire(STREAM);
    expect(pacer.capacity()).toBeCloseTo(24 + 9600, 9);
  });

  it('an endpoint used exactly two seconds ago still counts as active', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', now, sleep });
    await pacer.acquire(CREATE);
    clock.t += 2000;
    expect(pacer.capacity()).toBe(24);
  });

  it('the shared overflow bucket is an ordinary 24/s endpoint counting against the global limit', () => {
    const { now, sleep } = fakeClock();
    const pacer = createPacer({ mode: 'live', now, sleep });
    for (let i = 0; i < MAX_ENDPOINT_BUCKETS; i += 1) void pacer.acquire(`POST /v1/x${i}`);
    // A search would have its own 19.2/s bucket; past the bound it shares the overflow bucket.
    expect(pacer.endpointRate(SEARCH)).toBe(24);
    expect(pacer.capacity()).toBe(96);
  });
});
