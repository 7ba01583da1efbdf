// Manual mode end to end: `write` with method, URL and body templates against the emulator, checked on the wire.
import qs from 'qs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { assertProtocolLines } from '../helpers/protocol-schema.js';
import { recordLine, stateLine, TEST_KEY, writeToEmulator } from '../helpers/write-run.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: null });
});
afterAll(async () => emulator?.stop());
beforeEach(() => emulator.reset());

const manual = (configuration: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ configuration: { mode: 'manual', ...configuration }, ...extra });
const warnings = (messages: Array<Record<string, any>>): string[] => messages.filter((m) => m.type === 'LOG' && m.log.level === 'WARN').map((m) => m.log.message as string);
const stats = (messages: Array<Record<string, any>>) => messages.filter((m) => m.type === 'STATE').map((m) => m.state.destinationStats);
const apiRequests = () => emulator.requestLog();

const crmBody = JSON.stringify({
  email: '{message.email}',
  name: '{message.first_name} {message.last_name}',
  phone: '{message.phone?}',
  address: { line1: '{message.street}', city: '{message.city}', postal_code: '{message.zip}', country: '{message.country}' },
  metadata: { crm_id: '{message.id}', tier: '{message.tier}', seats: '{message.seats}' },
});
const row = (i: number) => ({ id: `crm-${i}`, email: `p${i}@example.com`, first_name: 'Ada', last_name: `Lovelace ${i}`, street: '12 Rue de Rivoli', city: 'Paris', zip: '75001', country: 'FR', tier: 'gold', seats: 12 });

