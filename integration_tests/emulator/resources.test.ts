// Per-resource create/validation table driven by schemas/index.json, plus retrieve/update/delete/list.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './server.js';
import { client, createId } from './test-client.js';

const index = JSON.parse(readFileSync(new URL('../../schemas/index.json', import.meta.url), 'utf8')) as {
  resources: Record<string, { path: string; idPrefix: string; create: string; parent: unknown; format: 'form' | 'json' }>;
};
const required = (file: string): string[] =>
  (JSON.parse(readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8')) as { required?: string[] }).required ?? [];

let emulator: Emulator;
let api: ReturnType<typeof client>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: null });
  api = client(emulator.url);
  const make = (path: string, form: Record<string, unknown>): Promise<string> => createId(api, path, form);
  ids.customer = await make('/v1/customers', { email: 'a@example.com' });
  ids.product = await make('/v1/products', { name: 'Widget' });
  ids.price = await make('/v1/prices', { currency: 'usd', unit_amount: 500, product: ids.product, recurring: { interval: 'month' } });
  ids.coupon = await make('/v1/coupons', { percent_off: 10, duration: 'once' });
  ids.invoice = await make('/v1/invoices', { customer: ids.customer });
  ids.subscription = await make('/v1/subscriptions', { customer: ids.customer, items: [{ price: ids.price }] });
  ids.charge = await make('/v1/charges', { amount: 1000, currency: 'usd', source: 'tok_visa' });
  ids.feature = await make('/v1/entitlements/features', { name: 'SSO', lookup_key: 'sso' });
});
afterAll(() => emulator.stop());

/** A minimal valid create body per resource (ids filled in once the prerequisites exist). */
const minimal: Record<string, () => Record<string, unknown>> = {
  customers: () => ({ name: 'Ada' }),
  products: () => ({ name: 'Gadget' }),
  prices: () => ({ currency: 'usd', unit_amount: 100, product: ids.product }),
  coupons: () => ({ percent_off: 5, duration: 'forever' }),
  promotion_codes: () => ({ promotion: { type: 'coupon', coupon: ids.coupon } }),
  tax_rates: () => ({ display_name: 'VAT', inclusive: false, percentage: 20 }),
  invoices: () => ({ customer: ids.customer }),
  invoiceitems: () => ({ customer: ids.customer, amount: 100, currency: 'usd' }),
  subscriptions: () => ({ customer: ids.customer, items: [{ price: ids.price }] }),
  subscription_items: () => ({ subscription: ids.subscription, price: ids.price }),
  payment_intents: () => ({ amount: 100, currency: 'usd' }),
  setup_intents: () => ({}),
  charges: () => ({ amount: 100, currency: 'usd', source: 'tok_visa' }),
  refunds: () => ({ charge: ids.charge }),
  credit_notes: () => ({ invoice: ids.invoice }),
  quotes: () => ({ customer: ids.customer }),
  shipping_rates: () => ({ display_name: 'Ground', type: 'fixed_amount', fixed_amount: { amount: 500, currency: 'usd' } }),
  payment_links: () => ({ line_items: [{ price: ids.price, quantity: 1 }] }),
  plans: () => ({ currency: 'usd', interval: 'month', amount: 100, product: ids.product }),
  customer_balance_transactions: () => ({ amount: -500, currency: 'usd' }),
  customer_tax_ids: () => ({ type: 'eu_vat', value: 'DE123456789' }),
  billing_meter_events: () => ({ event_name: 'api_calls', payload: { stripe_customer_id: ids.customer!, value: '3' } }),
  billing_meters: () => ({ display_name: 'API calls', event_name: 'api_calls', default_aggregation: { formula: 'sum' } }),
  billing_credit_grants: () => ({ customer: ids.customer, amount: { type: 'monetary', monetary: { currency: 'usd', value: 500 } }, applicability_config: { scope: { price_type: 'metered' } } }),
  entitlement_features: () => ({ name: 'Audit log', lookup_key: 'audit-log' }),
  product_features: () => ({ entitlement_feature: ids.feature }),
  tax_ids: () => ({ type: 'eu_vat', value: 'DE123456789' }),
  billing_meter_event_adjustments: () => ({ event_name: 'api_calls', type: 'cancel', cancel: { identifier: 'evt-1' } }),
};

