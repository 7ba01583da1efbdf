// Stages 1 and 2: renames from stream_settings fields, and bodies assembled from path-named fields.
import { describe, expect, it } from 'vitest';
import { renameFields } from '../../../src/mapping/stages/rename.js';
import { assemblePaths } from '../../../src/mapping/stages/assemble.js';
import { formatPath, mappablePaths, parsePath } from '../../../src/mapping/field-paths.js';

describe('parsePath', () => {
  it.each([
    ['address.city', ['address', 'city']],
    ['shipping.address.line1', ['shipping', 'address', 'line1']],
    ['items[0].price', ['items', 0, 'price']],
    ['items[12]', ['items', 12]],
    ['metadata.crm_id', ['metadata', 'crm_id']],
    ['metadata.crm.id', ['metadata', 'crm.id']],
    ['subscription_data.metadata.a.b', ['subscription_data', 'metadata', 'a.b']],
  ])('%s', (text, segments) => {
    expect(parsePath(text)).toEqual(segments);
    expect(formatPath(parsePath(text)!)).toBe(text);
  });

  it.each(['', '.city', 'address.', 'a..b', 'items[x]', 'items[01]', 'items[0', 'a]b', 'metadata.a[b]', 'items[-1]'])('refuses %j', (text) => {
    expect(parsePath(text)).toBeUndefined();
  });
});

describe('renameFields', () => {
  const fields = new Map([
    ['city', 'address.city'],
    ['crm_id', 'metadata.crm_id'],
    ['full_name', 'name'],
  ]);

  it('renames, keeps other fields, and does not touch the record', () => {
    const record = { city: 'Berlin', full_name: 'Ada', email: 'a@example.com' };
    expect(renameFields(record, fields, new Set())).toEqual({ body: { 'address.city': 'Berlin', name: 'Ada', email: 'a@example.com' } });
    expect(record).toEqual({ city: 'Berlin', full_name: 'Ada', email: 'a@example.com' });
  });

  it('keeps the matching key under its own name as well', () => {
    expect(renameFields({ crm_id: 'c-1' }, fields, new Set(['crm_id']))).toEqual({ body: { 'metadata.crm_id': 'c-1', crm_id: 'c-1' } });
  });

  it('returns the record itself when nothing is renamed', () => {
    const record = { email: 'a@example.com' };
    expect((renameFields(record, fields, new Set()) as { body: unknown }).body).toBe(record);
  });

  it('refuses a record that fills a target twice, naming the target', () => {
    const result = renameFields({ full_name: 'Ada', name: 'Other' }, fields, new Set());
    expect(result).toMatchObject({ rejection: { code: 'invalid_field', param: 'name' } });
    expect((result as { rejection: { reason: string } }).rejection.reason).toContain('"full_name"');
    expect(JSON.stringify(result)).not.toContain('Ada');
  });

  it('a swap of two names is no conflict', () => {
    expect(renameFields({ a: 1, b: 2 }, new Map([['a', 'b'], ['b', 'a']]), new Set())).toEqual({ body: { b: 1, a: 2 } });
  });
});

describe('assemblePaths', () => {
  it('fills places from path names, mixed with nested objects, without changing the record', () => {
    const record = { email: 'a@example.com', address: { line1: 'Main St 1' }, 'address.city': 'Berlin', 'metadata.crm_id': 'c-1', 'items[0].price': 'price_1', 'items[1].price': 'price_2', 'items[1].quantity': 3 };
    const copy = structuredClone(record);
    expect(assemblePaths(record)).toEqual({
      body: { email: 'a@example.com', address: { line1: 'Main St 1', city: 'Berlin' }, metadata: { crm_id: 'c-1' }, items: [{ price: 'price_1' }, { price: 'price_2', quantity: 3 }] },
    });
    expect(record).toEqual(copy);
  });

  it('writes into an array the record already holds, and copies it', () => {
    const record = { items: [{ price: 'price_1' }], 'items[0].quantity': 2, 'items[1].price': 'price_2' };
    expect(assemblePaths(record)).toEqual({ body: { items: [{ price: 'price_1', quantity: 2 }, { price: 'price_2' }] } });
    expect(record.items).toEqual([{ price: 'price_1' }]);
  });

  it('returns the record itself when no field is a path', () => {
    const record = { email: 'a@example.com', address: { city: 'Berlin' } };
    expect((assemblePaths(record) as { body: unknown }).body).toBe(record);
  });

  it.each([
    ['the same leaf twice', { address: { city: 'A' }, 'address.city': 'B' }, 'address.city', 'is set twice'],
    ['a path through text', { address: 'Main St', 'address.city': 'B' }, 'address', 'needs "address" to be an object'],
    ['holes in an array', { 'items[0].price': 'p', 'items[2].price': 'q' }, 'items[1]', 'array indexes must be dense'],
    ['an index on an object', { address: { city: 'A' }, 'address[0]': 'B' }, 'address', 'to be an array'],
    ['a name that is not a path', { 'address..city': 'B' }, 'address..city', 'is not a path'],
  ])('refuses %s, naming the path and never the value', (_what, record, param, reason) => {
    const result = assemblePaths(record as Record<string, unknown>);
    expect(result).toMatchObject({ rejection: { param } });
    expect((result as { rejection: { reason: string } }).rejection.reason).toContain(reason);
    expect(JSON.stringify(result)).not.toMatch(/"(A|B|Main St|p|q)"/);
  });
});

describe('mappablePaths', () => {
  it('lists leaves to the depth asked, arrays as [0]', () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        shipping: { type: 'object', properties: { address: { anyOf: [{ type: 'object', properties: { line1: { type: 'string' }, geo: { type: 'object', properties: { lat: { type: 'number' } } } } }, { type: 'string', enum: [''] }] } } },
        items: { type: 'array', items: { type: 'object', properties: { price: { type: 'string' } } } },
      },
    };
    expect([...mappablePaths(schema, 3).keys()].sort()).toEqual(['items', 'items[0].price', 'name', 'shipping', 'shipping.address', 'shipping.address.geo', 'shipping.address.line1'].sort());
  });
});
