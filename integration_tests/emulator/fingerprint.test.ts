// Tests for the idempotency fingerprint: key order does not matter, any parameter change does.
import { describe, expect, it } from 'vitest';
import { requestFingerprint, sortedJson } from './fingerprint.js';

describe('requestFingerprint', () => {
  it('is the same whatever the key order, at any depth', () => {
    const a = { events: [{ event_name: 'x', payload: { value: '1', stripe_customer_id: 'cus_1' } }], b: 2 };
    const b = { b: 2, events: [{ payload: { stripe_customer_id: 'cus_1', value: '1' }, event_name: 'x' }] };
    expect(requestFingerprint('POST', '/v2/p', a)).toBe(requestFingerprint('POST', '/v2/p', b));
    expect(sortedJson(b)).toBe('{"b":2,"events":[{"event_name":"x","payload":{"stripe_customer_id":"cus_1","value":"1"}}]}');
  });

  it('differs when a value, the method or the path differs, and keeps only a hash', () => {
    const base = requestFingerprint('POST', '/v1/customers', { name: 'a' });
    expect(requestFingerprint('POST', '/v1/customers', { name: 'b' })).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/products', { name: 'a' })).not.toBe(base);
    expect(requestFingerprint('DELETE', '/v1/customers', { name: 'a' })).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes what JSON.stringify writes for leaves and drops undefined members', () => {
    expect(sortedJson({ z: undefined, a: [1, 'two', null, true], n: 1.5 })).toBe('{"a":[1,"two",null,true],"n":1.5}');
  });
});