const resources = Object.entries(index.resources).map(([name, e]) => ({ name, ...e }));
const pathOf = (p: string): string => p.replace('{customer}', ids.customer!).replace('{product}', ids.product!);
/** v1 bodies are form-encoded, v2 bodies JSON. */
const send = (format: 'form' | 'json', path: string, body: Record<string, unknown>) =>
  format === 'json' ? api.call('POST', path, { json: body }) : api.post(path, body);

describe('every resource in schemas/index.json', () => {
  it('has a minimal body in this table', () => {
    expect(Object.keys(minimal).sort()).toEqual(resources.map((r) => r.name).sort());
  });

  it.each(resources)('$name: a valid create succeeds with the $idPrefix prefix', async ({ name, path, idPrefix, format }) => {
    const r = await send(format, pathOf(path), minimal[name]!());
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.headers.get('request-id')).toMatch(/^req_/);
    if (name === 'billing_meter_events') {
      expect(r.body.object).toBe('billing.meter_event');
    } else {
      expect(r.body.id.startsWith(idPrefix)).toBe(true);
      expect(r.body.livemode).toBe(false);
      expect(emulator.objects(name).some((o) => o.id === r.body.id)).toBe(true);
    }
  });

  it.each(resources)('$name: an unknown parameter is refused with param set', async ({ name, path, format }) => {
    const r = await send(format, pathOf(path), { ...minimal[name]!(), bogus_field: 'x' });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_unknown', param: 'bogus_field' });
  });

  it.each(resources.filter((r) => required(r.create).length > 0))('$name: a missing required parameter is refused with param set', async ({ name, path, create, format }) => {
    const missing = required(create)[0]!;
    const body = { ...minimal[name]!() };
    delete body[missing];
    const r = await send(format, pathOf(path), body);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'parameter_missing', param: missing });
  });
});

describe('nested parameters', () => {
  it('refuses an unknown nested parameter with its bracket path', async () => {
    const r = await api.post('/v1/customers', { address: { city: 'Paris', planet: 'Mars' } });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_unknown', param: 'address[planet]' });
    expect(r.body.error.message).toBe('Received unknown parameter: address[planet]');
  });

  it('refuses unknown parameters inside array items, and in v2 JSON bodies', async () => {
    const items = await api.post('/v1/subscriptions', { customer: ids.customer, items: [{ price: ids.price, colour: 'red' }] });
    expect(items.body.error).toMatchObject({ code: 'parameter_unknown', param: 'items[0][colour]' });
    const v2 = await api.call('POST', '/v2/billing/meter_event_adjustments', { json: { event_name: 'e', type: 'cancel', cancel: { identifier: 'i', when: 1 } } });
    expect(v2.status).toBe(400);
    expect(v2.body.error).toMatchObject({ code: 'parameter_unknown', param: 'cancel[when]' });
  });

  it('keeps metadata open and refuses fields removed from the current API', async () => {
    expect((await api.post('/v1/customers', { metadata: { any_key: 'v' } })).status).toBe(200);
    const coupon = await api.post('/v1/customers', { coupon: ids.coupon });
    expect(coupon.body.error).toMatchObject({ code: 'parameter_unknown', param: 'coupon' });
    expect((await api.post('/v1/customers', { business_name: 'Acme', individual_name: 'Ada' })).status).toBe(200);
    const sub = await api.post('/v1/subscriptions', { customer: ids.customer, items: [{ price: ids.price }], coupon: ids.coupon });
    expect(sub.body.error).toMatchObject({ code: 'parameter_unknown', param: 'coupon' });
    const discounted = await api.post('/v1/subscriptions', { customer: ids.customer, items: [{ price: ids.price }], discounts: [{ coupon: ids.coupon }] });
    expect(discounted.status, JSON.stringify(discounted.body)).toBe(200);
  });
});

