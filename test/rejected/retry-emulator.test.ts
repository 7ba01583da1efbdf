// The rejected-records store end to end: `write` against the Stripe emulator and a real S3-compatible server (s3rver).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { recordLine, stateLine, writeToEmulator } from '../helpers/write-run.js';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js';

let emulator: Emulator;
let s3: S3TestServer;
beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: null });
});
afterAll(async () => emulator?.stop());
beforeEach(async () => {
  emulator.reset();
  await s3?.close();
  s3 = await startS3Server();
});
afterAll(async () => s3?.close());

const STREAM = 'crm';
const pk = [['metadata', 'crm_id']];
const streams = [{ name: STREAM, primary_key: pk }];
/** Customers 0..n-1; those `invalid` picks lack the field their idempotency key is read from (refused before any request). */
const customers = (n: number, invalid: (i: number) => boolean = () => false, name = (i: number) => `Person ${i}`) =>
  Array.from({ length: n }, (_, i) => recordLine(STREAM, { email: `person${i}@example.com`, name: name(i), metadata: { crm_id: `crm-${i}`, ...(invalid(i) ? {} : { sync_key: `k-${i}` }) } }));
const byField = { source: 'field', field: 'metadata.sync_key' };
const config = (extra: Record<string, unknown> = {}, store: Record<string, unknown> = {}) => ({
  configuration: { mode: 'template', resource_type: 'customers' },
  idempotency_key: byField,
  max_attempts: 1,
  max_rejected_percent: 100,
  rejected_records: s3.settings({ path_prefix: 'stripe/rejected/', ...store }),
  ...extra,
});
const posts = () => emulator.requestLog().filter((r) => r.method === 'POST' && r.path === '/v1/customers');
const crmIds = () => emulator.objects('customers').map((c: any) => c.metadata.crm_id as string);
const logText = (r: { messages: Array<Record<string, any>> }) => r.messages.filter((m) => m.type === 'LOG').map((m) => m.log.message as string).join('\n');
const isInvalid = (i: number) => i % 20 === 7; // 50 of 1,000

/** Sync 1: 1,000 customers, 50 refused by mapping, the first 30 requests fail (20 before Stripe executes them, 10 after). */
async function firstSync(faults: string[]) {
  emulator.setFaults({ schedule: faults as never });
  const r = await writeToEmulator({ url: emulator.url, config: config(), streams, messages: [...customers(1000, isInvalid), stateLine(STREAM, 1)] });
  emulator.setFaults({});
  return r;
}

