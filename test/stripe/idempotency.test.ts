// Tests for deterministic idempotency-key derivation and canonical JSON.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson, deriveIdempotencyKey, type IdempotencyKeyInput } from '../../src/stripe/idempotency.js';

const base: IdempotencyKeyInput = {
  source: 'auto',
  stream: 'users',
  operation: 'create',
  resource: 'customers',
  record: { id: 7, email: 'a@b.co', name: 'Ann' },
};

function keyOf(input: Partial<IdempotencyKeyInput>): string {
  const result = deriveIdempotencyKey({ ...base, ...input });
  if (!('key' in result) || result.key === undefined) throw new Error('expected a key');
  return result.key;
}

describe('deriveIdempotencyKey', () => {
  it('has a readable tag and a sha-256 hex', () => {
    expect(keyOf({})).toMatch(/^dst-stripe-create-[0-9a-f]{64}$/);
  });

  it('is deterministic and independent of key order', () => {
    expect(keyOf({ record: { name: 'Ann', email: 'a@b.co', id: 7 } })).toBe(keyOf({}));
  });

  it.each<[string, Partial<IdempotencyKeyInput>]>([
    ['stream', { stream: 'people' }],
    ['namespace', { namespace: 'crm' }],
    ['operation', { operation: 'update' }],
    ['resource', { resource: 'products' }],
    ['content', { record: { id: 7, email: 'x@b.co', name: 'Ann' } }],
  ])('changes with the %s', (_name, change) => {
    expect(keyOf(change)).not.toBe(keyOf({}));
  });

  it('auto uses the primary key when present, so content changes keep the key', () => {
    const a = keyOf({ primaryKey: [7], record: { id: 7, name: 'Ann' } });
    const b = keyOf({ primaryKey: [7], record: { id: 7, name: 'Anne' } });
    expect(a).toBe(b);
    expect(a).toBe(keyOf({ source: 'primary_key', primaryKey: [7], record: {} }));
  });

  it.each<[string, unknown[] | undefined]>([
    ['absent', undefined],
    ['empty', []],
    ['with a null part', [7, null]],
  ])('auto falls back to content when the primary key is %s', (_name, primaryKey) => {
    expect(keyOf({ primaryKey })).toBe(keyOf({ source: 'content' }));
  });

  it('primary_key without one is an error naming the setting and stream', () => {
    const result = deriveIdempotencyKey({ ...base, source: 'primary_key' });
    expect(result).toEqual({ error: expect.stringContaining('primary_key') });
    expect((result as { error: string }).error).toContain('users');
  });

  it('field reads a dotted path', () => {
    const record = { payload: { ref: 'ord_1' }, other: 1 };
    const a = keyOf({ source: 'field', field: 'payload.ref', record });
    expect(a).toBe(keyOf({ source: 'field', field: 'payload.ref', record: { payload: { ref: 'ord_1' }, other: 2 } }));
    expect(a).not.toBe(keyOf({ source: 'field', field: 'payload.ref', record: { payload: { ref: 'ord_2' } } }));
  });

  it.each([
    ['missing', { payload: {} }],
    ['null', { payload: { ref: null } }],
    ['empty', { payload: { ref: '' } }],
    ['parent not an object', { payload: 'secret-value' }],
  ])('field %s is an error naming the path, not the value', (_name, record) => {
    const result = deriveIdempotencyKey({ ...base, source: 'field', field: 'payload.ref', record });
    expect('error' in result).toBe(true);
    const { error } = result as { error: string };
    expect(error).toContain('payload.ref');
    expect(error).not.toContain('secret-value');
  });

  it('field without a configured path is an error', () => {
    expect(deriveIdempotencyKey({ ...base, source: 'field' })).toEqual({ error: expect.stringContaining('idempotency_key.field') });
  });

  it('off sends no key', () => {
    expect(deriveIdempotencyKey({ ...base, source: 'off' })).toEqual({});
  });

  it('stays within 255 characters and header-safe whatever the operation', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.string({ maxLength: 400 }), (operation, stream) => {
        const key = keyOf({ operation, stream });
        expect(key.length).toBeLessThanOrEqual(255);
        expect(key).toMatch(/^[a-z0-9_-]+$/);
      }),
    );
  });
});

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: 2 }, '{"a":2,"b":1}'],
    [{ z: { y: 1, x: [3, { d: 1, c: 2 }] } }, '{"z":{"x":[3,{"c":2,"d":1}],"y":1}}'],
    [{ a: undefined, b: null }, '{"b":null}'],
    [[1, 'two', true, null], '[1,"two",true,null]'],
    [new Date('2024-01-01T00:00:00.000Z'), '"2024-01-01T00:00:00.000Z"'],
    [Number.NaN, 'null'],
    ['quote"s', '"quote\\"s"'],
  ])('%j → %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('parses back to the same JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('deriveIdempotencyKey at its edges', () => {
  // Golden keys computed here from the documented recipe, independently of canonicalJson.
  const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
  const recipe = (basis: string, value: string, namespace = 'null') =>
    `{"basis":"${basis}","namespace":${namespace},"operation":"create","resource":"customers","stream":"users","v":1,"value":${value}}`;

  it.each<[string, Partial<IdempotencyKeyInput>, string]>([
    ['content', { source: 'content', primaryKey: [7] }, recipe('content', '{"email":"a@b.co","id":7,"name":"Ann"}')],
    ['primary key', { source: 'primary_key', primaryKey: [7] }, recipe('primary_key', '[7]')],
    ['field', { source: 'field', field: 'email' }, recipe('field', '"a@b.co"')],
    ['namespace', { source: 'field', field: 'email', namespace: 'crm' }, recipe('field', '"a@b.co"', '"crm"')],
  ])('%s: dst-stripe-create-<sha256 of the recipe>', (_name, input, text) => {
    expect(keyOf(input)).toBe(`dst-stripe-create-${sha(text)}`);
  });

  it.each([
    ['Create Customer!!', 'create_customer_'],
    ['a--b', 'a_b'],
    ['upsert_prices_by_external_key_long', 'upsert_prices_by_externa'],
    ['', 'op'],
  ])('operation %j is tagged %j', (operation, tag) => {
    expect(keyOf({ operation }).startsWith(`dst-stripe-${tag}-`)).toBe(true);
    expect(keyOf({ operation }).length).toBe(`dst-stripe-${tag}-`.length + 64);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a null parent', { a: null }],
    ['a string parent (own "length")', { a: 'abc' }],
    ['an inherited member', { a: {} }],
  ])('a field path through %s has no value', (_name, record) => {
    const field = 'a' in record && typeof record.a === 'string' ? 'a.length' : record.a === null ? 'a.b' : 'a.toString';
    expect(deriveIdempotencyKey({ ...base, source: 'field', field, record })).toEqual({ error: `idempotency key field ${field} is missing or empty in the record` });
  });

  it.each([[[7, null]], [[7, undefined]], [[]]])('a primary key %j is not complete', (primaryKey) => {
    expect(deriveIdempotencyKey({ ...base, source: 'primary_key', primaryKey })).toHaveProperty('error');
  });

  it('an unknown source is an error naming it', () => {
    expect(deriveIdempotencyKey({ ...base, source: 'bogus' as IdempotencyKeyInput['source'] })).toEqual({ error: 'idempotency_key.source bogus is not supported' });
  });

  it.each<[unknown, string]>([
    [null, 'null'],
    [undefined, 'null'],
    [10n, '10'],
    [() => 1, 'null'],
    [{ b: undefined, a: [null, 2n] }, '{"a":[null,2]}'],
  ])('canonicalJson(%s) is %s', (value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });
});
