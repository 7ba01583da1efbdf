// Record validation: field-level reasons with bracketed paths, never the record's values.
import { describe, expect, it } from 'vitest';
import { bracketPath, dropNulls, normalizeMetadata, validateBody } from '../../src/mapping/record-validation.js';

const SECRET = 'ada-secret-value@example.com';

describe('validateBody', () => {
  it.each([
    ['customers', 'create', { email: 'a@b.co', name: 'Ada' }],
    ['customers', 'update', { description: null, address: { city: null } }],
    ['prices', 'create', { currency: 'usd', unit_amount: 1500, product: 'prod_1' }],
    ['customers', 'create', { metadata: { crm: 'x' } }],
    ['customers', 'update', { metadata: '' }],
    ['billing_meter_events', 'create', { event_name: 'e', payload: { stripe_customer_id: 'cus_1', value: '3' }, timestamp: 1700000000 }],
  ] as const)('accepts a valid %s %s body', (resource, kind, body) => {
    expect(validateBody(resource, kind, body as Record<string, unknown>)).toBeUndefined();
  });

  it.each([
    ['customers', 'create', { emial: SECRET }, 'emial', 'unknown field "emial"'],
    ['products', 'create', { description: SECRET }, 'name', 'missing required field "name"'],
    ['prices', 'create', { currency: 'usd', unit_amount: '1000' }, 'unit_amount', 'field "unit_amount" must be integer'],
    ['customers', 'create', { metadata: { crm: { nested: SECRET } } }, 'metadata[crm]', 'field "metadata.crm" must be string or number'],
    ['customers', 'create', { address: { city: 12345 } }, 'address[city]', 'field "address.city" must be string'],
    ['subscriptions', 'create', { customer: 'cus_1', items: [{ price: 'p', quantity: '2' }] }, 'items[0][quantity]', 'field "items[0].quantity" must be integer'],
    ['customers', 'create', { tax_exempt: SECRET }, 'tax_exempt', 'field "tax_exempt" must be one of: '],
    ['customers', 'create', { email: 5 }, 'email', 'field "email" must be string'],
    ['billing_meter_events', 'create', { event_name: 'e', payload: { stripe_customer_id: 'cus_1', value: 3 } }, 'payload[value]', 'field "payload.value" must be string'],
    ['customers', 'create', { address: { city: 'Paris', planet: SECRET } }, 'address[planet]', 'unknown field "address.planet"'],
    ['customers', 'create', { invoice_settings: { rendering_options: { amount_tax_display: 'x', colour: SECRET } } }, 'invoice_settings[rendering_options][colour]', 'unknown field "invoice_settings.rendering_options.colour"'],
    ['subscriptions', 'create', { customer: 'cus_1', items: [{ price: 'p', size: SECRET }] }, 'items[0][size]', 'unknown field "items[0].size"'],
    ['subscriptions', 'create', { customer: 'cus_1', coupon: SECRET }, 'coupon', 'unknown field "coupon"'],
    ['prices', 'create', { currency: 'usd', unit_amount: 1.5 }, 'unit_amount', 'field "unit_amount" must be integer'],
    ['billing_meters', 'create', { display_name: 'd', event_name: 'e', default_aggregation: { formula: SECRET } }, 'default_aggregation[formula]', 'field "default_aggregation.formula" must be one of: count, last, sum'],
  ] as const)('refuses %s %s %j at %s', (resource, kind, body, param, reason) => {
    const rejection = validateBody(resource, kind, body as Record<string, unknown>);
    expect(rejection).toMatchObject({ code: 'validation_failed', param });
    expect(rejection!.reason).toContain(reason);
    expect(JSON.stringify(rejection)).not.toContain(SECRET);
  });

  it('lists a few problems and counts the rest', () => {
    const rejection = validateBody('customers', 'create', { a: 1, b: 2, c: 3, d: 4, e: 5 });
    expect(rejection!.reason).toMatch(/unknown field "a"; unknown field "b"; unknown field "c" \(and 2 more\)/);
  });

  it('skips required fields when asked (the create half of an upsert)', () => {
    expect(validateBody('products', 'create', {}, { required: false })).toBeUndefined();
  });

  it('refuses a bad unix time and decimal format', () => {
    expect(validateBody('subscriptions', 'create', { customer: 'c', items: [{ price: 'p' }], trial_end: 1.5 })!.param).toBe('trial_end');
    expect(validateBody('prices', 'create', { currency: 'usd', unit_amount_decimal: 'abc' })!.reason).toContain('must be a decimal value');
  });
});

describe('helpers', () => {
  it.each([
    [[], ''],
    [['email'], 'email'],
    [['items', '0', 'price'], 'items[0][price]'],
  ])('bracketPath(%j) = %s', (segments, text) => expect(bracketPath(segments)).toBe(text));

  it('drops nulls at every object depth', () => {
    expect(dropNulls({ a: null, b: { c: null, d: 1 }, e: [null] })).toEqual({ b: { d: 1 }, e: [null] });
  });

  it('turns metadata numbers and booleans into strings', () => {
    expect(normalizeMetadata({ metadata: { n: 5, b: true, s: 'x', z: null } })).toEqual({ metadata: { n: '5', b: 'true', s: 'x', z: null } });
    expect(normalizeMetadata({ metadata: '' })).toEqual({ metadata: '' });
  });
});
