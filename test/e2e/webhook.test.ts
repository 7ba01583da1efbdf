// The response webhook end to end: `write` against the emulator forwarding documents to a local receiver.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { defaultDeps } from '../../src/deps.js';
import { runConnector } from '../../src/run.js';
import { tempJson } from '../helpers/cli.js';
import { assertProtocolLines } from '../helpers/protocol-schema.js';
import { linesInput } from '../helpers/streams.js';
import { catalogOf, recordLine, stateLine, TEST_KEY, writeToEmulator, type StreamSpec } from '../helpers/write-run.js';

const TOKEN = 'CANARYTOKEN123';

interface Delivery {
  seq: number;
  headers: IncomingHttpHeaders;
  raw: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
}

/** A local webhook receiver: answers with `reply` (status, optional delay) and keeps every call in arrival order. */
interface Receiver {
  url: string;
  deliveries: Delivery[];
  reply: (call: number) => { status: number; delayMs?: number };
  close(): Promise<void>;
}

let timeline = 0;

async function startReceiver(): Promise<Receiver> {
  const receiver = { deliveries: [] as Delivery[], reply: (_call: number) => ({ status: 200 }) as { status: number; delayMs?: number } } as Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const { status, delayMs } = receiver.reply(receiver.deliveries.length + 1);
      const answer = (): void => {
        receiver.deliveries.push({ seq: ++timeline, headers: req.headers, raw, body: JSON.parse(raw), status });
        res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
      };
      if (delayMs) setTimeout(answer, delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return receiver;
}

let emulator: Emulator;
let receiver: Receiver;
beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: null });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await emulator?.stop();
});
beforeEach(() => {
  emulator.reset();
  receiver.deliveries = [];
  receiver.reply = () => ({ status: 200 });
});

const customers = (n: number, from = 0) => Array.from({ length: n }, (_, i) => recordLine('crm', { email: `person${from + i}@example.com`, metadata: { crm_id: `crm-${from + i}` } }));
const pk = [['metadata', 'crm_id']];
const config = (webhook: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  configuration: { mode: 'template', resource_type: 'customers' },
  response_webhook: { url: receiver.url, headers: { authorization: `Bearer ${TOKEN}` }, ...webhook },
  ...extra,
});
/** Every forwarded document, arrays flattened, successful deliveries only. */
const documents = () => receiver.deliveries.filter((d) => d.status === 200).flatMap((d) => (Array.isArray(d.body) ? d.body : [d.body]));
const warnings = (messages: Array<Record<string, any>>): string[] => messages.filter((m) => m.type === 'LOG' && m.log.level === 'WARN').map((m) => m.log.message as string);

