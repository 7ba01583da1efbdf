// Tests for the form/JSON body encoders and path-segment encoding.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import qs from 'qs';
import { decimalString, encodeForm, encodeJson, encodePathSegment, FormEncodeError } from '../../src/stripe/encode.js';

describe('encodeForm', () => {
  it.each([
    ['flat string', { email: 'a@b.co' }, 'email=a%40b.co'],
    ['nested object', { metadata: { plan: 'gold' } }, 'metadata[plan]=gold'],
    ['deep nesting', { a: { b: { c: 'x' } } }, 'a[b][c]=x'],
    ['array of objects', { items: [{ price: 'p_1', quantity: 2 }] }, 'items[0][price]=p_1&items[0][quantity]=2'],
    ['array of scalars', { expand: ['customer', 'invoice'] }, 'expand[0]=customer&expand[1]=invoice'],
    ['null unsets', { description: null }, 'description='],
    ['null in metadata', { metadata: { k: null } }, 'metadata[k]='],
    ['booleans', { active: true, livemode: false }, 'active=true&livemode=false'],
    ['integer', { amount: 1000 }, 'amount=1000'],
    ['negative decimal', { v: -1.5 }, 'v=-1.5'],
    ['big number without exponent', { v: 1e21 }, 'v=1000000000000000000000'],
    ['small number without exponent', { v: 1.5e-7 }, 'v=0.00000015'],
    ['undefined skipped', { a: undefined, b: 'x' }, 'b=x'],
    ['undefined array item keeps index', { a: ['x', undefined, 'y'] }, 'a[0]=x&a[2]=y'],
    ['empty object', { metadata: {} }, ''],
    ['empty array', { expand: [] }, ''],
    ['date as unix seconds', { ts: new Date('2024-01-02T03:04:05.678Z') }, 'ts=1704164645'],
    ['reserved chars in values', { q: 'a&b=c d+e/f?g#h%' }, 'q=a%26b%3Dc%20d%2Be%2Ff%3Fg%23h%25'],
    ['brackets in a value are encoded', { q: '[x]' }, 'q=%5Bx%5D'],
    ['reserved chars in keys', { metadata: { 'a b&c': 'v' } }, 'metadata[a%20b%26c]=v'],
    ['unicode', { name: 'Zoë 東京' }, 'name=Zo%C3%AB%20%E6%9D%B1%E4%BA%AC'],
    ['lone surrogate replaced', { name: 'a\ud800b' }, 'name=a%EF%BF%BDb'],
    ['empty string kept', { description: '' }, 'description='],
  ])('%s', (_name, body, expected) => {
    expect(encodeForm(body as Record<string, unknown>)).toBe(expected);
  });

  it.each([
    ['NaN', { amount: Number.NaN }, 'amount'],
    ['Infinity nested', { a: { b: Number.POSITIVE_INFINITY } }, 'a[b]'],
    ['function', { f: () => 1 }, 'f'],
    ['invalid date', { d: new Date('nope') }, 'd'],
    ['NaN in an array item', { items: [{ price: 'p' }, { quantity: Number.NaN }] }, 'items[1][quantity]'],
  ])('refuses %s naming the param', (_name, body, param) => {
    try {
      encodeForm(body as Record<string, unknown>);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FormEncodeError);
      expect((error as FormEncodeError).param).toBe(param);
    }
  });

  it.each([
    [{ amount: Number.NaN }, 'Cannot form-encode param amount: number is not finite'],
    [{ d: new Date('nope') }, 'Cannot form-encode param d: invalid date'],
    [{ f: Symbol('s') }, 'Cannot form-encode param f: a symbol cannot be sent'],
  ])('says why, naming the param and never the value: %s', (body, message) => {
    expect(() => encodeForm(body as Record<string, unknown>)).toThrow(expect.objectContaining({ name: 'FormEncodeError', message }));
  });

  it('sends a bigint as its digits', () => {
    expect(encodeForm({ amount: 12345678901234567890n })).toBe('amount=12345678901234567890');
  });

  // Keys Stripe-style parsers read as plain names: no brackets, not numeric, not empty, not prototype names.
  const key = fc
    .string({ minLength: 1, maxLength: 8, unit: 'grapheme' })
    .filter((k) => !/[[\]]/.test(k) && !/^\d+$/.test(k) && !['__proto__', 'constructor', 'prototype'].includes(k))
    .filter((k) => !(k in Object.prototype));
  const scalar = fc.oneof(
    fc.string({ maxLength: 12, unit: 'grapheme' }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );
  const tree = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
    array: fc.array(tie('node'), { maxLength: 4 }),
    object: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
  }));
  const body = fc.dictionary(key, tree.node, { maxKeys: 5 }) as fc.Arbitrary<Record<string, unknown>>;

  /** What a bracket-notation parser gives back: scalars as strings, null as '', empties dropped, arrays compacted. */
  function decoded(value: unknown): unknown {
    if (value === null) return '';
    if (Array.isArray(value)) {
      const items = value.map(decoded).filter((item) => item !== undefined);
      return items.length === 0 ? undefined : items;
    }
    if (typeof value === 'object') {
      const entries = Object.entries(value as object)
        .map(([k, v]) => [k, decoded(v)] as const)
        .filter(([, v]) => v !== undefined);
      return entries.length === 0 ? undefined : Object.fromEntries(entries);
    }
    if (typeof value === 'number') return decimalString(value);
    return String(value);
  }

  it('round-trips through a standard bracket-notation parser', () => {
    fc.assert(
      fc.property(body, (input) => {
        const parsed = qs.parse(encodeForm(input), { depth: 20, arrayLimit: 1000, allowDots: false, parameterLimit: 10_000 });
        expect(parsed).toEqual(decoded(input) ?? {});
      }),
      { numRuns: 300 },
    );
  });
});

