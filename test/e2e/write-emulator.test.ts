// `write` with the real Stripe sink against the local emulator over HTTP.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { assertProtocolLines } from '../helpers/protocol-schema.js';
import { recordLine, stateLine, TEST_KEY, writeToEmulator } from '../helpers/write-run.js';
import { seedFor } from '../helpers/seed.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: null });
});
afterAll(async () => emulator?.stop());
beforeEach(() => emulator.reset());

const customers = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => recordLine('crm', { email: `person${from + i}@example.com`, name: `Person ${from + i}`, metadata: { crm_id: `crm-${from + i}` } }));
const template = (resource: string, extra: Record<string, unknown> = {}) => ({ configuration: { mode: 'template', resource_type: resource, ...extra } });
const pk = [['metadata', 'crm_id']];

describe('write against the emulator', () => {
  it('writes 200 customers once, and a re-run creates none again', async () => {
    const messages = [...customers(100), stateLine('crm', 1), ...customers(100, 100), stateLine('crm', 2)];
    const first = await writeToEmulator({ url: emulator.url, config: template('customers'), streams: [{ name: 'crm', primary_key: pk }], messages });
    expect(first.code, first.stdout).toBe(0);
    assertProtocolLines(first.stdout);
    expect(emulator.count('customers')).toBe(200);
    expect(first.messages.filter((m) => m.type === 'STATE').map((m) => m.state.destinationStats.recordCount)).toEqual([100, 100]);

    const rerun = await writeToEmulator({ url: emulator.url, config: template('customers'), streams: [{ name: 'crm', primary_key: pk }], messages });
    expect(rerun.code).toBe(0);
    expect(emulator.count('customers')).toBe(200);
    const replayed = emulator.requestLog().filter((r) => r.replayed).length;
    expect(replayed).toBe(200);
    expect(first.stdout + first.stderr + rerun.stdout + rerun.stderr).not.toContain(TEST_KEY);
  });

  it('rejects a record with an unknown field before spending a request', async () => {
    const messages = [recordLine('crm', { email: 'ok@example.com' }), recordLine('crm', { email: 'x@example.com', favourite_colour: 'blue' }), stateLine('crm', 1)];
    const r = await writeToEmulator({ url: emulator.url, config: template('customers'), streams: [{ name: 'crm' }], messages });
    expect(r.code).toBe(0);
    expect(emulator.requestLog().filter((q) => q.method === 'POST')).toHaveLength(1);
    const warn = r.messages.find((m) => m.type === 'LOG' && m.log.level === 'WARN')!;
    expect(warn.log.message).toContain('Rejected record #2 of stream "crm"');
    expect(warn.log.message).toContain('favourite_colour');
    expect(warn.log.message).not.toContain('blue');
    expect(r.messages.find((m) => m.type === 'STATE')!.state.destinationStats).toEqual({ recordCount: 2, rejectedRecordCount: 1 });
  });

  it('a record Stripe refuses is rejected with its Request-Id logged', async () => {
    const messages = [recordLine('items', { customer: 'cus_doesNotExist', amount: 500, currency: 'usd' }), stateLine('items', 1)];
    const r = await writeToEmulator({ url: emulator.url, config: template('invoiceitems'), streams: [{ name: 'items' }], messages });
    // Its only record refused: by default the sync fails, after the state.
    expect(r.code).toBe(1);
    const warn = r.messages.find((m) => m.type === 'LOG' && m.log.level === 'WARN')!;
    expect(warn.log.message).toMatch(/Request-Id req_/);
    expect(warn.log.message.match(/Request-Id/g)).toHaveLength(1);
    expect(warn.log.message).toContain('resource_missing');
    expect(warn.log.message).not.toContain('cus_doesNotExist');
    expect(r.messages.find((m) => m.type === 'STATE')!.state.destinationStats).toEqual({ recordCount: 1, rejectedRecordCount: 1 });
  });

  it('on_record_error = fail stops with a TRACE error naming the record', async () => {
    const messages = [...customers(3), stateLine('crm', 1), recordLine('crm', { email: 'x@example.com', bogus: 1 }), stateLine('crm', 2), ...customers(3, 10)];
    const r = await writeToEmulator({ url: emulator.url, config: { ...template('customers'), on_record_error: 'fail' }, streams: [{ name: 'crm' }], messages });
    expect(r.code).toBe(1);
    assertProtocolLines(r.stdout);
    const trace = r.messages.find((m) => m.type === 'TRACE')!;
    expect(trace.trace.error.message).toContain('Rejected record #4 of stream "crm"');
    expect(r.messages.filter((m) => m.type === 'STATE')).toHaveLength(1);
  });

  it('faults Stripe lets a client retry (429, 409, 500 with Stripe-Should-Retry: true, resets before and after create) still yield exactly one object per record', async () => {
    emulator.setFaults({ rate: 0.25, kinds: ['429', 'lock_timeout', '500_retry', 'reset_before', 'reset_after'], seed: 7 });
    try {
      const messages = [...customers(150), stateLine('crm', 1)];
      const r = await writeToEmulator({ url: emulator.url, config: template('customers'), streams: [{ name: 'crm', primary_key: pk }], messages });
      expect(r.code, r.stdout.slice(-2000)).toBe(0);
      expect(emulator.count('customers')).toBe(150);
      expect(new Set(emulator.objects('customers').map((c) => c.email)).size).toBe(150);
      expect(emulator.requestLog().filter((q) => q.fault).length).toBeGreaterThan(10);
      expect(r.messages.find((m) => m.type === 'STATE')!.state.destinationStats).toEqual({ recordCount: 150, rejectedRecordCount: 0 });
    } finally {
      emulator.setFaults({});
    }
  });

  it.each([
    ['500', 'replayed the stored error'],
    ['500_no_retry', 'Stripe-Should-Retry: false'],
  ] as const)('a %s fault (stored for the key, or marked not to retry) refuses that record only, with its Request-Id', async (fault, why) => {
    emulator.setFaults({ schedule: [fault] });
    try {
      const r = await writeToEmulator({ url: emulator.url, config: { ...template('customers'), max_concurrency: 1 }, streams: [{ name: 'crm', primary_key: pk }], messages: [...customers(5), stateLine('crm', 1)] });
      expect(r.code).toBe(0);
      expect(emulator.count('customers')).toBe(4);
      const warnings = r.messages.filter((m) => m.type === 'LOG' && m.log.level === 'WARN').map((m) => m.log.message as string);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(why);
      expect(warnings[0]).toMatch(/HTTP 500, Request-Id req_/);
      expect(r.messages.find((m) => m.type === 'STATE')!.state.destinationStats).toEqual({ recordCount: 5, rejectedRecordCount: 1 });
    } finally {
      emulator.setFaults({});
    }
  });

  it('two updates to the same object arrive in input order under high concurrency', async () => {
    const slow = await startEmulator({ rateLimit: null, latencyMs: 2, latencyJitterMs: 30, faults: { seed: seedFor('update order jitter') } });
    try {
      // Five customers in an emulator with jittered latency, then 20 updates of each at up to 64 in flight.
      const seeded = await writeToEmulator({ url: slow.url, config: template('customers'), streams: [{ name: 'crm' }], messages: customers(5) });
      expect(seeded.code).toBe(0);
      const slowIds = slow.objects('customers').map((c) => c.id);
      const msgs = [];
      for (let step = 1; step <= 20; step++) for (const id of slowIds) msgs.push(recordLine('upd', { id, metadata: { step: String(step) } }));
      const r = await writeToEmulator({ url: slow.url, config: { ...template('customers', { operation: 'update' }), max_concurrency: 64 }, streams: [{ name: 'upd' }], messages: msgs });
      expect(r.code, r.stdout.slice(-1500)).toBe(0);
      for (const c of slow.objects('customers')) expect((c.metadata as Record<string, string>).step).toBe('20');
      for (const id of slowIds) {
        const steps = slow.requestLog().filter((q) => q.method === 'POST' && q.path === `/v1/customers/${id}`).map((q) => Number(new URLSearchParams(q.body ?? '').get('metadata[step]')));
        expect(steps).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      }
    } finally {
      await slow.stop();
    }
  });

  it('a 429 storm lowers the rate and every record is still written once', async () => {
    // Three scheduled 429s make sure the storm happens even if a busy machine sends slower than the limit.
    const strict = await startEmulator({ rateLimit: 10, faults: { schedule: ['429', '429', '429'] } });
    try {
      const r = await writeToEmulator({ url: strict.url, config: { ...template('customers'), requests_per_second: 40 }, streams: [{ name: 'crm', primary_key: pk }], messages: [...customers(60), stateLine('crm', 1)] });
      expect(r.code, r.stdout.slice(-1500)).toBe(0);
      expect(strict.count('customers')).toBe(60);
      const throttled = strict.requestLog().filter((q) => q.status === 429).length;
      expect(throttled).toBeGreaterThan(0);
      const final = r.messages.filter((m) => m.type === 'LOG' && m.log.message.startsWith('progress (done)')).at(-1);
      expect(final?.log.message).toMatch(/throttled \(429\)/);
    } finally {
      await strict.stop();
    }
  });

  it('dry run validates and logs each request without calling Stripe', async () => {
    const messages = [...customers(3), recordLine('crm', { email: 'x@example.com', bogus: true }), stateLine('crm', 1)];
    const r = await writeToEmulator({ url: emulator.url, config: { ...template('customers'), dry_run: true }, streams: [{ name: 'crm', primary_key: pk }], messages });
    expect(r.code).toBe(0);
    expect(emulator.requestLog()).toHaveLength(0);
    const dry = r.messages.filter((m) => m.type === 'LOG' && m.log.message.startsWith('dry run:'));
    expect(dry).toHaveLength(3);
    expect(dry[0]!.log.message).toMatch(/would send POST \/v1\/customers with fields \[email, name, metadata\[crm_id\]\], Idempotency-Key dst-stripe-create-/);
    expect(dry[0]!.log.message).not.toContain('person0@example.com');
    expect(r.messages.find((m) => m.type === 'STATE')!.state.destinationStats).toEqual({ recordCount: 4, rejectedRecordCount: 1 });
  });
});

