import { describe, expect, it } from 'vitest';
import { formatPercent, judgeSync } from '../../src/pipeline/sync-verdict.js';
import { createTally, type RecordCategory } from '../../src/pipeline/tally.js';

function tally(counts: Partial<Record<RecordCategory, number>>, reasons: string[] = [], unknown: string[] = []) {
  const t = createTally();
  for (const [category, n] of Object.entries(counts)) t.record('s', category as RecordCategory, n);
  for (const r of reasons) t.reason(r);
  for (const u of unknown) t.unknownStream(u);
  return t.snapshot();
}

const defaults = { unknownStreams: 'fail' as const };

describe('judgeSync', () => {
  it('by default fails only when records arrived and every one was refused', () => {
    expect(judgeSync(tally({}), defaults)).toBeUndefined();
    expect(judgeSync(tally({ created: 1, rejected: 99 }), defaults)).toBeUndefined();
    const failure = judgeSync(tally({ rejected: 20 }, [...Array(12).fill('validation_failed on nickname'), ...Array(8).fill('parameter_unknown on foo')]), defaults);
    expect(failure?.failureType).toBe('config_error');
    expect(failure?.message).toContain('20 of 20 records (100 %) were rejected and none was written');
    expect(failure?.message).toContain('most frequent reasons: validation_failed on nickname (12), parameter_unknown on foo (8)');
    expect(failure?.message).toContain('max_rejected_percent');
  });

  it('a dry run or replays are not "nothing written"', () => {
    expect(judgeSync(tally({ would_send: 1, rejected: 5 }), defaults)).toBeUndefined();
    expect(judgeSync(tally({ replayed: 1, rejected: 5 }), defaults)).toBeUndefined();
  });

  it('with a threshold, fails above that share', () => {
    const policy = { ...defaults, maxRejectedPercent: 10 };
    expect(judgeSync(tally({ created: 9, rejected: 1 }), policy)).toBeUndefined();
    const failure = judgeSync(tally({ created: 8, rejected: 2 }, ['a', 'a']), policy);
    expect(failure?.message).toContain('2 of 10 records (20 %) were rejected, more than max_rejected_percent (10 %)');
    expect(judgeSync(tally({ created: 1, rejected: 0 }), { ...defaults, maxRejectedPercent: 0 })).toBeUndefined();
    expect(judgeSync(tally({ created: 99, rejected: 1 }), { ...defaults, maxRejectedPercent: 0 })).toBeDefined();
  });

  it('100 never fails for refused records', () => {
    expect(judgeSync(tally({ rejected: 50 }), { ...defaults, maxRejectedPercent: 100 })).toBeUndefined();
  });

  it('names at most three reasons and how many more there are', () => {
    const failure = judgeSync(tally({ rejected: 5 }, ['a', 'b', 'c', 'd', 'e']), defaults);
    expect(failure?.message).toContain('a (1), b (1), c (1) and 2 others');
  });

  it('records of streams not in the catalog fail the sync unless unknown_streams is skip', () => {
    const t = tally({ created: 3 }, [], ['orders', 'orders', 'x.refunds']);
    const failure = judgeSync(t, defaults);
    expect(failure?.message).toContain('records of streams that are not in the configured catalog were not written: "orders" (2), "x.refunds" (1)');
    expect(failure?.message).toContain('unknown_streams');
    expect(judgeSync(t, { unknownStreams: 'skip' })).toBeUndefined();
  });

  it('states both problems when both hold', () => {
    const failure = judgeSync(tally({ rejected: 1 }, ['x'], ['orders']), defaults);
    expect(failure?.message).toMatch(/were rejected|was rejected/);
    expect(failure?.message).toContain('"orders" (1)');
  });
});

describe('formatPercent', () => {
  it.each([
    [100, '100 %'],
    [57.5, '57.5 %'],
    [1 / 3 * 100, '33.33 %'],
    [0.001, '0 %'],
  ])('%f → %s', (value, text) => expect(formatPercent(value)).toBe(text));
});
