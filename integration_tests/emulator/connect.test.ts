// Connected accounts (Stripe-Account) and references between products, prices, customers and subscriptions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './server.js';
import { client, createId } from './test-client.js';

let emulator: Emulator;
let api: ReturnType<typeof client>;
const A = { 'Stripe-Account': 'acct_A1' };
const B = { 'Stripe-Account': 'acct_B2' };

beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: null, connectedAccounts: ['acct_A1', 'acct_B2'] });
  api = client(emulator.url);
});
afterAll(() => emulator.stop());

describe('connected accounts', () => {
  it('answers an account the key has no access to with 403 account_invalid, and stores nothing', async () => {
    const r = await api.post('/v1/customers', { name: 'x' }, { 'Stripe-Account': 'acct_unknown9' });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code: 'account_invalid' });
    expect(r.body.error.message).toContain("does not have access to account 'acct_unknown9'");
    expect(r.body.error.message).not.toContain('sk_test_emulator');
    expect(emulator.count('customers', 'acct_unknown9')).toBe(0);
    // The platform itself needs no header; a listed account passes.
    expect((await api.get('/v1/customers')).status).toBe(200);
    expect((await api.get('/v1/customers', A)).status).toBe(200);
  });

  it('accepts an account once it is connected', async () => {
    expect((await api.get('/v1/customers', { 'Stripe-Account': 'acct_later3' })).status).toBe(403);
    emulator.connectAccounts('acct_later3');
    expect((await api.get('/v1/customers', { 'Stripe-Account': 'acct_later3' })).status).toBe(200);
  });

  it('keeps objects, lists and search apart per account', async () => {
    const a = await createId(api, '/v1/customers', { metadata: { crm_id: 'c-1' } }, A);
    const b = await createId(api, '/v1/customers', { metadata: { crm_id: 'c-1' } }, B);
    const listed = (await api.get('/v1/customers?limit=100', A)).body.data.map((o: { id: string }) => o.id);
    expect(listed).toContain(a);
    expect(listed).not.toContain(b);
    const query = `/v1/customers/search?query=${encodeURIComponent("metadata['crm_id']:'c-1'")}`;
    expect((await api.get(query, A)).body.data.map((o: { id: string }) => o.id)).toEqual([a]);
    expect((await api.get(query, B)).body.data.map((o: { id: string }) => o.id)).toEqual([b]);
    expect((await api.get(query)).body.data).toEqual([]);
    expect((await api.get(`/v1/customers/${a}`, B)).status).toBe(404);
  });

  it('keeps idempotency keys apart per account: the same key creates once in each', async () => {
    const key = { 'Idempotency-Key': 'same-key-per-account' };
    const first = await api.post('/v1/products', { name: 'P' }, { ...A, ...key });
    const second = await api.post('/v1/products', { name: 'P' }, { ...B, ...key });
    const replay = await api.post('/v1/products', { name: 'P' }, { ...A, ...key });
    expect(first.body.id).not.toBe(second.body.id);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(first.body.id);
  });
});

describe('references between objects', () => {
  it('refuses a price for a missing product with 400 resource_missing on product', async () => {
    const r = await api.post('/v1/prices', { currency: 'usd', unit_amount: 100, product: 'prod_missing' });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing', param: 'product', message: "No such product: 'prod_missing'" });
  });

  it('looks references up in the account of the request', async () => {
    const product = await createId(api, '/v1/products', { name: 'Only in A' }, A);
    expect((await api.post('/v1/prices', { currency: 'usd', unit_amount: 100, product }, A)).status).toBe(200);
    const elsewhere = await api.post('/v1/prices', { currency: 'usd', unit_amount: 100, product }, B);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error).toMatchObject({ code: 'resource_missing', param: 'product' });
  });

  it('checks a subscription customer and every items[].price', async () => {
    const product = await createId(api, '/v1/products', { name: 'Plan' });
    const price = await createId(api, '/v1/prices', { currency: 'usd', unit_amount: 900, product, recurring: { interval: 'month' } });
    const customer = await createId(api, '/v1/customers', { email: 'sub@example.com' });
    const missingItem = await api.post('/v1/subscriptions', { customer, items: [{ price }, { price: 'price_missing' }] });
    expect(missingItem.status).toBe(400);
    expect(missingItem.body.error).toMatchObject({ code: 'resource_missing', param: 'items[1][price]', message: "No such price: 'price_missing'" });
    const missingCustomer = await api.post('/v1/subscriptions', { customer: 'cus_missing', items: [{ price }] });
    expect(missingCustomer.body.error).toMatchObject({ code: 'resource_missing', param: 'customer' });
    const ok = await api.post('/v1/subscriptions', { customer, items: [{ price }] });
    expect(ok.status).toBe(200);
  });
});