describe('object lifecycle', () => {
  it('retrieves, updates (metadata merges), lists and deletes a customer', async () => {
    const c = await api.post('/v1/customers', { name: 'Bo', metadata: { a: '1', b: '2' } });
    const id = c.body.id as string;
    expect((await api.get(`/v1/customers/${id}`)).body.name).toBe('Bo');
    const u = await api.post(`/v1/customers/${id}`, { metadata: { a: '', c: '3' }, description: 'vip' });
    expect(u.body.metadata).toEqual({ b: '2', c: '3' });
    expect(u.body.description).toBe('vip');
    const cleared = await api.call('POST', `/v1/customers/${id}`, { raw: 'metadata=&description=' });
    expect(cleared.body.metadata).toEqual({});
    expect(cleared.body.description).toBeNull();
    const list = await api.get('/v1/customers?limit=2');
    expect(list.body).toMatchObject({ object: 'list', has_more: true, url: '/v1/customers' });
    expect(list.body.data).toHaveLength(2);
    expect(list.body.data[0].id).toBe(id);
    const d = await api.del(`/v1/customers/${id}`);
    expect(d.body).toEqual({ id, object: 'customer', deleted: true });
    const gone = await api.get(`/v1/customers/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error).toMatchObject({ code: 'resource_missing', param: 'id', message: `No such customer: '${id}'` });
  });

  it('refuses DELETE where Stripe has none, and unknown URLs', async () => {
    expect((await api.del(`/v1/prices/${ids.price!}`)).status).toBe(404);
    expect((await api.get('/v1/nothing_here')).status).toBe(404);
  });

  it('accepts a custom id once for customId resources', async () => {
    expect((await api.post('/v1/products', { id: 'prod_custom_1', name: 'A' })).body.id).toBe('prod_custom_1');
    const dup = await api.post('/v1/products', { id: 'prod_custom_1', name: 'A' });
    expect(dup.status).toBe(400);
    expect(dup.body.error).toMatchObject({ code: 'resource_already_exists', param: 'id' });
  });

  it('needs the parent of a nested resource, and referenced objects', async () => {
    const r = await api.post('/v1/customers/cus_missing/tax_ids', { type: 'eu_vat', value: 'DE1' });
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: 'resource_missing', message: "No such customer: 'cus_missing'" });
    const ref = await api.post('/v1/invoiceitems', { customer: 'cus_missing', amount: 1, currency: 'usd' });
    expect(ref.status).toBe(400);
    expect(ref.body.error).toMatchObject({ code: 'resource_missing', param: 'customer' });
  });

  it('keeps objects per Stripe-Account', async () => {
    const r = await api.post('/v1/customers', { name: 'Connected' }, { 'Stripe-Account': 'acct_123' });
    expect(emulator.objects('customers', 'acct_123').map((o) => o.id)).toEqual([r.body.id]);
    expect((await api.get(`/v1/customers/${r.body.id}`)).status).toBe(404);
  });

  it('finds customers by metadata with search', async () => {
    const r = await api.post('/v1/customers', { metadata: { external_id: 'ext-42' } });
    const s = await api.get(`/v1/customers/search?query=${encodeURIComponent("metadata['external_id']:'ext-42'")}`);
    expect(s.body.object).toBe('search_result');
    expect(s.body.data.map((o: { id: string }) => o.id)).toEqual([r.body.id]);
  });

  it('serves balance and account', async () => {
    expect((await api.get('/v1/balance')).body.object).toBe('balance');
    expect((await api.get('/v1/account')).body).toMatchObject({ id: 'acct_emulator', object: 'account' });
  });
});
