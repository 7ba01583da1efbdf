// Stripe's limiter structure in the emulator: a global bucket and one per endpoint, search at 20/s, and the
// 429 body. Every verdict runs on an injected clock, so none depends on how fast this machine answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointOf, limitsFor, RateLimiter } from './rate-limit.js';
import { startEmulator, type Emulator } from './server.js';
import { client } from './test-client.js';

describe('RateLimiter', () => {
  it.each([
    [10, 0, 0],
    [10, 500, 5],
    [10, 5000, 10],
    [null, 0, 20],
  ])('rate %s: %i ms after draining a full bucket, %i of 20 attempts pass', (rate, waitMs, expected) => {
    let t = 0;
    const limiter = new RateLimiter(() => t);
    for (let i = 0; i < (rate ?? 0); i++) expect(limiter.take('a', rate)).toBe(true);
    t += waitMs;
    let taken = 0;
    for (let i = 0; i < 20; i++) if (limiter.take('a', rate)) taken++;
    expect(taken).toBe(expected);
  });

  it('takes from every bucket or from none', () => {
    const limiter = new RateLimiter(() => 0);
    const endpoint = { key: 'e', rate: 2 };
    const global = { key: 'g', rate: 3 };
    expect(limiter.takeAll([endpoint, global])).toBeUndefined();
    expect(limiter.takeAll([endpoint, global])).toBeUndefined();
    expect(limiter.takeAll([endpoint, global])).toBe(endpoint); // endpoint empty: the global keeps its token
    expect(limiter.takeAll([{ key: 'other', rate: 2 }, global])).toBeUndefined();
    expect(limiter.takeAll([{ key: 'other', rate: 2 }, global])).toBe(global);
  });
});

describe('endpointOf and limitsFor', () => {
  it.each([
    ['POST', '/v1/customers', 'POST /v1/customers'],
    ['POST', '/v1/customers/cus_1', 'POST /v1/customers/{id}'],
    ['GET', '/v1/customers/search', 'GET /v1/customers/search'],
    ['POST', '/v1/customers/cus_1/tax_ids', 'POST /v1/customers/{id}/tax_ids'],
    ['POST', '/v1/invoices/in_1/void', 'POST /v1/invoices/{id}/void'],
    ['POST', '/v1/products/my-sku', 'POST /v1/products/{id}'],
    ['GET', '/v1/balance', 'GET /v1/balance'],
  ])('%s %s is endpoint %s', (method, path, endpoint) => {
    expect(endpointOf(method, path)).toBe(endpoint);
  });

  const settings = { global: 100, endpoint: 25, search: 20 };
  it.each([
    ['POST', '/v1/customers', true, [['s:POST /v1/customers', 25], ['s:global', 100]]],
    ['GET', '/v1/customers/search', true, [['s:GET /v1/customers/search', 20], ['s:global', 100]]],
    ['POST', '/v1/files', true, [['s:POST /v1/files', 20], ['s:global', 100]]],
    ['POST', '/v1/billing/meter_events', true, [['s:POST /v1/billing/meter_events', 1000]]],
    ['POST', '/v1/billing/meter_events', false, [['s:POST /v1/billing/meter_events', 25], ['s:global', 100]]],
    ['POST', '/v2/billing/meter_event_stream', true, [['s:POST /v2/billing/meter_event_stream', 10000]]],
  ] as const)('%s %s (live %s) counts against %j', (method, path, live, expected) => {
    expect(limitsFor(method, path, 's', live, settings).map((l) => [l.key, l.rate])).toEqual(expected);
  });

  it('has no limit at all when the global one is off', () => {
    expect(limitsFor('POST', '/v1/customers', 's', false, { global: null, endpoint: null, search: null })).toEqual([]);
  });
});

describe('rate limits over HTTP, on a frozen clock', () => {
  let emulator: Emulator;
  let api: ReturnType<typeof client>;
  const clock = { t: 0 };
  beforeAll(async () => {
    emulator = await startEmulator({ rateLimit: 20, clock: () => clock.t });
    api = client(emulator.url);
  });
  afterAll(() => emulator.stop());

  it('answers 429 rate_limit to a burst above the limit', async () => {
    // The clock does not move during the burst: exactly the bucket's 20 tokens pass, whatever the load.
    const replies = await Promise.all(Array.from({ length: 60 }, () => api.get('/v1/balance', { 'Stripe-Account': 'acct_burst' })));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(20);
    const limited = replies.filter((r) => r.status === 429);
    expect(limited).toHaveLength(40);
    expect(limited[0]!.body.error).toMatchObject({ type: 'invalid_request_error', code: 'rate_limit', doc_url: expect.stringContaining('rate-limit') });
    expect(limited[0]!.body.error.message).toMatch(/rate limit/i);
  });

  it('refills at the limit: one more token every 50 ms at 20/s', async () => {
    const headers = { 'Stripe-Account': 'acct_refill' };
    for (let i = 0; i < 20; i++) expect((await api.get('/v1/balance', headers)).status).toBe(200);
    let accepted = 0;
    for (let step = 0; step < 60; step++) {
      clock.t += 25; // two tries per token's worth of time
      if ((await api.get('/v1/balance', headers)).status === 200) accepted++;
      if ((await api.get('/v1/balance', headers)).status === 200) accepted++;
    }
    expect(accepted).toBe(30); // 1.5 s at 20/s
  });
});

describe('endpoint buckets over HTTP, on a frozen clock', () => {
  let emulator: Emulator;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    emulator = await startEmulator({ live: true, clock: () => 0 });
    api = client(emulator.url, 'sk_live_emulator');
  });
  afterAll(() => emulator.stop());

  it('holds one endpoint to 25 while another endpoint still passes, all under the global 100', async () => {
    const created = await Promise.all(Array.from({ length: 30 }, (_, i) => api.post('/v1/customers', { email: `c${i}@example.com` })));
    expect(created.filter((r) => r.status === 200)).toHaveLength(25);
    const products = await Promise.all(Array.from({ length: 30 }, (_, i) => api.post('/v1/products', { name: `p${i}` })));
    expect(products.filter((r) => r.status === 200)).toHaveLength(25);
    const id = created.find((r) => r.status === 200)!.body.id as string;
    // POST /v1/customers/{id} is its own endpoint: ids share it.
    const updates = await Promise.all(Array.from({ length: 30 }, (_, i) => api.post(`/v1/customers/${id}`, { name: `n${i}` })));
    expect(updates.filter((r) => r.status === 200)).toHaveLength(25);
    const searches = await Promise.all(Array.from({ length: 30 }, () => api.get(`/v1/customers/search?query=${encodeURIComponent("email:'c1@example.com'")}`)));
    expect(searches.filter((r) => r.status === 200)).toHaveLength(20); // search: 20/s
    // 95 of the global 100 are spent: a fresh endpoint gets the last 5.
    const prices = await Promise.all(Array.from({ length: 10 }, () => api.get('/v1/prices')));
    expect(prices.filter((r) => r.status === 200)).toHaveLength(5);
  });
});
