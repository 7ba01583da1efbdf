// Each fault kind as a plain client sees it, plus the seeded picker.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FaultPicker } from './faults.js';
import { prng } from './random.js';
import { startEmulator, type Emulator } from './server.js';
import { client } from './test-client.js';
import type { FaultKind } from './types.js';

describe('FaultPicker', () => {
  it('consumes the schedule in order before random faults', () => {
    const p = new FaultPicker({ schedule: ['429', 'hang'], rate: 0 });
    expect([p.next(), p.next(), p.next()]).toEqual(['429', 'hang', undefined]);
  });

  it('draws the same faults for the same seed, at about the configured rate', () => {
    const draw = (): (FaultKind | undefined)[] => {
      const p = new FaultPicker({ rate: 0.3, kinds: ['429', '500'], seed: 7 });
      return Array.from({ length: 1000 }, () => p.next());
    };
    const a = draw();
    expect(draw()).toEqual(a);
    const hits = a.filter(Boolean).length;
    expect(hits).toBeGreaterThan(240);
    expect(hits).toBeLessThan(360);
    expect(new Set(a.filter(Boolean))).toEqual(new Set(['429', '500']));
  });

  it.each([[{ rate: 2 }], [{ kinds: ['nope' as FaultKind] }]])('refuses %j', (settings) => {
    expect(() => new FaultPicker(settings)).toThrow();
  });
});

describe('faults over HTTP', () => {
  let emulator: Emulator;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    emulator = await startEmulator({ rateLimit: null });
    api = client(emulator.url);
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.stop());

  const create = (k?: string) => api.post('/v1/customers', { name: 'f' }, k ? { 'Idempotency-Key': k } : {});

  it.each([
    ['429', 429, 'rate_limit', null],
    ['lock_timeout', 409, 'lock_timeout', null],
    ['500', 500, undefined, null],
    ['500_no_retry', 500, undefined, 'false'],
    ['500_retry', 500, undefined, 'true'],
  ] as const)('%s → HTTP %i', async (kind, status, code, shouldRetry) => {
    emulator.setFaults({ schedule: [kind] });
    const r = await create();
    expect(r.status).toBe(status);
    expect(r.headers.get('request-id')).toMatch(/^req_/);
    if (code) expect(r.body.error.code).toBe(code);
    expect(r.headers.get('stripe-should-retry')).toBe(shouldRetry);
    expect(emulator.count('customers')).toBe(0);
    expect((await create()).status).toBe(200);
  });

  it('latency delays the answer', async () => {
    emulator.setFaults({ schedule: ['latency'], latencyFaultMs: 200 });
    const t = performance.now();
    expect((await create()).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(190);
  });

  it('hang keeps the connection silent, then closes it', async () => {
    emulator.setFaults({ schedule: ['hang'], hangMs: 300 });
    const t = performance.now();
    await expect(create()).rejects.toThrow();
    expect(performance.now() - t).toBeGreaterThanOrEqual(290);
    expect(emulator.count('customers')).toBe(0);
  });

  it('reset_before drops the connection and creates nothing', async () => {
    emulator.setFaults({ schedule: ['reset_before'] });
    await expect(create('rb')).rejects.toThrow();
    expect(emulator.count('customers')).toBe(0);
    const retry = await create('rb');
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });

  it('reset_after creates exactly one object, and a retry with the same key replays it', async () => {
    emulator.setFaults({ schedule: ['reset_after'] });
    await expect(create('ra')).rejects.toThrow();
    expect(emulator.count('customers')).toBe(1);
    const retry = await create('ra');
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(emulator.objects('customers')[0]!.id);
    expect(emulator.count('customers')).toBe(1);
    expect(emulator.requestLog().map((l) => [l.status, l.fault ?? null])).toEqual([[0, 'reset_after'], [200, null]]);
  });

  it('never faults the control API, and sets faults through it', async () => {
    const set = await fetch(`${emulator.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify({ rate: 1, kinds: ['429'] }) });
    expect(set.status).toBe(200);
    expect((await fetch(`${emulator.url}/_emulator/counts`)).status).toBe(200);
    expect((await create()).status).toBe(429);
    await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' });
    expect((await create()).status).toBe(200);
    const counts = (await (await fetch(`${emulator.url}/_emulator/counts`)).json()) as Record<string, number>;
    expect(counts['customers']).toBe(1);
    const objects = (await (await fetch(`${emulator.url}/_emulator/objects/customers`)).json()) as { data: unknown[] };
    expect(objects.data).toHaveLength(1);
    const log = (await (await fetch(`${emulator.url}/_emulator/requests`)).json()) as { data: { path: string; host: string }[] };
    expect(log.data.map((l) => l.path)).toEqual(['/v1/customers']);
    expect(log.data[0]!.host).toBe(`127.0.0.1:${emulator.port}`);
  });

  it('adds base latency with jitter to every API request', async () => {
    // The jitter is drawn from the seeded source, so the delay this request gets is known: 100 ms + draw × 50 ms.
    // Only a lower bound holds on a busy machine; the draw itself is checked exactly.
    const seed = 11;
    const slow = await startEmulator({ rateLimit: null, latencyMs: 100, latencyJitterMs: 50, faults: { seed } });
    try {
      const expected = 100 + prng(seed)() * 50;
      expect(expected).toBeGreaterThanOrEqual(100);
      expect(expected).toBeLessThanOrEqual(150);
      const t = performance.now();
      expect((await client(slow.url).post('/v1/customers', {})).status).toBe(200);
      const took = performance.now() - t;
      expect(took).toBeGreaterThanOrEqual(expected - 2);
    } finally {
      await slow.stop();
    }
  });
});
