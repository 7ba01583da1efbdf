// The long-tailed latency model and its control API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LatencyModel } from './latency.js';
import { startEmulator, type Emulator } from './server.js';
import { client } from './test-client.js';

describe('LatencyModel', () => {
  it('draws a seeded log-normal around the median', () => {
    const model = new LatencyModel({ medianMs: 400, sigma: 0.8, seed: 7 });
    const draws = Array.from({ length: 4000 }, () => model.draw()!).sort((a, b) => a - b);
    const median = draws[2000]!;
    const p99 = draws[3960]!;
    expect(median).toBeGreaterThan(370);
    expect(median).toBeLessThan(430);
    // p99 of a log-normal is median × e^(2.326 σ) ≈ 6.4 × median
    expect(p99 / median).toBeGreaterThan(5);
    expect(p99 / median).toBeLessThan(8);
    const again = new LatencyModel({ medianMs: 400, sigma: 0.8, seed: 7 });
    expect(again.draw()).toBe(new LatencyModel({ medianMs: 400, sigma: 0.8, seed: 7 }).draw());
  });

  it('is off without a median, and refuses unknown or negative settings', () => {
    expect(new LatencyModel().draw()).toBeUndefined();
    expect(new LatencyModel({ medianMs: 50, sigma: 0 }).draw()).toBe(50);
    expect(() => new LatencyModel({ medianMs: -1 })).toThrow(/non-negative/);
    expect(() => new LatencyModel({ median: 3 } as never)).toThrow(/unknown latency setting/);
  });
});

describe('latency over HTTP', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ rateLimit: null });
  });
  afterAll(() => emulator.stop());

  it('is set and read through POST/GET /_emulator/latency, and delays answers at least by the draw', async () => {
    const set = await fetch(`${emulator.url}/_emulator/latency`, { method: 'POST', body: JSON.stringify({ median_ms: 60, sigma: 0 }) });
    expect(await set.json()).toEqual({ ok: true, latency: { medianMs: 60, sigma: 0 } });
    expect(await (await fetch(`${emulator.url}/_emulator/latency`)).json()).toEqual({ medianMs: 60, sigma: 0 });
    const started = performance.now();
    expect((await client(emulator.url).get('/v1/balance')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(59);
    const bad = await fetch(`${emulator.url}/_emulator/latency`, { method: 'POST', body: JSON.stringify({ median: 60 }) });
    expect(bad.status).toBe(400);
    emulator.setLatency({});
    expect(await (await fetch(`${emulator.url}/_emulator/latency`)).json()).toEqual({});
  });
});
