// Tests the webhook forwarder against a real local receiver: documents, batches, retries, redaction, headers.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createResponseForwarder,
  isRetryableWebhookStatus,
  webhookBackoffMs,
  type ForwardedResponse,
  type ResponseForwarderOptions,
} from '../../src/pipeline/responses.js';

const KEY = 'sk_test_emulator';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let url: string;
let received: Received[];
/** Statuses to answer, in order; 200 once exhausted. */
let statuses: number[];

beforeEach(async () => {
  received = [];
  statuses = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = statuses.shift() ?? 200;
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const options = (overrides: Partial<ResponseForwarderOptions> = {}): ResponseForwarderOptions => ({
  url,
  forward: 'all',
  includeRequestBody: false,
  batchSize: 1,
  timeoutMs: 2_000,
  maxAttempts: 3,
  sleep: async () => {},
  random: () => 0,
  secrets: [KEY],
  ...overrides,
});

const doc = (position: number, overrides: Partial<ForwardedResponse> = {}): ForwardedResponse => ({
  stream: 'customers',
  position,
  primary_key: [`row-${position}`],
  operation: 'POST',
  request: { method: 'POST', path: '/v1/customers', idempotency_key: `key-${position}`, body: { email: `u${position}@example.com` } },
  response: { status: 200, request_id: `req_${position}`, body: { id: `cus_${position}`, object: 'customer' } },
  outcome: 'created',
  emitted_at: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

describe('createResponseForwarder', () => {
  it('posts one JSON document per record with its fields, without the request body by default', async () => {
    const forwarder = createResponseForwarder(options());
    const results = await Promise.all([forwarder.forward(doc(1)), forwarder.forward(doc(2))]);
    await forwarder.close();
    expect(results).toEqual([
      { ok: true, attempts: 1 },
      { ok: true, attempts: 1 },
    ]);
    const bodies = received.map((r) => JSON.parse(r.body) as ForwardedResponse).sort((a, b) => a.position - b.position);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toEqual({
      stream: 'customers',
      position: 1,
      primary_key: ['row-1'],
      operation: 'POST',
      request: { method: 'POST', path: '/v1/customers', idempotency_key: 'key-1' },
      response: { status: 200, request_id: 'req_1', body: { id: 'cus_1', object: 'customer' } },
      outcome: 'created',
      emitted_at: '2026-01-01T00:00:00.000Z',
    });
    expect(received[0]!.headers['content-type']).toBe('application/json');
  });

  it('includes the request body when asked', async () => {
    const forwarder = createResponseForwarder(options({ includeRequestBody: true }));
    await forwarder.forward(doc(1));
    expect((JSON.parse(received[0]!.body) as ForwardedResponse).request?.body).toEqual({ email: 'u1@example.com' });
  });

  it('sends batches as JSON arrays, flushing a full batch at once and the rest on close', async () => {
    const forwarder = createResponseForwarder(options({ batchSize: 3, lingerMs: 60_000 }));
    const first = [1, 2, 3].map((n) => forwarder.forward(doc(n)));
    expect(await Promise.all(first)).toEqual([1, 2, 3].map(() => ({ ok: true, attempts: 1 })));
    const rest = [4, 5].map((n) => forwarder.forward(doc(n)));
    await forwarder.close();
    expect(await Promise.all(rest)).toHaveLength(2);
    const batches = received.map((r) => JSON.parse(r.body) as ForwardedResponse[]);
    expect(batches.map((batch) => batch.map((d) => d.position))).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('flushes a partial batch after the linger time', async () => {
    const forwarder = createResponseForwarder(options({ batchSize: 10, lingerMs: 20 }));
    const result = await forwarder.forward(doc(1));
    expect(result).toEqual({ ok: true, attempts: 1 });
    expect(JSON.parse(received[0]!.body)).toHaveLength(1);
    await forwarder.close();
  });

  it('skips successes when forwarding errors only', async () => {
    const forwarder = createResponseForwarder(options({ forward: 'errors' }));
    const rejected = doc(2, { outcome: 'rejected', error: { type: 'invalid_request_error', code: 'parameter_missing', param: 'email', message: 'Missing email' } });
    expect(await forwarder.forward(doc(1))).toEqual({ ok: true, skipped: true });
    expect(await forwarder.forward(rejected)).toEqual({ ok: true, attempts: 1 });
    await forwarder.close();
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ position: 2, outcome: 'rejected', error: { code: 'parameter_missing', param: 'email' } });
  });

  it('retries a failing receiver (500 then 200) with backoff', async () => {
    statuses = [500, 503];
    const waits: number[] = [];
    const forwarder = createResponseForwarder(options({ maxAttempts: 5, random: () => 1, sleep: async (ms) => void waits.push(ms) }));
    expect(await forwarder.forward(doc(1))).toEqual({ ok: true, attempts: 3 });
    expect(received).toHaveLength(3);
    expect(waits).toEqual([500, 1000]);
  });

  it('fails after maxAttempts when the receiver keeps failing', async () => {
    statuses = [500, 500, 500, 500];
    const forwarder = createResponseForwarder(options({ maxAttempts: 3 }));
    const result = await forwarder.forward(doc(1));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain('HTTP 500');
    expect(received).toHaveLength(3);
  });

  it('does not retry a 400', async () => {
    statuses = [400];
    const forwarder = createResponseForwarder(options({ maxAttempts: 3 }));
    expect((await forwarder.forward(doc(1))).ok).toBe(false);
    expect(received).toHaveLength(1);
  });

  it('reports a receiver that is not there', async () => {
    const forwarder = createResponseForwarder(options({ url: 'http://127.0.0.1:1/hook', maxAttempts: 2 }));
    const result = await forwarder.forward(doc(1));
    expect(result).toMatchObject({ ok: false });
    expect(!result.ok && result.reason).toContain('ECONNREFUSED');
  });

  it('never sends the Stripe key or other secrets, even planted in a response body', async () => {
    const planted = doc(1, {
      response: { status: 200, body: { note: `key ${KEY} and sk_live_ABCdef123 and rk_test_Zz9 and quote "${'tok"en'}"` } },
      request: { method: 'POST', path: '/v1/customers', body: { secret: 'hunter2-header-token' } },
    });
    const forwarder = createResponseForwarder(
      options({ includeRequestBody: true, secrets: [KEY, 'tok"en'], headers: { authorization: 'Bearer hunter2-header-token' } }),
    );
    await forwarder.forward(planted);
    const sent = received[0]!.body;
    expect(sent).not.toContain(KEY);
    expect(sent).not.toContain('sk_live_ABCdef123');
    expect(sent).not.toContain('rk_test_Zz9');
    expect(sent).not.toContain('tok\\"en');
    expect(sent).not.toContain('hunter2-header-token');
    expect(sent).toContain('**********');
    expect(() => JSON.parse(sent) as unknown).not.toThrow();
  });

  it('sends custom headers such as an auth token', async () => {
    const forwarder = createResponseForwarder(options({ headers: { Authorization: 'Bearer hook-token-123', 'X-Source': 'stripe-destination' } }));
    await forwarder.forward(doc(1));
    expect(received[0]!.headers.authorization).toBe('Bearer hook-token-123');
    expect(received[0]!.headers['x-source']).toBe('stripe-destination');
  });

  it('sends a document forwarded after close right away', async () => {
    const forwarder = createResponseForwarder(options({ batchSize: 5, lingerMs: 60_000 }));
    await forwarder.close();
    expect(await forwarder.forward(doc(9))).toEqual({ ok: true, attempts: 1 });
  });
});

describe('retry policy', () => {
  it.each([
    [undefined, true],
    [408, true],
    [429, true],
    [500, true],
    [503, true],
    [400, false],
    [401, false],
    [404, false],
  ])('status %s retryable: %s', (status, expected) => {
    expect(isRetryableWebhookStatus(status)).toBe(expected);
  });

  it.each([
    [1, 0, 250],
    [1, 1, 500],
    [2, 1, 1000],
    [3, 0.5, 1500],
    [10, 1, 10_000],
  ])('attempt %i with random %s waits %i ms', (attempt, random, expected) => {
    expect(webhookBackoffMs(attempt, () => random)).toBe(expected);
  });
});
