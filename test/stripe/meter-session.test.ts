// Tests for the meter event session: caching, single-flight renewal, invalidation, against the local emulator.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { ConnectorError } from '../../src/protocol/errors.js';
import { createStripeClient, type StripeClient } from '../../src/stripe/client.js';
import { createMeterSession, METER_SESSION_PATH } from '../../src/stripe/meter-session.js';
import type { StripeOutcome } from '../../src/core/stripe-request.js';

let emu: Emulator;
let client: StripeClient;

beforeAll(async () => {
  emu = await startEmulator({ rateLimit: null, meterSessionTtlSeconds: 2 });
  client = createStripeClient({ apiKey: 'sk_test_emulator', apiBaseUrl: emu.url });
});
afterAll(async () => {
  client.close();
  await emu.stop();
});
beforeEach(() => emu.reset());

const sessionRequests = (): number => emu.requestLog().filter((r) => r.path === METER_SESSION_PATH).length;
const send = (request: Parameters<StripeClient['send']>[0]): Promise<StripeOutcome> => client.send(request);

describe('createMeterSession', () => {
  it('opens a session once and serves the cached token, which the stream accepts', async () => {
    const session = createMeterSession({ send });
    const token = await session.token();
    expect(await session.token()).toBe(token);
    expect(sessionRequests()).toBe(1);
    const log = emu.requestLog().find((r) => r.path === METER_SESSION_PATH);
    expect(log?.idempotencyKey).toMatch(/^dst-stripe-mes-/);
    const outcome = await client.send({
      method: 'POST', path: '/v2/billing/meter_event_stream', host: 'meter_events', format: 'json', bearer: token,
      body: { events: [{ event_name: 'e', payload: { stripe_customer_id: 'cus_1', value: '1' }, identifier: 'one' }] },
    });
    expect(outcome.kind).toBe('success');
    expect(emu.meterEventCount()).toBe(1);
  });

  it('shares one renewal among concurrent callers', async () => {
    const session = createMeterSession({ send });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => session.token()));
    expect(new Set(tokens).size).toBe(1);
    expect(sessionRequests()).toBe(1);
  });

  it('renews within the margin before expires_at (the margin is at most half the lifetime)', async () => {
    // A frozen clock read before the session opens: the emulator's expires_at is then at least 2 s after it, so the
    // renewal point is at least 1 s after it, however long the machine took to answer.
    const base = Date.now();
    let offset = 0;
    const session = createMeterSession({ send, now: () => base + offset });
    const first = await session.token();
    offset = 500; // 2 s session, margin min(60 s, 1 s): still fresh
    expect(await session.token()).toBe(first);
    offset = 1_900; // inside the last second unless the emulator took more than 1.8 s to open the session
    const second = await session.token();
    expect(second).not.toBe(first);
    expect(sessionRequests()).toBe(2);
  });

  it('invalidate(token) forgets only that token; invalidate() forgets whatever is cached', async () => {
    const session = createMeterSession({ send });
    const first = await session.token();
    session.invalidate(first);
    const second = await session.token();
    expect(second).not.toBe(first);
    session.invalidate(first); // stale: another caller already renewed
    expect(await session.token()).toBe(second);
    session.invalidate();
    expect(await session.token()).not.toBe(second);
    expect(sessionRequests()).toBe(3);
  });

  it('lets the caller see a refused session token as a rejection with its code, not a config error', async () => {
    const outcome = await client.send({
      method: 'POST', path: '/v2/billing/meter_event_stream', host: 'meter_events', format: 'json', bearer: 'mes_auth_unknown',
      body: { events: [{ event_name: 'e', payload: { stripe_customer_id: 'cus_1', value: '1' } }] },
    });
    expect(outcome).toMatchObject({ kind: 'rejected', status: 401, rejection: { code: 'billing_meter_event_session_expired' } });
  });

  it('throws a config error when Stripe refuses to open a session', async () => {
    const refused = async (): Promise<StripeOutcome> => ({
      kind: 'rejected', status: 404, attempts: 1, rejection: { code: 'resource_missing', reason: 'no such endpoint' },
    });
    const error = await createMeterSession({ send: refused }).token().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failureType).toBe('config_error');
    expect((error as ConnectorError).message).toContain('404 resource_missing');
  });

  it('throws a system error on an answer without a token or a valid expires_at, and retries on the next call', async () => {
    let calls = 0;
    const odd = async (): Promise<StripeOutcome> => {
      calls += 1;
      const body = calls === 1 ? { authentication_token: 'tok', expires_at: 'soon' } : { authentication_token: 'tok2', expires_at: new Date(Date.now() + 900_000).toISOString() };
      return { kind: 'success', status: 200, body, replayed: false, attempts: 1 };
    };
    const session = createMeterSession({ send: odd });
    const error = await session.token().catch((e: unknown) => e);
    expect((error as ConnectorError).failureType).toBe('system_error');
    expect(await session.token()).toBe('tok2');
  });
});
