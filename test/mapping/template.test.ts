// Template mapper: requests per operation, object keys, idempotency keys and rejections naming fields.
import { describe, expect, it } from 'vitest';
import { createTemplateMapper, meterEventIdentifier, type TemplateMapperOptions } from '../../src/mapping/template.js';
import type { MappedRequest, MapResult } from '../../src/core/mapped-request.js';

const keys: TemplateMapperOptions['idempotencyKey'] = (operation, resource) => ({ key: `k-${operation}-${resource}` });
const mapper = (options: Partial<TemplateMapperOptions> & Pick<TemplateMapperOptions, 'resource' | 'operation'>) =>
  createTemplateMapper({ idempotencyKey: keys, ...options });
const request = (result: MapResult): MappedRequest => {
  if (result.kind !== 'request') throw new Error(`expected a request, got ${JSON.stringify(result)}`);
  return result;
};

describe('template mapper requests', () => {
  it.each([
    ['customers', 'create', { email: 'a@b.co', nickname: null }, 'POST', '/v1/customers', { email: 'a@b.co' }, '/v1/customers#k-create-customers'],
    ['products', 'create', { id: 'gold', name: 'Gold' }, 'POST', '/v1/products', { id: 'gold', name: 'Gold' }, '/v1/products/gold'],
    ['customer_balance_transactions', 'create', { customer: 'cus_1', amount: 5, currency: 'usd' }, 'POST', '/v1/customers/cus_1/balance_transactions', { amount: 5, currency: 'usd' }, '/v1/customers/cus_1'],
    ['customers', 'update', { id: 'cus_1', description: null }, 'POST', '/v1/customers/cus_1', { description: null }, '/v1/customers/cus_1'],
    ['customer_balance_transactions', 'update', { customer: 'cus/1', id: 'cbtxn_1', description: 'x' }, 'POST', '/v1/customers/cus%2F1/balance_transactions/cbtxn_1', { description: 'x' }, '/v1/customers/cus%2F1/balance_transactions/cbtxn_1'],
    ['customers', 'delete', { id: 'cus_1', name: 'ignored' }, 'DELETE', '/v1/customers/cus_1', undefined, '/v1/customers/cus_1'],
    ['customer_tax_ids', 'delete', { customer: 'cus_1', id: 'txi_1' }, 'DELETE', '/v1/customers/cus_1/tax_ids/txi_1', undefined, '/v1/customers/cus_1/tax_ids/txi_1'],
    ['prices', 'delete', { id: 'price_1' }, 'POST', '/v1/prices/price_1', { active: false }, '/v1/prices/price_1'],
    ['payment_intents', 'delete', { id: 'pi_1' }, 'POST', '/v1/payment_intents/pi_1/cancel', {}, '/v1/payment_intents/pi_1'],
    ['credit_notes', 'delete', { id: 'cn_1' }, 'POST', '/v1/credit_notes/cn_1/void', {}, '/v1/credit_notes/cn_1'],
    ['refunds', 'delete', { id: 're_1' }, 'POST', '/v1/refunds/re_1/cancel', {}, '/v1/refunds/re_1'],
    ['customers', 'update', { id: '..', name: 'x' }, 'POST', '/v1/customers/%252E%252E', { name: 'x' }, '/v1/customers/%252E%252E'],
  ] as const)('%s %s %j → %s %s', (resource, operation, record, method, path, body, objectKey) => {
    const mapped = request(mapper({ resource, operation })(record as Record<string, unknown>));
    expect(mapped.request).toMatchObject({ method, path, format: 'form' });
    expect(mapped.request.body).toEqual(body);
    expect(mapped.objectKey).toBe(objectKey);
    expect(mapped.operation).toBe(operation);
    if (method === 'POST') expect(mapped.request.idempotencyKey).toMatch(/^k-/);
    else expect(mapped.request.idempotencyKey).toBeUndefined();
    expect(mapped.missingIsSuccess === true).toBe(operation === 'delete');
  });

  it('gives plain creates without a key distinct object keys so they run concurrently', () => {
    const map = createTemplateMapper({ resource: 'customers', operation: 'create', idempotencyKey: () => ({}) });
    const a = request(map({ email: 'a@b.co' }));
    const b = request(map({ email: 'a@b.co' }));
    expect(a.objectKey).not.toBe(b.objectKey);
    expect(a.request.idempotencyKey).toBeUndefined();
  });

  it('reads the record at record_path', () => {
    const mapped = request(mapper({ resource: 'customers', operation: 'create', recordPath: 'payload.customer' })({ payload: { customer: { name: 'Ada' } } }));
    expect(mapped.request.body).toEqual({ name: 'Ada' });
    expect(mapper({ resource: 'customers', operation: 'create', recordPath: 'payload.customer' })({ payload: {} })).toEqual({
      kind: 'rejected',
      rejection: { code: 'missing_field', param: 'payload.customer', reason: 'record has no object at record_path "payload.customer"' },
    });
  });

  it('upserts a custom id: update, then create with that id on resource_missing', () => {
    const mapped = request(mapper({ resource: 'products', operation: 'upsert' })({ id: 'gold', name: 'Gold', shippable: true, description: null }));
    expect(mapped.request).toMatchObject({ method: 'POST', path: '/v1/products/gold', body: { name: 'Gold', shippable: true, description: null }, idempotencyKey: 'k-upsert-products' });
    expect(mapped.onMissing).toMatchObject({ method: 'POST', path: '/v1/products', body: { id: 'gold', name: 'Gold', shippable: true }, idempotencyKey: 'k-upsert_create-products' });
    expect(mapped.objectKey).toBe('/v1/products/gold');
  });

  it('upserts a Stripe-generated id as an update', () => {
    const mapped = request(mapper({ resource: 'customers', operation: 'upsert' })({ id: 'cus_1', name: 'Ada' }));
    expect(mapped).toMatchObject({ operation: 'upsert', request: { path: '/v1/customers/cus_1' }, objectKey: '/v1/customers/cus_1' });
    expect(mapped.onMissing).toBeUndefined();
  });

  it('gives meter events a deterministic identifier when they lack one', () => {
    const record = { event_name: 'api', payload: { stripe_customer_id: 'cus_1', value: '1' } };
    const a = request(mapper({ resource: 'billing_meter_events', operation: 'create' })(record));
    const b = request(mapper({ resource: 'billing_meter_events', operation: 'create' })({ payload: record.payload, event_name: 'api' }));
    expect(a.request.path).toBe('/v1/billing/meter_events');
    expect(a.request.body?.['identifier']).toBe(meterEventIdentifier(record));
    expect(b.request.body?.['identifier']).toBe(a.request.body?.['identifier']);
    const own = request(mapper({ resource: 'billing_meter_events', operation: 'create' })({ ...record, identifier: 'evt-1' }));
    expect(own.request.body?.['identifier']).toBe('evt-1');
  });
});

