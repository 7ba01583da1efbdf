// Tests for per-stream and total counters.
import { describe, expect, it } from 'vitest';
import { createStats } from '../../src/pipeline/stats.js';

describe('createStats', () => {
  it('counts per stream and in total', () => {
    const stats = createStats();
    stats.recordOutcome('customers', { kind: 'written', id: 'cus_1' });
    stats.recordOutcome('customers', { kind: 'written', id: 'cus_2', retries: 2 });
    stats.recordOutcome('invoices', { kind: 'rejected', rejection: { code: 'resource_missing', reason: 'no such customer' }, retries: 1 });
    stats.add('invoices', 'throttled', 3);
    stats.add('customers', 'throttled');
    expect(stats.snapshot()).toEqual({
      streams: {
        customers: { written: 2, rejected: 0, retried: 2, throttled: 1 },
        invoices: { written: 0, rejected: 1, retried: 1, throttled: 3 },
      },
      totals: { written: 2, rejected: 1, retried: 3, throttled: 4 },
    });
  });

  it('starts empty', () => {
    expect(createStats().snapshot()).toEqual({ streams: {}, totals: { written: 0, rejected: 0, retried: 0, throttled: 0 } });
  });

  it('returns a copy that later counts do not change', () => {
    const stats = createStats();
    stats.add('s', 'written');
    const before = stats.snapshot();
    stats.add('s', 'written');
    expect(before.totals.written).toBe(1);
    expect(before.streams.s?.written).toBe(1);
    expect(stats.snapshot().totals.written).toBe(2);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses increment %f', (amount) => {
    expect(() => createStats().add('s', 'retried', amount)).toThrow(RangeError);
  });
});