describe('manual mode against the emulator', () => {
  it('creates customers from flat CRM rows with a custom body: nested address and metadata, form-encoded with brackets', async () => {
    const messages = [recordLine('crm', row(1)), recordLine('crm', { ...row(2), phone: '+33 1 23 45 67 89' }), stateLine('crm', 1)];
    const r = await writeToEmulator({ url: emulator.url, config: manual({ url: '/v1/customers', body: crmBody }), streams: [{ name: 'crm', primary_key: [['id']] }], messages });
    expect(r.code, r.stdout).toBe(0);
    assertProtocolLines(r.stdout);
    expect(stats(r.messages)).toEqual([{ recordCount: 2, rejectedRecordCount: 0 }]);
    const stored = emulator.objects('customers');
    expect(stored).toHaveLength(2);
    expect(stored[0]).toMatchObject({
      email: 'p1@example.com',
      name: 'Ada Lovelace 1',
      phone: null,
      address: { line1: '12 Rue de Rivoli', city: 'Paris', postal_code: '75001', country: 'FR' },
      metadata: { crm_id: 'crm-1', tier: 'gold', seats: '12' },
    });
    expect(stored[1]).toMatchObject({ phone: '+33 1 23 45 67 89' });

    const sent = apiRequests().filter((q) => q.method === 'POST' && q.path === '/v1/customers');
    expect(sent).toHaveLength(2);
    for (const q of sent) {
      expect(q.contentType).toMatch(/^application\/x-www-form-urlencoded/);
      expect(q.idempotencyKey).toBeTruthy();
    }
    const raw = decodeURIComponent(sent[0]!.body!);
    expect(raw).toContain('address[city]=Paris');
    expect(raw).toContain('metadata[crm_id]=crm-1');
    expect(raw).not.toContain('phone');
    // An independent decoder reads the same object back.
    expect(qs.parse(sent[0]!.body!)).toMatchObject({ address: { postal_code: '75001' }, metadata: { seats: '12' } });
  });

  it('updates with the id in the path, keeps untouched fields, and a re-run applies the same change again with its own key', async () => {
    const created = await writeToEmulator({ url: emulator.url, config: manual({ url: '/v1/customers', body: crmBody }), streams: [{ name: 'crm' }], messages: [recordLine('crm', row(1))] });
    expect(created.code).toBe(0);
    const id = emulator.objects('customers')[0]!.id;
    const update = manual({ url: '/v1/customers/{message.customer_id}', body: '{"description": "{message.note}", "metadata": {"tier": "{message.tier}"}}' });
    const messages = [recordLine('upd', { customer_id: id, note: 'VIP since 2020', tier: 'platinum' }), stateLine('upd', 1)];
    const r = await writeToEmulator({ url: emulator.url, config: update, streams: [{ name: 'upd' }], messages });
    expect(r.code, r.stdout).toBe(0);
    expect(emulator.objects('customers')[0]).toMatchObject({ id, email: 'p1@example.com', description: 'VIP since 2020', metadata: { crm_id: 'crm-1', tier: 'platinum', seats: '12' } });
    const posts = apiRequests().filter((q) => q.path === `/v1/customers/${id}`);
    expect(posts).toHaveLength(1);
    expect(new URLSearchParams(posts[0]!.body).get('metadata[tier]')).toBe('platinum');

    const again = await writeToEmulator({ url: emulator.url, config: update, streams: [{ name: 'upd' }], messages });
    expect(again.code).toBe(0);
    const updates = apiRequests().filter((q) => q.path === `/v1/customers/${id}`);
    expect(updates).toHaveLength(2);
    expect(updates[1]!.replayed).toBeFalsy();
    expect(updates[1]!.idempotencyKey).not.toBe(updates[0]!.idempotencyKey);
    expect(emulator.objects('customers')[0]).toMatchObject({ description: 'VIP since 2020', metadata: { tier: 'platinum' } });
  });

  // Each change to an existing object has its own key, so a second, different update is not refused as a key reuse.
  it('two updates of one object with different values in one sync both apply (primary key declared)', async () => {
    await writeToEmulator({ url: emulator.url, config: manual({ url: '/v1/customers', body: crmBody }), streams: [{ name: 'crm' }], messages: [recordLine('crm', row(7))] });
    const id = emulator.objects('customers')[0]!.id;
    const update = manual({ url: '/v1/customers/{message.customer_id}', body: '{"metadata": {"tier": "{message.tier}"}}' });
    const messages = [recordLine('upd', { customer_id: id, tier: 'gold' }), recordLine('upd', { customer_id: id, tier: 'platinum' }), stateLine('upd', 1)];
    const r = await writeToEmulator({ url: emulator.url, config: update, streams: [{ name: 'upd', primary_key: [['customer_id']] }], messages });
    expect(r.code).toBe(0);
    expect(stats(r.messages)).toEqual([{ recordCount: 2, rejectedRecordCount: 0 }]);
    expect(emulator.objects('customers')[0]!.metadata).toMatchObject({ tier: 'platinum' });
  });

  it('a path value cannot add a segment: a slash in the id is percent-encoded and the object is not found', async () => {
    const r = await writeToEmulator({ url: emulator.url, config: manual({ url: '/v1/customers/{message.id}', body: '{"description": "x"}' }), streams: [{ name: 'upd' }], messages: [recordLine('upd', { id: '../products' }), stateLine('upd', 1)] });
    expect(r.code).toBe(1); // its only record refused: the sync fails by default, after the state
    expect(apiRequests().map((q) => q.path)).toEqual(['/v1/customers/..%2Fproducts']);
    expect(warnings(r.messages)[0]).toContain('resource_missing');
    expect(stats(r.messages)).toEqual([{ recordCount: 1, rejectedRecordCount: 1 }]);
  });

  it('content_format json on a /v1 path: the emulator refuses JSON as Stripe does, and the record is rejected and logged', async () => {
    const config = manual({ url: '/v1/customers', content_format: 'json', body: '{"email": "{message.email}", "metadata": {"crm_id": "{message.id}"}}' });
    const r = await writeToEmulator({ url: emulator.url, config, streams: [{ name: 'crm' }], messages: [recordLine('crm', row(3)), stateLine('crm', 1)] });
    expect(r.code, r.stdout).toBe(1); // its only record refused: the sync fails by default, after the state
    const [q] = apiRequests();
    expect(q!.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(q!.body!)).toEqual({ email: 'p3@example.com', metadata: { crm_id: 'crm-3' } });
    expect(q!.status).toBe(400);
    expect(emulator.count('customers')).toBe(0);
    const [warn] = warnings(r.messages);
    expect(warn).toContain('Rejected record #1 of stream "crm"');
    expect(warn).toContain('parameter_invalid');
    expect(warn).toMatch(/Request-Id req_/);
    expect(warn).not.toContain('p3@example.com');
    expect(stats(r.messages)).toEqual([{ recordCount: 1, rejectedRecordCount: 1 }]);
  });

  it('auto sends JSON to /v2 (meter event session) with an idempotency key', async () => {
    const r = await writeToEmulator({ url: emulator.url, config: manual({ url: '/v2/billing/meter_event_session', body: '{}' }), streams: [{ name: 's' }], messages: [recordLine('s', { n: 1 }), stateLine('s', 1)] });
    expect(r.code, r.stdout).toBe(0);
    const [q] = apiRequests();
    expect(q).toMatchObject({ method: 'POST', path: '/v2/billing/meter_event_session', status: 200 });
    expect(q!.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(q!.body ?? '{}')).toEqual({});
    expect(q!.idempotencyKey).toBeTruthy();
    expect(stats(r.messages)).toEqual([{ recordCount: 1, rejectedRecordCount: 0 }]);
    expect(r.stdout).not.toContain('authentication_token');
  });

  it('GET with query placeholders sends no body, percent-encodes the values and settles the record', async () => {
    await writeToEmulator({ url: emulator.url, config: manual({ url: '/v1/customers', body: crmBody }), streams: [{ name: 'crm' }], messages: [recordLine('crm', row(4))] });
    emulator.reset();
    const config = manual({ method: 'GET', url: '/v1/customers?email={message.email}&limit={message.limit}' });
    const r = await writeToEmulator({ url: emulator.url, config, streams: [{ name: 'look' }], messages: [recordLine('look', { email: 'a+b@example.com', limit: 3 }), stateLine('look', 1)] });
    expect(r.code, r.stdout).toBe(0);
    const [q] = apiRequests();
    expect(q).toMatchObject({ method: 'GET', path: '/v1/customers', query: 'email=a%2Bb%40example.com&limit=3', status: 200 });
    expect(q!.body).toBeUndefined();
    expect(q!.contentType).toBeUndefined();
    expect(q!.idempotencyKey).toBeUndefined();
    expect(stats(r.messages)).toEqual([{ recordCount: 1, rejectedRecordCount: 0 }]);
  });

  it('a missing placeholder field refuses the record naming the path, without a request', async () => {
    const config = manual({ url: '/v1/customers/{message.customer_id}', body: '{"metadata": {"tier": "{message.tier}"}}' });
    const messages = [recordLine('upd', { customer_id: 'cus_x' }), recordLine('upd', { tier: 'gold' }), stateLine('upd', 1)];
    const r = await writeToEmulator({ url: emulator.url, config, streams: [{ name: 'upd' }], messages });
    expect(r.code).toBe(1); // every record refused: the sync fails by default, after the state
    expect(apiRequests()).toHaveLength(0);
    const w = warnings(r.messages);
    expect(w).toHaveLength(2);
    expect(w[0]).toContain('Rejected record #1 of stream "upd"');
    expect(w[0]).toContain('message.tier');
    expect(w[1]).toContain('message.customer_id');
    expect(w.join('\n')).not.toContain('cus_x');
    expect(w.join('\n')).not.toContain('gold');
    expect(stats(r.messages)).toEqual([{ recordCount: 2, rejectedRecordCount: 2 }]);
  });

  it.each([
    ['an unclosed object', '{"email": "{message.email}",\n  "name": "x"', 'configuration.body: line 2, column 14: expected "," or "}"'],
    ['a lone brace in a string', '{\n  "note": "a { b"\n}', 'configuration.body: line 2, column 14: write {{ for a literal brace'],
    ['a placeholder that is not one', '{"email": {message..email}}', 'configuration.body: line 1, column 20: expected a field name'],
  ])('a bad template (%s) fails the write with a config_error TRACE naming line and column', async (_name, body, where) => {
    const r = await writeToEmulator({ url: emulator.url, config: manual({ url: '/v1/customers', body }), streams: [{ name: 'crm' }], messages: [recordLine('crm', row(5))] });
    expect(r.code).toBe(1);
    assertProtocolLines(r.stdout);
    const trace = r.messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
    expect(trace?.trace.error.failure_type).toBe('config_error');
    expect(trace?.trace.error.message).toContain(where);
    expect(apiRequests()).toHaveLength(0);
  });

  it('a bad URL fails at start too, and the key never shows in the output', async () => {
    const r = await writeToEmulator({ url: emulator.url, config: manual({ url: 'https://evil.example.com/v1/customers' }), streams: [{ name: 'crm' }], messages: [recordLine('crm', row(6))] });
    expect(r.code).toBe(1);
    const trace = r.messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
    expect(trace?.trace.error.failure_type).toBe('config_error');
    expect(trace?.trace.error.message).toContain('configuration.url');
    expect(apiRequests()).toHaveLength(0);
    expect(r.stdout + r.stderr).not.toContain(TEST_KEY);
  });
});