describe('template mapper rejections', () => {
  it.each([
    ['customers', 'update', {}, 'id', 'missing_field'],
    ['customers', 'update', { id: { nested: 'x' } }, 'id', 'invalid_field'],
    ['customers', 'delete', { id: '' }, 'id', 'missing_field'],
    ['customer_balance_transactions', 'create', { amount: 5, currency: 'usd' }, 'customer', 'missing_field'],
    ['customers', 'create', { emial: 'secret@x.io' }, 'emial', 'validation_failed'],
    ['customers', 'update', { id: 'cus_1', unknown: 1 }, 'unknown', 'validation_failed'],
    ['products', 'upsert', { id: 'gold', colour: 'red' }, 'colour', 'validation_failed'],
  ] as const)('%s %s %j → %s (%s)', (resource, operation, record, param, code) => {
    const result = mapper({ resource, operation })(record as Record<string, unknown>);
    expect(result).toMatchObject({ kind: 'rejected', rejection: { code, param } });
    expect(JSON.stringify(result)).not.toContain('secret@x.io');
  });

  it('passes on an idempotency key error as a rejection', () => {
    const map = createTemplateMapper({ resource: 'customers', operation: 'create', idempotencyKey: () => ({ error: 'no key field' }) });
    expect(map({ name: 'Ada' })).toEqual({ kind: 'rejected', rejection: { code: 'idempotency_key_unavailable', reason: 'no key field' } });
  });

  it.each([
    [{ resource: 'charges', operation: 'delete' }, /not supported for charges/],
    [{ resource: 'customer_tax_ids', operation: 'update' }, /Supported: create, delete/],
    [{ resource: 'coupons', operation: 'upsert', matchingKey: 'crm_id' }, /can match only on "id"/],
    [{ resource: 'customers', operation: 'upsert', matchingKey: "bad'key" }, /matching_key must be/],
    [{ resource: 'customers', operation: 'create', recordPath: 'a..b' }, /record_path/],
  ] as const)('refuses the configuration %j', (options, message) => {
    expect(() => mapper(options as Pick<TemplateMapperOptions, 'resource' | 'operation'>)).toThrow(message);
  });
});
