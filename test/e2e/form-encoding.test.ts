// The form encoder's nested and array forms as they arrive at the emulator over HTTP from `write`: array items
// by index (items[0][price]), metadata keys, nested objects (address[line1]) and arrays of scalars
// (preferred_locales[0]). The unit tests of src/stripe/encode.ts check the encoder; this checks the wire.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { recordLine, stateLine, TEST_KEY, writeToEmulator } from '../helpers/write-run.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: null });
});
afterAll(async () => emulator?.stop());
beforeEach(() => emulator.reset());

const template = (resource: string) => ({ configuration: { mode: 'template', resource_type: resource } });

async function post(path: string, form: Record<string, string>): Promise<string> {
  const r = await fetch(`${emulator.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  expect(r.status).toBe(200);
  return ((await r.json()) as { id: string }).id;
}

/** The decoded key/value pairs of every POST to `path`, in the order they were sent. */
function sentPairs(path: string): Array<Array<[string, string]>> {
  return emulator
    .requestLog()
    .filter((q) => q.method === 'POST' && q.path === path)
    .map((q) => {
      expect(q.contentType).toBe('application/x-www-form-urlencoded');
      return [...new URLSearchParams(q.body ?? '').entries()];
    });
}

describe('form encoding on the wire', () => {
  it('a subscription: items by index with their fields, metadata keys (with a space), in the body Stripe reads', async () => {
    const customer = await post('/v1/customers', { email: 'buyer@example.com' });
    const product = await post('/v1/products', { name: 'Plan' });
    const monthly = await post('/v1/prices', { product, currency: 'usd', unit_amount: '1000', 'recurring[interval]': 'month' });
    const seats = await post('/v1/prices', { product, currency: 'usd', unit_amount: '300', 'recurring[interval]': 'month' });
    const record = { customer, items: [{ price: monthly }, { price: seats, quantity: 5 }], metadata: { tier: 'gold', 'source system': 'crm east' } };
    const r = await writeToEmulator({ url: emulator.url, config: template('subscriptions'), streams: [{ name: 'subs' }], messages: [recordLine('subs', record), stateLine('subs', 1)] });
    expect(r.code, r.stdout.slice(-1500)).toBe(0);

    const [pairs] = sentPairs('/v1/subscriptions');
    expect(pairs).toEqual(
      expect.arrayContaining([
        ['customer', customer],
        ['items[0][price]', monthly],
        ['items[1][price]', seats],
        ['items[1][quantity]', '5'],
        ['metadata[tier]', 'gold'],
        ['metadata[source system]', 'crm east'],
      ]),
    );
    expect(pairs!.filter(([k]) => k.startsWith('items['))).toHaveLength(3);
    const [subscription] = emulator.objects('subscriptions');
    expect(subscription?.metadata).toEqual({ tier: 'gold', 'source system': 'crm east' });
  });

  it('a customer: a nested address, an array of scalars by index, and nested metadata, stored as sent', async () => {
    const record = {
      email: 'nested@example.com',
      address: { line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' },
      shipping: { name: 'Dock 4', address: { line1: '9 Harbour Rd', city: 'Portside' } },
      preferred_locales: ['en', 'fr'],
      metadata: { crm_id: 'crm-1', 'a&b=c': 'x&y=z' },
    };
    const r = await writeToEmulator({ url: emulator.url, config: template('customers'), streams: [{ name: 'crm' }], messages: [recordLine('crm', record), stateLine('crm', 1)] });
    expect(r.code, r.stdout.slice(-1500)).toBe(0);

    const [pairs] = sentPairs('/v1/customers');
    expect(pairs).toEqual(
      expect.arrayContaining([
        ['address[line1]', '1 Main St'],
        ['address[city]', 'Springfield'],
        ['shipping[name]', 'Dock 4'],
        ['shipping[address][line1]', '9 Harbour Rd'],
        ['preferred_locales[0]', 'en'],
        ['preferred_locales[1]', 'fr'],
        ['metadata[crm_id]', 'crm-1'],
        ['metadata[a&b=c]', 'x&y=z'],
      ]),
    );
    const [customer] = emulator.objects('customers');
    expect(customer).toMatchObject({ address: record.address, preferred_locales: ['en', 'fr'], metadata: record.metadata });
    expect((customer!.shipping as { address: unknown }).address).toMatchObject(record.shipping.address);
  });
});
