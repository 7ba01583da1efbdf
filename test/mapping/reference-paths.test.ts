import { describe, expect, it } from 'vitest';
import { parsePattern, referencePathProblem, referenceSites } from '../../src/mapping/reference-paths.js';

const sites = (record: Record<string, unknown>, path: string, fields?: Record<string, string>) =>
  referenceSites(record, parsePattern(path), fields).map((s) => [s.path, s.value]);

describe('reference paths', () => {
  it('accepts dotted names with [] for arrays and refuses anything else', () => {
    expect(referencePathProblem('product')).toBeUndefined();
    expect(referencePathProblem('items[].price')).toBeUndefined();
    expect(referencePathProblem('a.b.c')).toBeUndefined();
    for (const bad of ['', 'items[0].price', 'items[].', 'a..b', 'a b', '[]']) expect(referencePathProblem(bad)).toBeDefined();
  });

  it('finds a top-level field, and nothing when it is absent, null or empty', () => {
    expect(sites({ product: 'SKU-1' }, 'product')).toEqual([['product', 'SKU-1']]);
    expect(sites({ name: 'x' }, 'product')).toEqual([]);
    expect(sites({ product: null }, 'product')).toEqual([]);
    expect(sites({ product: '' }, 'product')).toEqual([]);
  });

  it('finds every element of an array, nested or as dotted columns', () => {
    expect(sites({ items: [{ price: 'a' }, { quantity: 2 }, { price: 'c' }] }, 'items[].price')).toEqual([
      ['items[0].price', 'a'],
      ['items[2].price', 'c'],
    ]);
    expect(sites({ 'items[0].price': 'a', 'items[1].price': 'b', 'items[0].quantity': 1 }, 'items[].price')).toEqual([
      ['items[0].price', 'a'],
      ['items[1].price', 'b'],
    ]);
  });

  it('finds a column that the stream renames to the path', () => {
    expect(sites({ product_sku: 'SKU-9', name: 'n' }, 'product', { product_sku: 'product' })).toEqual([['product', 'SKU-9']]);
    expect(sites({ code: 'P1' }, 'items[].price', { code: 'items[0].price' })).toEqual([['items[0].price', 'P1']]);
  });

  it('replaces values in place, in the object it was given', () => {
    const record = { items: [{ price: 'a' }], product: 'p' };
    for (const site of referenceSites(record, parsePattern('items[].price'))) site.set('price_1');
    expect(record).toEqual({ items: [{ price: 'price_1' }], product: 'p' });
  });
});
