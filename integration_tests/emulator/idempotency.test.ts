// Idempotency as Stripe does it: replay, mismatch, in-flight conflicts, and what is never stored.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './server.js';
import { client } from './test-client.js';

let emulator: Emulator;
let api: ReturnType<typeof client>;
beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: null });
  api = client(emulator.url);
});
afterEach(() => emulator.reset());
afterAll(() => emulator.stop());

const key = (k: string): Record<string, string> => ({ 'Idempotency-Key': k });

describe('idempotency', () => {
  it('replays the first answer for the same key and parameters', async () => {
    const first = await api.post('/v1/customers', { email: 'a@example.com', metadata: { x: '1' } }, key('k1'));
    const again = await api.post('/v1/customers', { metadata: { x: '1' }, email: 'a@example.com' }, key('k1'));
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(emulator.count('customers')).toBe(1);
  });

  it('refuses the same key with different parameters', async () => {
    await api.post('/v1/customers', { email: 'a@example.com' }, key('k2'));
    const other = await api.post('/v1/customers', { email: 'b@example.com' }, key('k2'));
    expect(other.status).toBe(400);
    expect(other.body.error.type).toBe('idempotency_error');
    const otherPath = await api.post('/v1/products', { name: 'x' }, key('k2'));
    expect(otherPath.body.error.type).toBe('idempotency_error');
  });

  it('answers 409 idempotency_key_in_use while the first request is in flight', async () => {
    // The second request goes once the emulator holds the first (not after a fixed wait), and the first is held
    // long enough that a busy machine cannot finish it before the second arrives.
    emulator.setFaults({ schedule: ['latency'], latencyFaultMs: 2_000 });
    const slow = api.post('/v1/customers', { name: 'slow' }, key('k3'));
    while (emulator.requestLog().length === 0) await new Promise((r) => setTimeout(r, 5));
    const concurrent = await api.post('/v1/customers', { name: 'slow' }, key('k3'));
    expect(concurrent.status).toBe(409);
    expect(concurrent.body.error).toMatchObject({ type: 'invalid_request_error', code: 'idempotency_key_in_use' });
    expect((await slow).status).toBe(200);
    expect((await api.post('/v1/customers', { name: 'slow' }, key('k3'))).headers.get('idempotent-replayed')).toBe('true');
    expect(emulator.count('customers')).toBe(1);
  });

  it('stores nothing for a validation failure', async () => {
    const bad = await api.post('/v1/customers', { bogus: '1' }, key('k4'));
    expect(bad.status).toBe(400);
    const good = await api.post('/v1/customers', { name: 'fixed' }, key('k4'));
    expect(good.status).toBe(200);
    expect(good.headers.get('idempotent-replayed')).toBeNull();
  });

  it('stores nothing for a 401 or a 429', async () => {
    const unauthorized = await client(emulator.url, 'sk_bad').post('/v1/customers', { name: 'n' }, key('k5'));
    expect(unauthorized.status).toBe(401);
    emulator.setFaults({ schedule: ['429'] });
    expect((await api.post('/v1/customers', { name: 'n' }, key('k5'))).status).toBe(429);
    const ok = await api.post('/v1/customers', { name: 'n' }, key('k5'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('idempotent-replayed')).toBeNull();
  });

  it('stores a 500 raised after execution started', async () => {
    emulator.setFaults({ schedule: ['500'] });
    expect((await api.post('/v1/customers', { name: 'n' }, key('k6'))).status).toBe(500);
    const replay = await api.post('/v1/customers', { name: 'n' }, key('k6'));
    expect(replay.status).toBe(500);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(emulator.count('customers')).toBe(0);
  });

  it('scopes keys per account and refuses keys over 255 characters', async () => {
    const a = await api.post('/v1/customers', { name: 'n' }, key('k7'));
    const b = await api.post('/v1/customers', { name: 'n' }, { ...key('k7'), 'Stripe-Account': 'acct_other' });
    expect(b.body.id).not.toBe(a.body.id);
    const long = await api.post('/v1/customers', {}, key('x'.repeat(256)));
    expect(long.status).toBe(400);
  });
});
