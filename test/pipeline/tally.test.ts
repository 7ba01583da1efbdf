import { describe, expect, it } from 'vitest';
import { createTally, formatCounts, RECORD_CATEGORIES, WORDS, emptyCounts } from '../../src/pipeline/tally.js';
import { categoryOf } from '../../src/pipeline/sink.js';

describe('tally', () => {
  it('counts each record in one category per stream and in the totals', () => {
    const t = createTally();
    t.record('a', 'created', 2);
    t.record('b', 'rejected');
    t.record('a', 'rejected');
    const s = t.snapshot();
    expect(s.streams.a).toMatchObject({ created: 2, rejected: 1 });
    expect(s.streams.b).toMatchObject({ rejected: 1 });
    expect(s.totals).toMatchObject({ created: 2, rejected: 2, updated: 0 });
    expect(s.records).toBe(4);
  });

  it('counts retries and 429s apart from records', () => {
    const t = createTally();
    t.event('retried', 3);
    t.event('throttled');
    expect(t.snapshot()).toMatchObject({ records: 0, events: { retried: 3, throttled: 1 } });
  });

  it('ranks rejection reasons by count, then by name', () => {
    const t = createTally();
    for (const r of ['b', 'a', 'c', 'c', 'a', 'c']) t.reason(r);
    expect(t.snapshot().reasons).toEqual([{ reason: 'c', count: 3 }, { reason: 'a', count: 2 }, { reason: 'b', count: 1 }]);
  });

  it('counts records of streams missing from the catalog per stream', () => {
    const t = createTally();
    t.unknownStream('orders');
    t.unknownStream('orders');
    t.unknownStream('x.refunds');
    expect(t.snapshot().unknownStreams).toEqual({ orders: 2, 'x.refunds': 1 });
    expect(t.snapshot().records).toBe(0);
  });

  it('refuses negative or fractional increments', () => {
    const t = createTally();
    expect(() => t.record('a', 'created', -1)).toThrow(RangeError);
    expect(() => t.event('retried', 0.5)).toThrow(RangeError);
  });

  it('a snapshot is a copy', () => {
    const t = createTally();
    t.record('a', 'created');
    const s = t.snapshot();
    t.record('a', 'created');
    expect(s.streams.a!.created).toBe(1);
    expect(s.totals.created).toBe(1);
  });

  it('formats non-zero categories in display order, with words', () => {
    const counts = emptyCounts();
    counts.not_sent = 1_234;
    counts.created = 1;
    counts.would_send = 2;
    expect(formatCounts(counts)).toBe('1 created, 2 would send, 1,234 not sent');
    expect(formatCounts(emptyCounts())).toBe('0 records');
  });

  it('has a word for every category', () => {
    for (const c of RECORD_CATEGORIES) expect(WORDS[c]).toMatch(/^[a-z ()0-9]+$/);
  });
});

describe('categoryOf', () => {
  it('maps outcomes to categories: replayed wins over the effect, no effect is sent', () => {
    expect(categoryOf({ kind: 'written', effect: 'created' })).toBe('created');
    expect(categoryOf({ kind: 'written', effect: 'updated', replayed: true })).toBe('replayed');
    expect(categoryOf({ kind: 'written', effect: 'would_send' })).toBe('would_send');
    expect(categoryOf({ kind: 'written' })).toBe('sent');
    expect(categoryOf({ kind: 'rejected', rejection: { code: 'x', reason: 'y' } })).toBe('rejected');
  });
});
