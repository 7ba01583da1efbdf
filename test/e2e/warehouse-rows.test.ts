// Acceptance of issue 19 over real HTTP: flat warehouse rows land as Stripe objects through stream_settings
// (renames, unmapped fields to metadata, conversions) or dotted column names, and re-run unchanged.
import { describe, expect, it } from 'vitest';
import { useEmulatorBehindProxy } from '../helpers/counting-proxy.js';
import { recordLine, stateLine, writeToEmulator } from '../helpers/write-run.js';

const env = useEmulatorBehindProxy({ rateLimit: null, checkReferences: false });

const N = 500;
const PLANS = ['free', 'pro', 'team'];
/** Warehouse-style contact rows: the team's own column names, the phone as a number, signup as ISO 8601. */
const contact = (i: number) => ({
  crm_id: `crm-${i}`,
  first_name: `Person ${i}`,
  email: `p${i}@example.com`,
  phone: 4915100000000 + i,
  city: i % 2 ? 'Berlin' : 'Lisbon',
  country: i % 2 ? 'DE' : 'PT',
  plan: PLANS[i % 3],
  signup_at: `2026-0${1 + (i % 9)}-15T08:30:00Z`,
});
/** The same rows as a platform's field-renaming mapper hands them over: dotted Stripe paths. */
const dotted = (i: number) => {
  const { crm_id, first_name, email, phone, city, country, plan, signup_at } = contact(i);
  return { crm_id, name: first_name, email, phone, 'address.city': city, 'address.country': country, 'metadata.crm_id': crm_id, plan, signup_at };
};

const FIELDS = { city: 'address.city', country: 'address.country', first_name: 'name', crm_id: 'metadata.crm_id' };
const customersConfig = (settings: Record<string, unknown> | undefined) => ({
  configuration: { mode: 'template', resource_type: 'customers', operation: 'upsert', matching_key: 'crm_id' },
  ...(settings ? { stream_settings: [{ stream: 'contacts', ...settings }] } : {}),
});

async function sync(config: Record<string, unknown>, rows: Record<string, unknown>[], stream = 'contacts') {
  env.proxy.reset();
  const messages = [...rows.map((r) => recordLine(stream, r)), stateLine(stream, 1)];
  const result = await writeToEmulator({ url: env.proxy.url, config, streams: [{ name: stream }], messages });
  expect(result.code, result.stdout.slice(-3000)).toBe(0);
  const logs = result.messages.filter((m) => m.type === 'LOG').map((m) => String(m.log.message));
  return { result, logs, posts: env.proxy.count('POST') };
}

function expectContacts(): void {
  const stored = env.emulator.objects('customers');
  expect(stored).toHaveLength(N);
  const byKey = new Map(stored.map((c) => [(c['metadata'] as Record<string, string>)['crm_id'], c]));
  for (const i of [0, 1, 250, 499]) {
    const c = byKey.get(`crm-${i}`)!;
    expect(c, `crm-${i}`).toBeDefined();
    expect(c['name']).toBe(`Person ${i}`);
    expect(c['phone']).toBe(String(4915100000000 + i));
    expect(c['address']).toMatchObject({ city: i % 2 ? 'Berlin' : 'Lisbon', country: i % 2 ? 'DE' : 'PT' });
    expect(c['metadata']).toEqual({ crm_id: `crm-${i}`, plan: PLANS[i % 3], signup_at: `2026-0${1 + (i % 9)}-15T08:30:00Z` });
  }
}

describe('warehouse rows in (500 contacts upserted by crm_id)', () => {
  it('with fields + unmapped_fields: metadata: 500 customers, then a re-run of 500 unchanged without a write', async () => {
    const rows = Array.from({ length: N }, (_, i) => contact(i));
    const config = customersConfig({ fields: FIELDS, unmapped_fields: 'metadata' });
    const first = await sync(config, rows);
    expect(first.posts).toBe(N);
    expectContacts();
    expect(first.logs).toContain('stream "contacts": converted 500 values of phone from a number');
    expect(first.logs.filter((l) => l.includes('converted'))).toHaveLength(1);
    const onTheWire = env.emulator.requestLog().find((r) => r.method === 'POST')!;
    expect(decodeURIComponent(onTheWire.body ?? '')).toContain('address[city]=');
    expect(decodeURIComponent(onTheWire.body ?? '')).toContain('metadata[plan]=');

    const second = await sync(config, rows);
    expect(second.posts).toBe(0);
    expect(second.logs).toContain('Stream "contacts": 500 records: 500 unchanged.');
    expect(env.emulator.count('customers')).toBe(N);
  });

  it('with dotted column names instead of fields: the same objects', async () => {
    await sync(customersConfig({ unmapped_fields: 'metadata' }), Array.from({ length: N }, (_, i) => dotted(i)));
    expectContacts();
  });
});

