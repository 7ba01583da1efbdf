// Meter events: the v2 session and stream (batch limits, expiry, identifier dedupe) and v1 events.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './server.js';
import { client } from './test-client.js';

const event = (i: number, identifier?: string) => ({
  event_name: 'api_calls',
  payload: { stripe_customer_id: 'cus_1', value: String(i) },
  ...(identifier ? { identifier } : {}),
});

describe('v2 meter event stream', () => {
  let emulator: Emulator;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    emulator = await startEmulator({ rateLimit: null, meterSessionTtlSeconds: 1 });
    api = client(emulator.url);
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.stop());

  const session = async (): Promise<string> => {
    const r = await api.call('POST', '/v2/billing/meter_event_session');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ object: 'v2.billing.meter_event_session', livemode: false });
    expect(Date.parse(r.body.expires_at) - Date.now()).toBeLessThanOrEqual(1000);
    return r.body.authentication_token as string;
  };
  const stream = (token: string, events: unknown[]) => client(emulator.url, token).call('POST', '/v2/billing/meter_event_stream', { json: { events } });

  it('accepts a batch of 100 and counts it', async () => {
    const r = await stream(await session(), Array.from({ length: 100 }, (_, i) => event(i, `id-${i}`)));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({});
    expect(emulator.meterEventCount()).toBe(100);
    expect(emulator.meterEventCount('api_calls')).toBe(100);
    expect(emulator.meterEventCount('id-7')).toBe(1);
  });

  it('refuses 101 events with a clear error and counts none', async () => {
    const r = await stream(await session(), Array.from({ length: 101 }, (_, i) => event(i)));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/at most 100/);
    expect(emulator.meterEventCount()).toBe(0);
  });

  it('refuses an event without its payload value', async () => {
    const r = await stream(await session(), [{ event_name: 'x', payload: { stripe_customer_id: 'cus_1' } }]);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'parameter_missing', param: 'events[0].payload.value' });
  });

  it('refuses an unknown or expired token', async () => {
    const unknown = await stream('mes_auth_nope', [event(1)]);
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toMatchObject({ type: 'invalid_request_error', code: 'billing_meter_event_session_expired' });
    const token = await session();
    await new Promise((r) => setTimeout(r, 1100));
    expect((await stream(token, [event(1)])).body.error.code).toBe('billing_meter_event_session_expired');
  });

  it('counts a repeated identifier once', async () => {
    const token = await session();
    expect((await stream(token, [event(1, 'dup'), event(2, 'dup')])).status).toBe(200);
    expect((await stream(token, [event(3, 'dup'), event(4)])).status).toBe(200);
    expect(emulator.meterEvents()).toEqual({ total: 2, duplicatesIgnored: 2, byEventName: { api_calls: 2 } });
    const counts = (await (await fetch(`${emulator.url}/_emulator/meter_events`)).json()) as { total: number };
    expect(counts.total).toBe(2);
  });

  it('needs an API key for the session', async () => {
    expect((await client(emulator.url, 'nope').call('POST', '/v2/billing/meter_event_session')).status).toBe(401);
  });
});

describe('v1 meter events', () => {
  let emulator: Emulator;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    emulator = await startEmulator({ rateLimit: null });
    api = client(emulator.url);
  });
  afterAll(() => emulator.stop());

  it('creates an event and refuses a second one with the same identifier', async () => {
    const body = { event_name: 'api_calls', identifier: 'v1-1', timestamp: 1700000000, payload: { stripe_customer_id: 'cus_1', value: '5' } };
    const r = await api.post('/v1/billing/meter_events', body);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ object: 'billing.meter_event', event_name: 'api_calls', identifier: 'v1-1', timestamp: 1700000000, payload: { value: '5' }, livemode: false });
    const dup = await api.post('/v1/billing/meter_events', body);
    expect(dup.status).toBe(400);
    expect(dup.body.error.param).toBe('identifier');
    expect(emulator.meterEventCount('api_calls')).toBe(1);
  });

  it('requires the payload customer', async () => {
    const r = await api.post('/v1/billing/meter_events', { event_name: 'x', payload: { value: '1' } });
    expect(r.body.error).toMatchObject({ code: 'parameter_missing', param: 'payload[stripe_customer_id]' });
  });
});
