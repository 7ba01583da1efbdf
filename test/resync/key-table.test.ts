// The typed-array hash table behind the index and the sync's id memory, checked against a Map.
import { describe, expect, it } from 'vitest';
import { prng } from '../../integration_tests/emulator/random.js';
import { IdMemory, KeyTable } from '../../src/resync/key-table.js';

describe('KeyTable', () => {
  it('agrees with a Map over 50,000 random inserts, lookups and value changes, through growth', () => {
    const random = prng(14);
    const table = new KeyTable();
    const model = new Map<string, { slot: number; value: string }>();
    for (let i = 0; i < 50_000; i += 1) {
      const key = `k${Math.floor(random() * 40_000)}${random() < 0.01 ? 'é✓' : ''}`;
      const found = table.find(key);
      expect(found).toBe(model.get(key)?.slot ?? -1);
      if (found === -1) {
        const value = `cus_${i.toString(36)}`;
        model.set(key, { slot: table.insert(key, value), value });
      } else if (random() < 0.1) {
        const value = `v${i}`;
        table.setValue(found, value);
        model.get(key)!.value = value;
      }
    }
    expect(table.size).toBe(model.size);
    for (const [key, { slot, value }] of model) {
      expect(table.find(key)).toBe(slot);
      expect(table.value(slot)).toBe(value);
    }
    expect(table.find('absent')).toBe(-1);
  });

  it('keeps empty, long and same-prefix keys apart; a value equal to its key is stored once', () => {
    const table = new KeyTable();
    const long = 'x'.repeat(10_000);
    const a = table.insert('', 'empty');
    const b = table.insert(long, long);
    const c = table.insert('ab', 'one');
    const d = table.insert('abc', 'two');
    expect([table.find(''), table.find(long), table.find('ab'), table.find('abc'), table.find('a')]).toEqual([a, b, c, d, -1]);
    expect(table.value(b)).toBe(long);
    expect(table.value(a)).toBe('empty');
  });

  it('stores wide and very long keys and values (longer than an arena chunk), and reads each slot\'s key back', () => {
    const table = new KeyTable();
    const wide = '✓é'.repeat(300_000);
    const headed = 'h'.repeat(200);
    const slots = [table.insert(wide, 'cus_wide'), table.insert('plain', wide), table.insert(headed, headed), table.insert('\u00ff\u0100', 'é')];
    table.setValue(slots[2]!, 'cus_changed');
    expect(slots.map((s) => table.key(s))).toEqual([wide, 'plain', headed, '\u00ff\u0100']);
    expect(slots.map((s) => table.value(s))).toEqual(['cus_wide', wide, 'cus_changed', 'é']);
    expect([table.find(wide), table.find(headed), table.find('\u00ff\u0100'), table.find('\u00ff')]).toEqual([slots[0], slots[2], slots[3], -1]);
  });

  it('holds about its entries\' bytes: no doubling slack in the arena or the slot addresses', () => {
    const table = new KeyTable();
    const n = 300_000;
    let payload = 0;
    for (let i = 0; i < n; i += 1) {
      const key = `ext-${i}`;
      const id = `cus_${(1e13 + i).toString(36)}`;
      payload += key.length + id.length + 2;
      table.insert(key, id);
    }
    // Entries (payload), a 4-byte address each, and 2^20 buckets of 4 bytes (300,000 is under half of
    // them); what remains is the unfilled tail of the last chunks. Arrays that double would hold about
    // 2^19 slots × 16 bytes and an 8 MiB arena: 70 bytes per entry instead of about 41.
    const overhead = table.bytes - payload - 4 * n - 4 * 2 ** 20;
    expect(overhead).toBeGreaterThanOrEqual(0);
    expect(overhead).toBeLessThan(1.2 * 2 ** 20);
  });
});

describe('IdMemory', () => {
  it('gets what was set, the last value winning', () => {
    const memory = new IdMemory();
    expect(memory.get('k')).toBeUndefined();
    memory.set('k', 'cus_1').set('k', 'cus_2').set('j', 'cus_3');
    expect([memory.get('k'), memory.get('j')]).toEqual(['cus_2', 'cus_3']);
  });
});
