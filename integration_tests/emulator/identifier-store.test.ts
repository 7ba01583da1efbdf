// The emulator's identifier store: exact matches only (same bytes), expiry after the TTL, growth past its first sizes.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IdentifierStore } from './identifier-store.js';

const day = 24 * 3600 * 1000;

describe('IdentifierStore', () => {
  it('counts an identifier once within the TTL and again once it has expired', () => {
    const store = new IdentifierStore();
    expect(store.admit('dst-stripe-me-abc', 1_000, day)).toBe(true);
    expect(store.admit('dst-stripe-me-abc', 1_000 + day - 1, day)).toBe(false);
    expect(store.countedAt('dst-stripe-me-abc')).toBe(1_000);
    expect(store.admit('dst-stripe-me-abc', 1_000 + day, day)).toBe(true);
    expect(store.countedAt('dst-stripe-me-abc')).toBe(1_000 + day);
    expect(store.size).toBe(1);
  });

  it('tells apart identifiers that differ in one character, in length, or only beyond ASCII', () => {
    const store = new IdentifierStore();
    const ids = ['a', 'b', 'ab', 'ba', 'é', 'e\u0301', '🚀', 'x'.repeat(100), `${'x'.repeat(99)}y`];
    for (const id of ids) expect(store.admit(id, 5, day)).toBe(true);
    for (const id of ids) expect(store.admit(id, 6, day)).toBe(false);
    expect(store.countedAt('c')).toBeUndefined();
    expect(store.size).toBe(ids.length);
  });

  it('agrees with a Map of strings over random identifiers and clears (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 100, unit: 'binary' }), { maxLength: 300 }), (list) => {
        const store = new IdentifierStore();
        const reference = new Map<string, number>();
        list.forEach((id, i) => {
          const expected = !reference.has(id);
          if (expected) reference.set(id, i);
          expect(store.admit(id, i, day)).toBe(expected);
        });
        for (const [id, at] of reference) expect(store.countedAt(id)).toBe(at);
        store.clear();
        return list.every((id) => store.countedAt(id) === undefined);
      }),
    );
  });

  it('keeps every identifier while its arena, slots and buckets grow (200,000 identifiers)', () => {
    const store = new IdentifierStore();
    const id = (i: number): string => `dst-stripe-me-${i.toString(16).padStart(64, '0')}`;
    for (let i = 0; i < 200_000; i += 1) expect(store.admit(id(i), i, day)).toBe(true);
    for (let i = 0; i < 200_000; i += 997) expect(store.countedAt(id(i))).toBe(i);
    expect(store.admit(id(123_456), 1, day)).toBe(false);
    expect(store.size).toBe(200_000);
  });
});