describe('response webhook', () => {
  it('forwards one document per record with request, response and outcome; the token only as a header', async () => {
    const messages = [...customers(3), stateLine('crm', 1)];
    const r = await writeToEmulator({ url: emulator.url, config: config({}), streams: [{ name: 'crm', primary_key: pk }], messages });
    expect(r.code, r.stdout).toBe(0);
    assertProtocolLines(r.stdout);
    expect(receiver.deliveries).toHaveLength(3);
    const stored = emulator.objects('customers');
    const keys = new Map(emulator.requestLog().map((q) => [q.idempotencyKey, q]));
    const docs = documents().sort((a, b) => a.position - b.position);
    docs.forEach((doc, i) => {
      expect(doc).toMatchObject({
        stream: 'crm',
        position: i + 1,
        primary_key: [`crm-${i}`],
        operation: 'create',
        request: { method: 'POST', path: '/v1/customers' },
        response: { status: 200 },
        outcome: 'created',
      });
      expect(keys.has(doc.request.idempotency_key)).toBe(true);
      expect(doc.response.request_id).toMatch(/^req_/);
      expect(doc.response.body.id).toBe(stored.find((c) => c.email === `person${i}@example.com`)!.id);
      expect(doc.request.body).toBeUndefined();
      expect(doc.error).toBeUndefined();
      expect(Number.isNaN(Date.parse(doc.emitted_at))).toBe(false);
    });
    for (const d of receiver.deliveries) {
      expect(d.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(d.headers['content-type']).toMatch(/^application\/json/);
      expect(d.raw).not.toContain(TOKEN);
      expect(d.raw).not.toContain(TEST_KEY);
    }
  });

  it('masks the API key and the header token even when a record carries them back in Stripe\'s answer', async () => {
    const messages = [recordLine('crm', { email: 'leak@example.com', metadata: { crm_id: 'crm-leak', note: TEST_KEY, other: `token ${TOKEN}` } })];
    const r = await writeToEmulator({ url: emulator.url, config: config({ include_request_body: true }), streams: [{ name: 'crm', primary_key: pk }], messages });
    expect(r.code, r.stdout).toBe(0);
    expect(emulator.objects('customers')[0]!.metadata).toMatchObject({ note: TEST_KEY });
    const [d] = receiver.deliveries;
    expect(d!.raw).not.toContain(TEST_KEY);
    expect(d!.raw).not.toContain(TOKEN);
    expect(d!.raw).not.toMatch(/sk_test_[A-Za-z0-9]/);
    expect(d!.body.response.body.metadata.crm_id).toBe('crm-leak');
    expect(d!.body.request.body.email).toBe('leak@example.com');
    expect(r.stdout + r.stderr).not.toContain(TEST_KEY);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it('never forwards a meter event session token (a credential) from a manual v2 call', async () => {
    const manualConfig = { ...config({}), configuration: { mode: 'manual', url: '/v2/billing/meter_event_session', body: '{}' } };
    const r = await writeToEmulator({ url: emulator.url, config: manualConfig, streams: [{ name: 's' }], messages: [recordLine('s', { n: 1 })] });
    expect(r.code, r.stdout).toBe(0);
    const [d] = receiver.deliveries;
    expect(d!.body).toMatchObject({ operation: 'POST', request: { method: 'POST', path: '/v2/billing/meter_event_session' }, response: { status: 200 }, outcome: 'sent' });
    expect(d!.body.response.body.object).toBe('v2.billing.meter_event_session');
    expect(d!.body.response.body.authentication_token).toBe('**********');
    expect(d!.raw).not.toMatch(/"authentication_token":"(?!\*)/);
  });

  it('forwards refusals with their error fields: before a request (validation) and from Stripe (with its Request-Id)', async () => {
    const customer = await fetch(`${emulator.url}/v1/customers`, { method: 'POST', headers: { authorization: 'Bearer sk_test_emulator', 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=Ada' }).then((res) => res.json() as Promise<{ id: string }>);
    const messages = [
      recordLine('items', { customer: customer.id, amount: 500, currency: 'usd' }),
      recordLine('items', { customer: 'cus_doesNotExist', amount: 500, currency: 'usd' }),
      recordLine('items', { customer: customer.id, amount: 500, currency: 'usd', colour: 'blue' }),
      stateLine('items', 1),
    ];
    const webhookConfig = { ...config({}), configuration: { mode: 'template', resource_type: 'invoiceitems' } };
    const r = await writeToEmulator({ url: emulator.url, config: webhookConfig, streams: [{ name: 'items' }], messages });
    expect(r.code, r.stdout).toBe(0);
    const docs = documents().sort((a, b) => a.position - b.position);
    expect(docs.map((d) => d.outcome)).toEqual(['created', 'rejected', 'rejected']);
    expect(docs[1]).toMatchObject({ position: 2, operation: 'create', request: { method: 'POST', path: '/v1/invoiceitems' }, response: { status: 400 }, error: { type: 'invalid_request_error', code: 'resource_missing', param: 'customer' } });
    expect(docs[1].response.request_id).toMatch(/^req_/);
    expect(docs[1].error.message).toBeTruthy();
    expect(docs[2]).toMatchObject({ position: 3, operation: 'none', outcome: 'rejected' });
    expect(docs[2].request).toBeUndefined();
    expect(docs[2].response).toBeUndefined();
    expect(docs[2].error.message).toContain('colour');
    expect(docs[2].error.message).not.toContain('blue');
  });

  it('forward: errors sends only the refused records', async () => {
    const messages = [...customers(2), recordLine('crm', { email: 'x@example.com', bogus: 1, metadata: { crm_id: 'crm-bad' } }), ...customers(2, 2), stateLine('crm', 1)];
    const r = await writeToEmulator({ url: emulator.url, config: config({ forward: 'errors' }), streams: [{ name: 'crm', primary_key: pk }], messages });
    expect(r.code).toBe(0);
    expect(emulator.count('customers')).toBe(4);
    expect(documents()).toHaveLength(1);
    expect(documents()[0]).toMatchObject({ position: 3, primary_key: ['crm-bad'], outcome: 'rejected' });
  });

  it('batch_size 3 posts arrays of up to three documents, and flushes the rest at the end', async () => {
    const r = await writeToEmulator({ url: emulator.url, config: config({ batch_size: 3 }), streams: [{ name: 'crm', primary_key: pk }], messages: [...customers(7), stateLine('crm', 1)] });
    expect(r.code).toBe(0);
    for (const d of receiver.deliveries) expect(Array.isArray(d.body)).toBe(true);
    expect(receiver.deliveries.map((d) => d.body.length).sort()).toEqual([1, 3, 3]);
    expect(documents().map((d) => d.position).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('retries a receiver that fails (500 then 200) and delivers once', async () => {
    receiver.reply = (call) => ({ status: call === 1 ? 500 : 200 });
    const r = await writeToEmulator({ url: emulator.url, config: config({}), streams: [{ name: 'crm', primary_key: pk }], messages: [...customers(1), stateLine('crm', 1)] });
    expect(r.code, r.stdout).toBe(0);
    expect(receiver.deliveries.map((d) => d.status)).toEqual([500, 200]);
    expect(receiver.deliveries[1]!.raw).toBe(receiver.deliveries[0]!.raw);
    expect(warnings(r.messages)).toEqual([]);
  });

  it('a receiver that always fails: with on_record_error skip, one WARN per record and the sync succeeds', async () => {
    receiver.reply = () => ({ status: 503 });
    const r = await writeToEmulator({ url: emulator.url, config: config({ max_attempts: 2 }), streams: [{ name: 'crm', primary_key: pk }], messages: [...customers(3), stateLine('crm', 1)] });
    expect(r.code, r.stdout).toBe(0);
    expect(receiver.deliveries).toHaveLength(6);
    const w = warnings(r.messages);
    expect(w).toHaveLength(3);
    for (const position of [1, 2, 3]) expect(w.some((m) => m.includes(`record #${position} of stream "crm"`) && m.includes('HTTP 503'))).toBe(true);
    expect(emulator.count('customers')).toBe(3);
    expect(r.messages.filter((m) => m.type === 'STATE')).toHaveLength(1);
    expect(r.stdout).not.toContain(TOKEN);
  });

  it('a receiver that always fails: with on_record_error fail, the sync fails with a TRACE error', async () => {
    receiver.reply = () => ({ status: 500 });
    const r = await writeToEmulator({ url: emulator.url, config: config({ max_attempts: 1 }, { on_record_error: 'fail' }), streams: [{ name: 'crm', primary_key: pk }], messages: [...customers(1), stateLine('crm', 1), ...customers(2, 1)] });
    expect(r.code).toBe(1);
    assertProtocolLines(r.stdout);
    const trace = r.messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
    expect(trace?.trace.error.message).toContain('Could not forward the response of record #1 of stream "crm"');
    expect(r.messages.filter((m) => m.type === 'STATE')).toHaveLength(0);
    expect(r.stdout).not.toContain(TOKEN);
  });

  it('releases each STATE only after the documents of its records were delivered', async () => {
    // The receiver holds each answer for a while, so a state released early would be seen before its documents.
    receiver.reply = () => ({ status: 200, delayMs: 40 });
    const streams: StreamSpec[] = [{ name: 'crm', primary_key: pk }];
    const input = [...customers(3), stateLine('crm', 1), ...customers(3, 3), stateLine('crm', 2), ...customers(2, 6), stateLine('crm', 3)];
    const states: Array<{ seq: number; cursor: number }> = [];
    const stdout = new PassThrough();
    let pending = '';
    stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const message = JSON.parse(line) as { type: string; state?: { stream: { stream_state: { cursor: number } } } };
        if (message.type === 'STATE') states.push({ seq: ++timeline, cursor: message.state!.stream.stream_state.cursor });
      }
    });
    const configPath = tempJson('config.json', { api_key: TEST_KEY, api_base_url: emulator.url, requests_per_second: 2000, ...config({}) });
    const catalogPath = tempJson('catalog.json', catalogOf(streams));
    const code = await runConnector({ argv: ['write', '--config', configPath, '--catalog', catalogPath], stdin: linesInput(input), stdout, stderr: new PassThrough(), deps: defaultDeps() });
    expect(code).toBe(0);
    expect(states.map((s) => s.cursor)).toEqual([1, 2, 3]);
    expect(receiver.deliveries).toHaveLength(8);
    const arrival = new Map(receiver.deliveries.map((d) => [d.body.position as number, d.seq]));
    const lastPosition = { 1: 3, 2: 6, 3: 8 } as Record<number, number>;
    for (const state of states) {
      for (let position = 1; position <= lastPosition[state.cursor]!; position++) {
        expect(arrival.get(position), `document #${position} before state ${state.cursor}`).toBeLessThan(state.seq);
      }
    }
  });
});
