// R1: 5,000 creates (customers and invoice items) with a fifth of the requests faulted: every record stored once or rejected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { client } from '../emulator/test-client.js';
import type { FaultKind } from '../emulator/types.js';
import { assertProtocolLines } from '../../test/helpers/protocol-schema.js';
import { recordLine, stateLine, TEST_KEY, writeToEmulator } from '../../test/helpers/write-run.js';

const PER_STREAM = 2_500;
const STATE_EVERY = 250;
const SEED_CUSTOMERS = 20;

// Uniform draws from this list: retryable kinds three times each, hang and the stored 500s once each.
const RETRYABLE: FaultKind[] = ['429', 'lock_timeout', '500_retry', 'reset_before', 'reset_after'];
const KINDS: FaultKind[] = [...RETRYABLE, ...RETRYABLE, ...RETRYABLE, 'hang', '500', '500_no_retry'];

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: null });
});
afterAll(async () => emulator?.stop());

describe('R1: faults under load', () => {
  it('5,000 creates with 20 % of requests faulted: stored + rejected = records, no duplicates, states once and in order', { timeout: 240_000 }, async () => {
    const api = client(emulator.url, TEST_KEY);
    const owners: string[] = [];
    for (let i = 0; i < SEED_CUSTOMERS; i++) {
      const reply = await api.post('/v1/customers', { email: `owner${i}@example.com` });
      expect(reply.status).toBe(200);
      owners.push(reply.body.id as string);
    }

    const messages: object[] = [];
    const expectedStates: Array<{ stream: string; cursor: number }> = [];
    for (let i = 0; i < PER_STREAM; i++) {
      messages.push(recordLine('crm', { email: `r1-${i}@example.com`, metadata: { r1_key: `c-${i}` } }));
      messages.push(recordLine('items', { customer: owners[i % owners.length], amount: 100 + i, currency: 'usd', metadata: { r1_key: `i-${i}` } }));
      if ((i + 1) % STATE_EVERY === 0) {
        for (const stream of ['crm', 'items']) {
          messages.push(stateLine(stream, i + 1));
          expectedStates.push({ stream, cursor: i + 1 });
        }
      }
    }

    const seeded = emulator.requestLog().length;
    emulator.setFaults({ rate: 0.2, kinds: KINDS, seed: 20_251, hangMs: 1_500 });
    const started = Date.now();
    const r = await writeToEmulator({
      url: emulator.url,
      config: {
        configuration: { mode: 'template', resource_type: 'customers' },
        requests_per_second: 5_000,
        max_concurrency: 64,
        request_timeout_seconds: 1,
        // 8 consecutive faults on one of 5,000 records (p ≈ 1 %) would end the sync; 12 makes that negligible.
        max_attempts: 12,
      },
      streams: [
        { name: 'crm', destination_object_name: 'customers', primary_key: [['metadata', 'r1_key']] },
        { name: 'items', destination_object_name: 'invoiceitems', primary_key: [['metadata', 'r1_key']] },
      ],
      messages,
    });
    const seconds = (Date.now() - started) / 1000;
    emulator.setFaults({});
    expect(r.code, r.stdout.slice(-3000)).toBe(0);
    assertProtocolLines(r.stdout);

    // Faulted requests are logged before their Idempotency-Key is read, so take every request of the write.
    const log = emulator.requestLog().slice(seeded);
    expect(log.every((q) => q.method === 'POST' && (q.path === '/v1/customers' || q.path === '/v1/invoiceitems'))).toBe(true);
    const faulted = log.filter((q) => q.fault);
    const byKind = new Map<string, number>();
    for (const q of faulted) byKind.set(q.fault!, (byKind.get(q.fault!) ?? 0) + 1);

    // Objects: exactly one per accepted record, never two for one key.
    const customers = emulator.objects('customers').filter((c) => (c.metadata as Record<string, string> | undefined)?.r1_key);
    const items = emulator.objects('invoiceitems');
    const customerKeys = customers.map((c) => (c.metadata as Record<string, string>).r1_key);
    const itemKeys = items.map((c) => (c.metadata as Record<string, string>).r1_key);
    expect(new Set(customerKeys).size).toBe(customerKeys.length);
    expect(new Set(itemKeys).size).toBe(itemKeys.length);
    expect(new Set(customers.map((c) => c.email)).size).toBe(customers.length);

    const warnings = r.messages.filter((m) => m.type === 'LOG' && m.log.level === 'WARN').map((m) => m.log.message as string);
    const rejections = warnings.filter((w) => w.startsWith('Rejected record'));
    // Every rejection is a stored 500 (first answer or its replay), named with the Request-Id.
    for (const w of rejections) expect(w).toMatch(/HTTP 500, Request-Id req_/);
    expect(customers.length + items.length + rejections.length).toBe(2 * PER_STREAM);
    const storedFaults = (byKind.get('500') ?? 0) + (byKind.get('500_no_retry') ?? 0);
    expect(rejections.length).toBeGreaterThan(0);
    expect(rejections.length).toBeLessThanOrEqual(storedFaults);

    // States: each once, in input order, with counts that add up.
    const states = r.messages.filter((m) => m.type === 'STATE').map((m) => m.state);
    expect(states.map((s) => ({ stream: s.stream.stream_descriptor.name, cursor: s.stream.stream_state.cursor }))).toEqual(expectedStates);
    const sum = (key: 'recordCount' | 'rejectedRecordCount') => states.reduce((n, s) => n + s.destinationStats[key], 0);
    expect(sum('recordCount')).toBe(2 * PER_STREAM);
    expect(sum('rejectedRecordCount')).toBe(rejections.length);
    for (const s of states) expect(s.destinationStats.recordCount).toBe(STATE_EVERY);

    // The faults really happened: a fifth of the creates, every kind drawn.
    expect(faulted.length / log.length).toBeGreaterThan(0.15);
    for (const kind of KINDS) expect(byKind.get(kind) ?? 0, kind).toBeGreaterThan(0);
    expect(r.stdout + r.stderr).not.toContain(TEST_KEY);

    console.log(
      `R1: ${2 * PER_STREAM} records, ${log.length} create requests, ${faulted.length} faulted (${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}), ` +
        `${log.length - 2 * PER_STREAM} retries, ${rejections.length} rejected, ${customers.length + items.length} stored, ${seconds.toFixed(1)} s`,
    );
  });
});