describe('data activation and meter events through write', () => {
  it('one connection writes customers from one stream and prices (upsert) from another', async () => {
    const product = await fetch(`${emulator.url}/v1/products`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=Gold&id=prod_gold' });
    expect(product.status).toBe(200);
    const messages = [
      recordLine('crm_contacts', { email: 'a@example.com' }),
      recordLine('plan_prices', { external_id: 'gold-monthly', product: 'prod_gold', currency: 'usd', unit_amount: 1000 }),
      stateLine('crm_contacts', 1),
      recordLine('plan_prices', { external_id: 'gold-monthly', product: 'prod_gold', currency: 'usd', unit_amount: 1000, nickname: 'Gold monthly' }),
      stateLine('plan_prices', 1),
    ];
    const r = await writeToEmulator({
      url: emulator.url,
      config: template('products'),
      streams: [
        { name: 'crm_contacts', destination_object_name: 'customers', destination_sync_mode: 'append' },
        { name: 'plan_prices', destination_object_name: 'prices', destination_sync_mode: 'append_dedup', primary_key: [['external_id']] },
      ],
      messages,
    });
    expect(r.code, r.stdout.slice(-1500)).toBe(0);
    expect(emulator.count('customers')).toBe(1);
    expect(emulator.count('prices')).toBe(1);
    const price = emulator.objects('prices')[0]!;
    expect(price.nickname).toBe('Gold monthly');
    expect((price.metadata as Record<string, string>).external_id).toBe('gold-monthly');
    expect(emulator.count('products')).toBe(1);
  });

  it('meter events through the v2 stream: batched, and a re-run bills nothing twice', async () => {
    const cus = await fetch(`${emulator.url}/v1/customers`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}` } });
    const customer = ((await cus.json()) as { id: string }).id;
    const events = Array.from({ length: 250 }, (_, i) => recordLine('usage', { event_name: 'api_calls', stripe_customer_id: customer, value: i + 1, timestamp: 1764200000 + i }));
    const messages = [...events, stateLine('usage', 1), recordLine('usage', { stripe_customer_id: customer, value: 1 }), stateLine('usage', 2)];
    const config = template('billing_meter_events', { meter_events_api: 'v2_stream' });
    const first = await writeToEmulator({ url: emulator.url, config, streams: [{ name: 'usage' }], messages });
    expect(first.code, first.stdout.slice(-1500)).toBe(0);
    expect(emulator.meterEventCount()).toBe(250);
    const streamCalls = emulator.requestLog().filter((q) => q.path === '/v2/billing/meter_event_stream');
    expect(streamCalls.length).toBeGreaterThanOrEqual(3);
    expect(streamCalls.length).toBeLessThan(250);
    expect(first.messages.filter((m) => m.type === 'STATE').map((m) => m.state.destinationStats)).toEqual([
      { recordCount: 250, rejectedRecordCount: 0 },
      { recordCount: 1, rejectedRecordCount: 1 },
    ]);
    const rerun = await writeToEmulator({ url: emulator.url, config, streams: [{ name: 'usage' }], messages });
    expect(rerun.code).toBe(0);
    expect(emulator.meterEventCount()).toBe(250);
  });
});

describe('meter events in dry run and under a record path', () => {
  it('dry run maps events and sends nothing; record_path picks the nested event', async () => {
    const messages = [recordLine('usage', { event: { event_name: 'api_calls', stripe_customer_id: 'cus_x', value: 3 } }), recordLine('usage', { other: {} }), stateLine('usage', 1)];
    const config = { ...template('billing_meter_events', { meter_events_api: 'v2_stream', record_path: 'event' }), dry_run: true };
    const r = await writeToEmulator({ url: emulator.url, config, streams: [{ name: 'usage' }], messages });
    expect(r.code).toBe(0);
    expect(emulator.requestLog()).toHaveLength(0);
    const dry = r.messages.filter((m) => m.type === 'LOG' && m.log.message.startsWith('dry run:'));
    expect(dry).toHaveLength(1);
    expect(dry[0]!.log.message).toContain('meter_event_stream');
    expect(dry[0]!.log.message).not.toContain('api_calls');
    expect(r.messages.find((m) => m.type === 'STATE')!.state.destinationStats).toEqual({ recordCount: 2, rejectedRecordCount: 1 });
  });
});

describe('changes to existing objects', () => {
  it('A → B → A in one sync ends at A (each change has its own key), and a re-run applies it again harmlessly', async () => {
    const created = await writeToEmulator({ url: emulator.url, config: template('customers'), streams: [{ name: 'crm' }], messages: customers(1) });
    expect(created.code).toBe(0);
    const id = emulator.objects('customers')[0]!.id;
    const change = (tier: string) => recordLine('upd', { id, metadata: { tier } });
    const messages = [change('A'), change('B'), change('A'), stateLine('upd', 1)];
    const config = { ...template('customers', { operation: 'update' }) };
    const r = await writeToEmulator({ url: emulator.url, config, streams: [{ name: 'upd', primary_key: [['id']] }], messages });
    expect(r.code, r.stdout.slice(-1000)).toBe(0);
    expect((emulator.objects('customers')[0]!.metadata as Record<string, string>).tier).toBe('A');
    const keys = emulator.requestLog().filter((q) => q.path === `/v1/customers/${id}`).map((q) => q.idempotencyKey);
    expect(new Set(keys).size).toBe(3);
    const again = await writeToEmulator({ url: emulator.url, config, streams: [{ name: 'upd', primary_key: [['id']] }], messages: [change('B'), stateLine('upd', 2)] });
    expect(again.code).toBe(0);
    expect((emulator.objects('customers')[0]!.metadata as Record<string, string>).tier).toBe('B');
  });
});
