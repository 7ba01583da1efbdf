// Tests for the Stripe client against a scripted local HTTP server.
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/protocol/errors.js';
import { createStripeClient, type RetryInfo, type StripeClientOptions } from '../../src/stripe/client.js';
import type { Pacer } from '../../src/stripe/types.js';
import type { StripeRequest } from '../../src/core/stripe-request.js';
import { DEFAULT_API_VERSION, USER_AGENT } from '../../src/stripe/version.js';
import { startStub, type StubReply, type StubServer } from './helpers/stub-server.js';

const API_KEY = 'sk_test_emulator';
const create: StripeRequest = {
  method: 'POST',
  path: '/v1/customers',
  body: { email: 'a@b.co', metadata: { crm_id: '42' }, description: null },
  format: 'form',
  idempotencyKey: 'dst-stripe-create-abc',
};

let stub: StubServer | undefined;
const clients: { close(): void }[] = [];
afterEach(async () => {
  clients.splice(0).forEach((client) => client.close());
  await stub?.close();
  stub = undefined;
});

interface Harness {
  client: ReturnType<typeof createStripeClient>;
  stub: StubServer;
  delays: number[];
  retries: RetryInfo[];
  pacer: Pacer & { acquired: number; observed: number[]; endpoints: string[] };
}

async function harness(script: StubReply[], options: Partial<StripeClientOptions> = {}): Promise<Harness> {
  stub = await startStub(script);
  const delays: number[] = [];
  const retries: RetryInfo[] = [];
  const pacer = {
    acquired: 0,
    observed: [] as number[],
    endpoints: [] as string[],
    async acquire(endpoint: string) {
      pacer.acquired += 1;
      pacer.endpoints.push(endpoint);
    },
    observe(endpoint: string, status: number) {
      expect(endpoint).toBe(pacer.endpoints.at(-1));
      pacer.observed.push(status);
    },
  };
  const client = createStripeClient({
    apiKey: API_KEY,
    apiBaseUrl: stub.url,
    pacer,
    random: () => 1,
    sleep: async (ms) => {
      delays.push(ms);
    },
    onRetry: (info) => retries.push(info),
    ...options,
  });
  clients.push(client);
  return { client, stub, delays, retries, pacer };
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

const ok = { status: 200, body: { id: 'cus_1', object: 'customer' } };
const stripeError = (status: number, error: Record<string, string>, headers?: Record<string, string>): StubReply => ({ status, body: { error }, headers });

describe('createStripeClient: the request on the wire', () => {
  it('sends auth, version, UA, account, idempotency key and a form body', async () => {
    const h = await harness([ok], { stripeAccount: 'acct_123' });
    const outcome = await h.client.send(create);
    expect(outcome).toEqual({ kind: 'success', status: 200, body: ok.body, requestId: 'req_1', replayed: false, attempts: 1 });
    const [sent] = h.stub.requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe('/v1/customers');
    expect(sent?.headers).toMatchObject({
      authorization: `Bearer ${API_KEY}`,
      'stripe-version': DEFAULT_API_VERSION,
      'stripe-account': 'acct_123',
      'user-agent': USER_AGENT,
      'idempotency-key': 'dst-stripe-create-abc',
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(sent?.body).toBe('email=a%40b.co&metadata[crm_id]=42&description=');
  });

  it('sends JSON for json requests, a pinned version override and a bearer override', async () => {
    const h = await harness([ok], { apiVersion: '2024-09-30.acacia' });
    await h.client.send({ method: 'POST', path: '/v2/billing/meter_event_stream', host: 'meter_events', format: 'json', bearer: 'ek_session_token', body: { events: [{ event_name: 'e' }] } });
    const [sent] = h.stub.requests;
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers.authorization).toBe('Bearer ek_session_token');
    expect(sent?.headers['stripe-version']).toBe('2024-09-30.acacia');
    expect(sent?.headers['stripe-account']).toBeUndefined();
    expect(sent?.headers['idempotency-key']).toBeUndefined();
    expect(JSON.parse(sent?.body ?? '')).toEqual({ events: [{ event_name: 'e' }] });
  });

  it.each(['GET', 'DELETE'] as const)('%s sends no body', async (method) => {
    const h = await harness([ok]);
    await h.client.send({ method, path: '/v1/customers/cus_1?expand[0]=x', format: 'form', body: { ignored: true } });
    const [sent] = h.stub.requests;
    expect(sent?.url).toBe('/v1/customers/cus_1?expand[0]=x');
    expect(sent?.body).toBe('');
    expect(sent?.headers['content-type']).toBeUndefined();
  });

  it('rejects a body the form dialect cannot carry without sending it', async () => {
    const h = await harness([ok]);
    const outcome = await h.client.send({ ...create, body: { amount: Number.NaN } });
    expect(outcome).toMatchObject({ kind: 'rejected', attempts: 0, rejection: { code: 'encoding_failed', param: 'amount' } });
    expect(h.stub.requests).toHaveLength(0);
  });

  it('reports an idempotent replay', async () => {
    const h = await harness([{ ...ok, headers: { 'idempotent-replayed': 'true' } }]);
    expect(await h.client.send(create)).toMatchObject({ kind: 'success', replayed: true });
  });

  it('keeps a base URL path prefix and never lets the path change the host', async () => {
    const h = await harness([ok]);
    const prefixed = createStripeClient({ apiKey: API_KEY, apiBaseUrl: `${h.stub.url}/proxy/`, sleep: async () => {} });
    clients.push(prefixed);
    await prefixed.send({ method: 'GET', path: '//evil.example/v1/x', format: 'form' });
    expect(h.stub.requests[0]?.url).toBe('/proxy//evil.example/v1/x');
  });
});

describe('createStripeClient: retries', () => {
  it('retries 429, 500, 409 and a reset with the same idempotency key, pacing every attempt', async () => {
    const h = await harness([
      stripeError(429, { type: 'invalid_request_error', code: 'rate_limit' }),
      stripeError(500, { type: 'api_error' }),
      stripeError(409, { type: 'invalid_request_error', code: 'lock_timeout' }),
      'reset',
      ok,
    ]);
    const outcome = await h.client.send(create);
    expect(outcome).toMatchObject({ kind: 'success', attempts: 5, requestId: 'req_5' });
    expect(new Set(h.stub.requests.map((r) => r.headers['idempotency-key']))).toEqual(new Set(['dst-stripe-create-abc']));
    expect(new Set(h.stub.requests.map((r) => r.body)).size).toBe(1);
    expect(h.pacer.acquired).toBe(5);
    expect(h.pacer.observed).toEqual([429, 500, 409, 0, 200]);
    expect(new Set(h.pacer.endpoints)).toEqual(new Set(['POST /v1/customers']));
    expect(h.delays).toEqual([500, 1000, 2000, 4000]);
    expect(h.retries.map(({ attempt, status, code }) => ({ attempt, status, code }))).toEqual([
      { attempt: 1, status: 429, code: 'rate_limit' },
      { attempt: 2, status: 500, code: undefined },
      { attempt: 3, status: 409, code: 'lock_timeout' },
      { attempt: 4, status: undefined, code: 'ECONNRESET' },
    ]);
  });

  it('honours Retry-After', async () => {
    const h = await harness([{ status: 429, headers: { 'retry-after': '3' } }, ok]);
    await h.client.send(create);
    expect(h.delays).toEqual([3000]);
  });

  it('retries a timed-out attempt that carries a key', async () => {
    // The first answer would come a minute late; the timeout is long enough that a busy machine still
    // answers the second attempt in time.
    const h = await harness([{ ...ok, delayMs: 60_000 }, ok], { timeoutMs: 1_000 });
    expect(await h.client.send(create)).toMatchObject({ kind: 'success', attempts: 2 });
    expect(h.retries[0]?.code).toBe('ETIMEDOUT');
  });

  it('does not retry a 400: the record is rejected', async () => {
    const h = await harness([stripeError(400, { type: 'invalid_request_error', code: 'parameter_unknown', param: 'nickname', message: 'Received unknown parameter: nickname' })]);
    const outcome = await h.client.send(create);
    expect(outcome).toMatchObject({ kind: 'rejected', status: 400, attempts: 1, rejection: { code: 'parameter_unknown', param: 'nickname', requestId: 'req_1', status: 400 } });
    expect(h.stub.requests).toHaveLength(1);
    expect(h.pacer.acquired).toBe(1);
  });

  it('obeys Stripe-Should-Retry: false: a 500 it will not retry refuses the record, not the sync', async () => {
    const h = await harness([stripeError(500, { type: 'api_error' }, { 'stripe-should-retry': 'false' }), ok]);
    const outcome = await h.client.send(create);
    expect(outcome).toMatchObject({ kind: 'rejected', status: 500, attempts: 1, rejection: { type: 'api_error', status: 500 } });
    expect(outcome.kind === 'rejected' && outcome.rejection.reason).toContain('Stripe-Should-Retry: false');
    expect(h.stub.requests).toHaveLength(1);
  });

  it('does not retry a 500 that Stripe replayed from its idempotency store', async () => {
    const h = await harness([stripeError(500, { type: 'api_error' }, { 'idempotent-replayed': 'true' }), ok]);
    const outcome = await h.client.send(create);
    expect(outcome).toMatchObject({ kind: 'rejected', status: 500, attempts: 1 });
    expect(outcome.kind === 'rejected' && outcome.rejection.reason).toContain('replayed the stored error');
    expect(h.stub.requests).toHaveLength(1);
  });

  it('retries a 400 when Stripe-Should-Retry says true', async () => {
    const h = await harness([stripeError(400, { type: 'invalid_request_error' }, { 'stripe-should-retry': 'true' }), ok]);
    expect(await h.client.send(create)).toMatchObject({ kind: 'success', attempts: 2 });
  });

  it('gives up after max attempts with a transient error naming the attempts and Request-Id', async () => {
    const h = await harness([stripeError(503, { type: 'api_error' })], { maxAttempts: 3 });
    const error = await failure(h.client.send(create));
    expect(error.failureType).toBe('transient_error');
    expect(error.message).toContain('3 attempts');
    expect(error.message).toContain('503');
    expect(error.message).toContain('req_3');
    expect(error.message).toContain('POST /v1/customers');
    expect(h.pacer.acquired).toBe(3);
  });

  it.each<[string, StubReply]>([
    ['a 500', stripeError(500, { type: 'api_error' })],
    ['a reset', 'reset'],
  ])('does not repeat a POST without an idempotency key after %s', async (_name, reply) => {
    const h = await harness([reply, ok]);
    const error = await failure(h.client.send({ ...create, idempotencyKey: undefined }));
    expect(error.failureType).toBe('transient_error');
    expect(error.message).toContain('not retried');
    expect(h.stub.requests).toHaveLength(1);
  });

  it('still retries a 429 for a POST without a key', async () => {
    const h = await harness([{ status: 429 }, ok]);
    expect(await h.client.send({ ...create, idempotencyKey: undefined })).toMatchObject({ kind: 'success', attempts: 2 });
  });
});

describe('createStripeClient: configuration failures and secrets', () => {
  it('401 is a config error', async () => {
    const h = await harness([stripeError(401, { type: 'invalid_request_error', message: `Invalid API Key provided: ${API_KEY}` })]);
    const error = await failure(h.client.send(create));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain('401');
    expect(error.message).toContain('req_1');
    expect(h.stub.requests).toHaveLength(1);
  });

  it('403 is a config error naming the permission', async () => {
    const h = await harness([stripeError(403, { type: 'invalid_request_error', message: 'This key does not have the rak_customer_write permission.' })]);
    const error = await failure(h.client.send(create));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain('rak_customer_write');
  });

  it("sends the record's Stripe-Account over the config's", async () => {
    const h = await harness([ok, ok, ok], { stripeAccount: 'acct_config' });
    await h.client.send({ ...create, stripeAccount: 'acct_record1' });
    await h.client.send({ ...create, stripeAccount: 'acct_record2' });
    await h.client.send(create);
    expect(h.stub.requests.map((r) => r.headers['stripe-account'])).toEqual(['acct_record1', 'acct_record2', 'acct_config']);
    // One pacing budget for every account: the endpoint key names no account (docs/performance.md, Stripe Connect and rate limits).
    expect(h.pacer.endpoints).toEqual(['POST /v1/customers', 'POST /v1/customers', 'POST /v1/customers']);
  });

  it("refuses only the record when its own connected account answers 403 account_invalid; the config's account fails the sync", async () => {
    const invalidAccount = stripeError(403, { type: 'invalid_request_error', code: 'account_invalid', message: "The provided key does not have access to account 'acct_gone1'" });
    const h = await harness([invalidAccount, invalidAccount], { stripeAccount: 'acct_config' });
    const outcome = await h.client.send({ ...create, stripeAccount: 'acct_gone1' });
    expect(outcome).toMatchObject({ kind: 'rejected', status: 403, rejection: { code: 'account_invalid', status: 403 } });
    const error = await failure(h.client.send(create));
    expect(error.failureType).toBe('config_error');
    expect(h.stub.requests).toHaveLength(2);
  });

  it.each([
    ['a dot segment', '/v1/customers/../charges'],
    ['an encoded dot segment', '/v1/customers/%2e%2E/charges'],
    ['a backslash dot segment', '/v1/customers/..\\charges'],
    ['an absolute URL', 'https://evil.example/v1/customers'],
  ])('refuses a path with %s before sending anything', async (_name, path) => {
    const h = await harness([ok]);
    const error = await failure(h.client.send({ ...create, path }));
    expect(error.failureType).toBe('config_error');
    expect(h.stub.requests).toHaveLength(0);
    expect(h.pacer.acquired).toBe(0);
  });

  it.each([
    [{ apiBaseUrl: 'http://stripe-proxy.example.com' }],
    [{ apiKey: 'sk_test_bad\nkey' }],
    [{ maxAttempts: 0 }],
  ])('refuses unsafe options %j', (options) => {
    expect(() => createStripeClient({ apiKey: API_KEY, ...options })).toThrow(ConnectorError);
  });

  it('never puts the key in an error, whatever fails', async () => {
    const key = 'custom-key-value-0123456789';
    const errors: ConnectorError[] = [];
    for (const script of [[stripeError(401, { message: `bad key ${key}` })], ['reset' as const], [{ status: 503 }]]) {
      const h = await harness(script, { apiKey: key, maxAttempts: 2 });
      errors.push(await failure(h.client.send({ ...create, idempotencyKey: undefined })));
      await h.stub.close();
    }
    const closed = createStripeClient({ apiKey: key, apiBaseUrl: 'http://127.0.0.1:1', maxAttempts: 1 });
    errors.push(await failure(closed.send(create)));
    closed.close();
    for (const error of errors) {
      const everything = [error.message, error.internalMessage, JSON.stringify(error), inspect(error, { depth: 10, showHidden: true }), String(error.cause)].join('\n');
      expect(everything).not.toContain(key);
      expect(everything).not.toContain('authorization');
    }
  });
});