describe('decimalString', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [42, '42'],
    [0.1, '0.1'],
    [1e21, '1000000000000000000000'],
    [-2.5e22, '-25000000000000000000000'],
    [1e-7, '0.0000001'],
    [-1.25e-9, '-0.00000000125'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
  ])('%d → %s', (value, expected) => {
    expect(decimalString(value)).toBe(expected);
    expect(Number(decimalString(value))).toBe(value === -0 ? 0 : value);
  });
});

describe('encodeJson', () => {
  it('is JSON with dates as RFC 3339 and undefined dropped', () => {
    const body = { events: [{ event_name: 'e', timestamp: new Date('2024-01-02T03:04:05.000Z') }], skip: undefined, n: null };
    expect(encodeJson(body)).toBe('{"events":[{"event_name":"e","timestamp":"2024-01-02T03:04:05.000Z"}],"n":null}');
  });
});

describe('encodePathSegment', () => {
  it.each([
    ['cus_123', 'cus_123'],
    ['../admin', '..%2Fadmin'],
    ['..', '%252E%252E'],
    ['.', '%252E'],
    ['a\\b', 'a%5Cb'],
    ['...', '...'],
    ['a/b', 'a%2Fb'],
    ['a?b=c', 'a%3Fb%3Dc'],
    ['a#b', 'a%23b'],
    ['100%', '100%25'],
    ['//evil.example', '%2F%2Fevil.example'],
    [42, '42'],
    ['', ''],
  ])('%s → %s', (value, expected) => {
    expect(encodePathSegment(value)).toBe(expected);
  });

  it('never lets a value change the path, query or host', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom('.', '..', '../..', '..\\x', '%2e%2e')), (value) => {
        const url = new URL(`https://api.stripe.com/v1/customers/${encodePathSegment(value)}`);
        expect(url.host).toBe('api.stripe.com');
        expect(url.search).toBe('');
        expect(url.hash).toBe('');
        expect(url.pathname).toBe(`/v1/customers/${encodePathSegment(value)}`);
      }),
    );
  });
});