describe('rejected records in S3, retried on the next sync', () => {
  it('stores 80 refusals (30 retryable); the next sync writes the 30 without duplicates and no request for the 50; a config fix brings the 50', async () => {
    const first = await firstSync([...Array(20).fill('500_retry'), ...Array(10).fill('reset_after')]);
    expect(first.code, logText(first)).toBe(0);
    const stored = await s3.lines('stripe/rejected/');
    expect(stored).toHaveLength(80);
    expect(stored.filter((l) => l.retryable)).toHaveLength(30);
    expect(stored.filter((l) => !l.retryable).every((l) => l.reason_code === 'idempotency_key_unavailable' && l.http_status === null)).toBe(true);
    for (const line of stored) {
      expect(line).toMatchObject({ stream: STREAM, namespace: null, attempt: 1, primary_key: [expect.stringMatching(/^crm-/)] });
      expect(line.data.metadata.crm_id).toBe(line.primary_key[0]);
      expect(typeof line.line).toBe('number');
      expect(line.sync_started_at).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(line.reason.length).toBeGreaterThan(0);
    }
    expect(stored.filter((l) => l.reason_code === 'stripe_unavailable').every((l) => l.http_status === 500 && /^req_/.test(l.request_id))).toBe(true);
    expect(stored.filter((l) => l.reason_code === 'network_error')).toHaveLength(10);
    // The state went out only once the store held the refusals.
    expect(first.messages.find((m) => m.type === 'STATE')!.state.destinationStats).toEqual({ recordCount: 1000, rejectedRecordCount: 80 });
    expect(emulator.count('customers')).toBe(930); // the 10 reset after execution did reach Stripe

    const before = posts().length;
    const second = await writeToEmulator({ url: emulator.url, config: config(), streams, messages: [stateLine(STREAM, 2)] });
    expect(second.code, logText(second)).toBe(0);
    expect(logText(second)).toContain('Rejected records retried from earlier syncs: 30 written, 50 rejected again.');
    expect(posts().length - before).toBe(30); // the 50 were checked again without a request
    expect(posts().slice(before).filter((p) => p.replayed)).toHaveLength(10);
    expect(emulator.count('customers')).toBe(950);
    expect(new Set(crmIds()).size).toBe(950);
    const left = await s3.lines('stripe/rejected/');
    expect(left).toHaveLength(50);
    expect(left.every((l) => !l.retryable && l.attempt === 2)).toBe(true);
    expect(second.messages.filter((m) => m.type === 'STATE')).toHaveLength(1);

    // A config that lets the 50 through (keys from the primary key instead of a field they lack).
    const third = await writeToEmulator({ url: emulator.url, config: config({ idempotency_key: { source: 'auto' } }), streams, messages: [stateLine(STREAM, 3)] });
    expect(third.code, logText(third)).toBe(0);
    expect(logText(third)).toContain('Rejected records retried from earlier syncs: 50 written, 0 rejected again.');
    expect(emulator.count('customers')).toBe(1000);
    expect(new Set(crmIds()).size).toBe(1000);
    expect(await s3.list('stripe/rejected/')).toEqual([]);
  });

  it('a newer record with the same primary key wins: its stored older version is dropped', async () => {
    const first = await firstSync(Array(30).fill('500_retry'));
    expect(first.code, logText(first)).toBe(0);
    const retryable = (await s3.lines()).filter((l) => l.retryable).map((l) => Number(String(l.primary_key[0]).slice(4)));
    expect(retryable).toHaveLength(30);
    const newer = retryable.slice(0, 10);
    const messages = newer.map((i) => recordLine(STREAM, { email: `person${i}@example.com`, name: `Newer ${i}`, metadata: { crm_id: `crm-${i}`, sync_key: `k2-${i}` } }));
    const second = await writeToEmulator({ url: emulator.url, config: config(), streams, messages: [...messages, stateLine(STREAM, 2)] });
    expect(second.code, logText(second)).toBe(0);
    expect(logText(second)).toContain('Rejected records retried from earlier syncs: 20 written, 50 rejected again.');
    expect(logText(second)).toContain('10 stored record(s) dropped: a newer record with the same primary key arrived');
    const all = emulator.objects('customers') as any[];
    expect(all).toHaveLength(950);
    for (const i of newer) {
      const found = all.filter((c) => c.metadata.crm_id === `crm-${i}`);
      expect(found.map((c) => c.name)).toEqual([`Newer ${i}`]);
    }
  });

  it('a stored record refused again counts an attempt; past max_retry_syncs it is kept and no longer retried', async () => {
    const faulty = (n: number) => Array(n).fill('500_retry');
    const first = await firstSync(faulty(3));
    expect(first.code).toBe(0);
    emulator.setFaults({ schedule: faulty(3) as never });
    const second = await writeToEmulator({ url: emulator.url, config: config({}, { max_retry_syncs: 1 }), streams, messages: [] });
    emulator.setFaults({});
    expect(logText(second)).toContain('Rejected records retried from earlier syncs: 0 written, 53 rejected again.');
    expect((await s3.lines()).filter((l) => l.retryable).map((l) => l.attempt)).toEqual([2, 2, 2]);
    const before = posts().length;
    const third = await writeToEmulator({ url: emulator.url, config: config({}, { max_retry_syncs: 1 }), streams, messages: [] });
    expect(posts().length).toBe(before);
    expect(logText(third)).toContain('3 stored record(s) were refused in 1 retries (max_retry_syncs): kept in the store, no longer retried.');
    expect((await s3.lines()).filter((l) => l.retryable)).toHaveLength(3);
  });

  it('records Stripe refused with a 4xx are kept, not re-sent, until retry_all_rejected sends them once', async () => {
    const update = config({ configuration: { mode: 'template', resource_type: 'customers', operation: 'update' }, existing_objects: { read: 'lookup' }, idempotency_key: { source: 'auto' } });
    const missing = [recordLine('people', { id: 'cus_missing', name: 'Nobody' })];
    const people = [{ name: 'people', primary_key: [['id']] }];
    const first = await writeToEmulator({ url: emulator.url, config: update, streams: people, messages: missing });
    const stored = await s3.lines();
    expect(stored, logText(first)).toHaveLength(1);
    expect(stored[0]).toMatchObject({ retryable: false, http_status: 404, stripe_code: 'resource_missing', request_id: expect.stringMatching(/^req_/) });
    const sent = () => emulator.requestLog().filter((r) => r.path.startsWith('/v1/customers/')).length;
    const before = sent();
    const second = await writeToEmulator({ url: emulator.url, config: update, streams: people, messages: [] });
    expect(sent()).toBe(before);
    expect(logText(second)).toContain('1 stored record(s) that Stripe refused (4xx) kept, not re-sent');
    const third = await writeToEmulator({ url: emulator.url, config: { ...update, rejected_records: { ...(update.rejected_records as object), retry_all_rejected: true } }, streams: people, messages: [] });
    expect(sent()).toBe(before + 1);
    expect(logText(third)).toContain('Rejected records retried from earlier syncs: 0 written, 1 rejected again.');
    expect((await s3.lines()).map((l) => l.attempt)).toEqual([2]);
  });

  it('a reference Stripe cannot resolve yet is retryable, and goes through once the referenced object exists', async () => {
    const prices = config({ configuration: { mode: 'template', resource_type: 'prices' }, idempotency_key: { source: 'auto' } });
    const price = [recordLine('prices', { product: 'prod_later', currency: 'usd', unit_amount: 500, metadata: { sku: 'p1' } })];
    const items = [{ name: 'prices', primary_key: [['metadata', 'sku']] }];
    const first = await writeToEmulator({ url: emulator.url, config: prices, streams: items, messages: price });
    const stored = await s3.lines();
    expect(stored, logText(first)).toHaveLength(1);
    expect(stored[0]).toMatchObject({ retryable: true, http_status: 400, stripe_code: 'resource_missing', field: 'product' });
    await fetch(`${emulator.url}/v1/products`, { method: 'POST', headers: { Authorization: 'Bearer sk_test_emulator', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'id=prod_later&name=Later' });
    const second = await writeToEmulator({ url: emulator.url, config: prices, streams: items, messages: [] });
    expect(logText(second)).toContain('Rejected records retried from earlier syncs: 1 written, 0 rejected again.');
    expect(emulator.count('prices')).toBe(1);
    expect(await s3.list()).toEqual([]);
  });
});

describe('the idempotency keys of a retry', () => {
  it('a change that reached Stripe before the connection dropped is retried with its first key, and Stripe replays it', async () => {
    const created = await fetch(`${emulator.url}/v1/customers`, { method: 'POST', headers: { Authorization: 'Bearer sk_test_emulator', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'name=Before' });
    const id = ((await created.json()) as { id: string }).id;
    const update = config({ configuration: { mode: 'template', resource_type: 'customers', operation: 'update' }, existing_objects: { read: 'lookup' }, idempotency_key: { source: 'auto' } });
    const people = [{ name: 'people', primary_key: [['id']] }];
    emulator.setFaults({ schedule: ['reset_after'] });
    const first = await writeToEmulator({ url: emulator.url, config: update, streams: people, messages: [recordLine('people', { id, name: 'After' })] });
    emulator.setFaults({});
    const stored = await s3.lines();
    expect(stored, logText(first)).toHaveLength(1);
    expect(stored[0]).toMatchObject({ reason_code: 'network_error', retryable: true, key_origin: { run: expect.any(String), position: 1 } });
    const firstKey = posts2(id)[0]!.idempotencyKey;
    expect(firstKey).toMatch(/^dst-stripe-update-/);
    const second = await writeToEmulator({ url: emulator.url, config: update, streams: people, messages: [] });
    expect(logText(second)).toContain('Rejected records retried from earlier syncs: 1 written, 0 rejected again.');
    const sent = posts2(id);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ idempotencyKey: firstKey, replayed: true });
  });
});

const posts2 = (id: string) => emulator.requestLog().filter((r) => r.method === 'POST' && r.path === `/v1/customers/${id}`);
