// The per-account token bucket: a burst above the limit gets 429s, and the sustained rate stays near it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';
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
});

describe('rate limit over HTTP', () => {
  let emulator: Emulator;
  let api: ReturnType<typeof client>;
  const rate = 20;
  beforeAll(async () => {
    emulator = await startEmulator({ rateLimit: rate });
    api = client(emulator.url);
  });
  afterAll(() => emulator.stop());

  it('answers 429 rate_limit to a burst above the limit', async () => {
    const replies = await Promise.all(Array.from({ length: 60 }, () => api.get('/v1/balance', { 'Stripe-Account': 'acct_burst' })));
    const limited = replies.filter((r) => r.status === 429);
    expect(replies.filter((r) => r.status === 200).length).toBeLessThanOrEqual(rate + 2);
    expect(limited.length).toBeGreaterThanOrEqual(60 - rate - 2);
    expect(limited[0]!.body.error).toMatchObject({ type: 'invalid_request_error', code: 'rate_limit' });
  });

  it('keeps the accepted rate near the limit over 3 s', async () => {
    const headers = { 'Stripe-Account': 'acct_sustained' };
    await Promise.all(Array.from({ length: rate }, () => api.get('/v1/balance', headers))); // drain the burst
    let accepted = 0;
    const end = Date.now() + 3000;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (Date.now() < end) {
          if ((await api.get('/v1/balance', headers)).status === 200) accepted++;
          await new Promise((r) => setTimeout(r, 5));
        }
      }),
    );
    expect(accepted).toBeGreaterThanOrEqual(rate * 3 * 0.75);
    expect(accepted).toBeLessThanOrEqual(rate * 3 * 1.25);
  });
});