describe('unmapped fields', () => {
  const rows = [{ crm_id: 'crm-1', email: 'a@example.com', plan: 'pro' }];
  const createConfig = (settings?: Record<string, unknown>) => ({
    configuration: { mode: 'template', resource_type: 'customers', operation: 'create' },
    ...(settings ? { stream_settings: [{ stream: 'contacts', ...settings }] } : {}),
  });

  it('reject (the default) still refuses the record, naming the field and not its value', async () => {
    env.proxy.reset();
    const result = await writeToEmulator({ url: env.proxy.url, config: createConfig(), streams: [{ name: 'contacts' }], messages: rows.map((r) => recordLine('contacts', r)) });
    const logs = result.messages.filter((m) => m.type === 'LOG').map((m) => String(m.log.message));
    expect(logs.some((l) => l.includes('unknown field "crm_id"'))).toBe(true);
    expect(logs.join('\n')).not.toContain('crm-1');
    expect(env.emulator.count('customers')).toBe(0);
  });

  it('ignore drops the fields and names each once, never its values', async () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ crm_id: `crm-${i}`, email: `p${i}@example.com`, plan: 'pro' }));
    const { logs } = await sync(createConfig({ unmapped_fields: 'ignore' }), many);
    expect(env.emulator.count('customers')).toBe(20);
    expect(logs.filter((l) => l.includes('dropping field "crm_id"'))).toHaveLength(1);
    expect(logs.filter((l) => l.includes('dropping field "plan"'))).toHaveLength(1);
    expect(logs.join('\n')).not.toMatch(/crm-\d/);
    expect(env.emulator.objects('customers').every((c) => Object.keys((c['metadata'] as object | undefined) ?? {}).length === 0)).toBe(true);
  });

  it('metadata: a record that would put 51 keys or a 41-character key into metadata is refused; nothing is cut short', async () => {
    const wide = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`col_${i}`, 'x']));
    const longKey = { ['k'.repeat(41)]: 'x' };
    env.proxy.reset();
    const result = await writeToEmulator({
      url: env.proxy.url,
      config: { ...createConfig({ unmapped_fields: 'metadata' }), max_rejected_percent: 100 },
      streams: [{ name: 'contacts' }],
      messages: [recordLine('contacts', { email: 'wide@example.com', ...wide }), recordLine('contacts', { email: 'long@example.com', ...longKey }), recordLine('contacts', { email: 'ok@example.com', col_1: 'y' })],
    });
    expect(result.code).toBe(0);
    const logs = result.messages.filter((m) => m.type === 'LOG').map((m) => String(m.log.message));
    expect(logs.some((l) => l.includes('metadata would hold 51 keys'))).toBe(true);
    expect(logs.some((l) => l.includes(`metadata key "${'k'.repeat(41)}" is 41 characters long`))).toBe(true);
    expect(env.emulator.objects('customers').map((c) => c['email'])).toEqual(['ok@example.com']);
  });
});

describe('types converted the way Stripe reads them (subscriptions)', () => {
  const config = { configuration: { mode: 'template', resource_type: 'subscriptions', operation: 'create' }, max_rejected_percent: 100 };
  const sub = (i: number, extra: Record<string, unknown> = {}) => ({ customer: `cus_${i}`, trial_end: '2026-12-31T00:00:00Z', items: [{ price: 'price_1', quantity: '3' }], ...extra });

  it('ISO trial_end goes on the wire as Unix seconds and "3" as 3; bad values are refused naming the path', async () => {
    const rows = [sub(1), sub(2, { trial_end: '2026-12-31' }), sub(3, { items: [{ price: 'price_1', quantity: '3.5' }] }), sub(4, { trial_end: '2026-13-45' }), sub(5, { cancel_at_period_end: 'yes' }), sub(6, { cancel_at_period_end: 'TRUE' })];
    const { logs } = await sync(config, rows, 'subs');
    const posts = env.emulator.requestLog().filter((r) => r.method === 'POST' && r.path === '/v1/subscriptions');
    expect(posts).toHaveLength(3);
    for (const post of posts) {
      const body = decodeURIComponent(post.body ?? '');
      expect(body).toContain('trial_end=1798675200');
      expect(body).toMatch(/items\[0\]\[quantity\]=3(&|$)/);
    }
    expect(decodeURIComponent(posts[2]!.body ?? '')).toContain('cancel_at_period_end=true');
    const refusals = logs.filter((l) => /refused|rejected/i.test(l)).join('\n');
    expect(refusals).toContain('items[0].quantity');
    expect(refusals).toContain('trial_end');
    expect(refusals).toContain('cancel_at_period_end');
    expect(refusals).not.toContain('2026-13-45');
    // Counted as converted, also where validation then refused another field of the record (rows 3 and 5);
    // row 4 stopped at its trial_end, before its quantity.
    expect(logs).toContain('stream "subs": converted 5 values of trial_end from ISO 8601');
    expect(logs).toContain('stream "subs": converted 4 values of items[].quantity from text');
    expect(logs).toContain('stream "subs": converted 1 value of cancel_at_period_end from text');
  });

  it('coerce_types: false keeps today\'s strictness', async () => {
    await sync({ ...config, stream_settings: [{ stream: '*', coerce_types: false }] }, [sub(1)], 'subs');
    expect(env.emulator.requestLog().filter((r) => r.method === 'POST')).toHaveLength(0);
  });
});

describe('fields targets', () => {
  it('a target that is not a field of the resource fails write before any record, with a did-you-mean', async () => {
    env.proxy.reset();
    const result = await writeToEmulator({
      url: env.proxy.url,
      config: customersConfig({ fields: { city: 'adress.city' } }),
      streams: [{ name: 'contacts' }],
      messages: [recordLine('contacts', contact(1))],
    });
    expect(result.code).toBe(1);
    const trace = result.messages.find((m) => m.type === 'TRACE');
    expect(trace?.trace.error.failure_type).toBe('config_error');
    expect(trace?.trace.error.message).toContain('fields.city: "adress.city" is not a field of customers (did you mean "address.city"?)');
    expect(env.proxy.requests).toHaveLength(0);
  });
});
