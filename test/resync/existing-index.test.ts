// The index: keys from metadata or ids, ambiguous keys, memory after writes, dry-run bookkeeping.
import { describe, expect, it } from 'vitest';
import { ExistingIndex } from '../../src/resync/existing-index.js';
import { hash53 } from '../../src/resync/fingerprint.js';

describe('ExistingIndex', () => {
  it('keys objects by a metadata key and skips objects without it', () => {
    const index = new ExistingIndex({ fields: ['name', 'metadata[ext]'], matchingKey: 'ext' });
    index.add({ id: 'cus_1', name: 'a', metadata: { ext: 'e1' } });
    index.add({ id: 'cus_2', name: 'b', metadata: {} });
    index.add({ id: 'cus_3', name: 'c', metadata: { ext: '' } });
    expect(index.size).toBe(1);
    expect(index.find('e1')).toMatchObject({ kind: 'found', id: 'cus_1' });
    expect(index.find('e2')).toBeUndefined();
  });

  it('two objects with one key make it ambiguous; the same object listed twice does not', () => {
    const index = new ExistingIndex({ fields: ['name'], matchingKey: 'ext' });
    index.add({ id: 'cus_1', metadata: { ext: 'e1' } });
    index.add({ id: 'cus_1', metadata: { ext: 'e1' } });
    expect(index.find('e1')?.kind).toBe('found');
    index.add({ id: 'cus_2', metadata: { ext: 'e1' } });
    expect(index.find('e1')).toEqual({ kind: 'ambiguous', ids: ['cus_1', 'cus_2'] });
    index.add({ id: 'cus_3', metadata: { ext: 'e1' } });
    index.add({ id: 'cus_2', metadata: { ext: 'e1' } });
    expect(index.find('e1')).toEqual({ kind: 'ambiguous', ids: ['cus_1', 'cus_2', 'cus_3'] });
  });

  it('keys objects by id when the matching key is id', () => {
    const index = new ExistingIndex({ fields: ['name'], matchingKey: 'id' });
    index.add({ id: 'prod_gold', name: 'Gold' });
    const found = index.find('prod_gold');
    expect(found).toMatchObject({ kind: 'found', id: 'prod_gold' });
    if (found?.kind === 'found') expect(index.changedFields(found.slot, { name: 'Gold' })).toEqual([]);
  });

  it('remembers what a write answered, so a second record with the same key compares with it', () => {
    const index = new ExistingIndex({ fields: ['name', 'metadata[ext]'], matchingKey: 'ext' });
    index.remember('e1', { id: 'cus_9', name: 'new', metadata: { ext: 'e1' } });
    const found = index.find('e1');
    if (found?.kind !== 'found') throw new Error('not remembered');
    expect(found.id).toBe('cus_9');
    expect(index.changedFields(found.slot, { name: 'new', metadata: { ext: 'e1' } })).toEqual([]);
    expect(index.changedFields(found.slot, { name: 'newer', metadata: { ext: 'e1' } })).toEqual(['name']);
  });

  it('dry run: a planned update keeps the fields it leaves alone; a planned create knows only its own', () => {
    const index = new ExistingIndex({ fields: ['name', 'email'], matchingKey: 'ext' });
    index.add({ id: 'cus_1', name: 'a', email: 'a@example.com', metadata: { ext: 'e1' } });
    index.rememberBody('e1', 'cus_1', { name: 'b' });
    const found = index.find('e1');
    if (found?.kind !== 'found') throw new Error('lost');
    expect(index.changedFields(found.slot, { name: 'b', email: 'a@example.com' })).toEqual([]);
    index.rememberBody('e2', 'planned', { name: 'c' });
    const planned = index.find('e2');
    if (planned?.kind !== 'found') throw new Error('lost');
    expect(index.changedFields(planned.slot, { name: 'c', email: 'c@example.com' })).toEqual(['email']);
  });

  it('compares the matching key\'s own field with the key (it keeps no hash for it)', () => {
    const index = new ExistingIndex({ fields: ['name', 'metadata[ext]', 'metadata[tier]'], matchingKey: 'ext' });
    index.add({ id: 'cus_1', name: 'a', metadata: { ext: 'e1', tier: 'gold' } });
    const found = index.find('e1');
    if (found?.kind !== 'found') throw new Error('lost');
    expect(index.changedFields(found.slot, { name: 'a', metadata: { ext: 'e1', tier: 'gold' } })).toEqual([]);
    expect(index.changedFields(found.slot, { name: 'a', metadata: { ext: 'e2', tier: 'gold' } })).toEqual(['metadata[ext]']);
    expect(index.changedFields(found.slot, { name: 'a', metadata: { ext: '', tier: 'silver' } })).toEqual(['metadata[ext]', 'metadata[tier]']);
    const byId = new ExistingIndex({ fields: ['id', 'name'], matchingKey: 'id' });
    byId.add({ id: 'prod_gold', name: 'Gold' });
    const gold = byId.find('prod_gold');
    if (gold?.kind !== 'found') throw new Error('lost');
    expect(byId.changedFields(gold.slot, { id: 'prod_gold', name: 'Gold' })).toEqual([]);
    expect(byId.changedFields(gold.slot, { id: 'prod_silver', name: 'Gold' })).toEqual(['id']);
  });

  it('finds every change among 20,000 objects of four fields, and no change where there is none', () => {
    const index = new ExistingIndex({ fields: ['name', 'email', 'metadata[ext]', 'metadata[tier]'], matchingKey: 'ext' });
    const body = (i: number, v: number) => ({ name: `n${i}`, email: `e${i}@x.io`, metadata: { ext: `k${i}`, tier: v % 2 ? 'gold' : 'silver' } });
    for (let i = 0; i < 20_000; i += 1) index.add({ id: `cus_${i}`, ...body(i, i) });
    let changed = 0;
    for (let i = 0; i < 20_000; i += 1) {
      const found = index.find(`k${i}`);
      if (found?.kind !== 'found') throw new Error(`lost k${i}`);
      const fields = index.changedFields(found.slot, body(i, i % 7 === 0 ? i + 1 : i));
      if (fields.length !== (i % 7 === 0 ? 1 : 0)) throw new Error(`k${i}: ${fields.join()}`);
      changed += fields.length;
    }
    expect(changed).toBe(Math.ceil(20_000 / 7));
  });

  it('forgets a deleted object', () => {
    const index = new ExistingIndex({ fields: [], matchingKey: 'id' });
    index.add({ id: 'cus_1' });
    index.forget('cus_1');
    expect(index.find('cus_1')).toBeUndefined();
  });

  it('grows past its first allocation', () => {
    const index = new ExistingIndex({ fields: ['name', 'email', 'phone'], matchingKey: 'id' });
    for (let i = 0; i < 5000; i += 1) index.add({ id: `cus_${i}`, name: `n${i}`, email: null, phone: null });
    const found = index.find('cus_4999');
    if (found?.kind !== 'found') throw new Error('lost');
    expect(index.changedFields(found.slot, { name: 'n4999', email: null, phone: '' })).toEqual([]);
    const first = index.find('cus_0');
    if (first?.kind !== 'found') throw new Error('lost');
    expect(index.changedFields(first.slot, { name: 'n0' })).toEqual([]);
  });
});

describe('hash53', () => {
  it('is a stable 53-bit integer that separates near texts', () => {
    const seen = new Set<number>();
    let safe = true;
    for (let i = 0; i < 20000; i += 1) {
      const h = hash53(`["name","customer ${i}"]`);
      safe &&= Number.isSafeInteger(h) && h >= 0;
      seen.add(h);
    }
    expect(safe).toBe(true);
    expect(seen.size).toBe(20000);
    expect(hash53('abc')).toBe(hash53('abc'));
    expect(hash53('')).not.toBe(hash53('\u0000'));
  });
});
