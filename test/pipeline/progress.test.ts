// Tests for progress line formatting and the interval reporter (fake timers).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createProgressReporter,
  formatDuration,
  formatProgress,
  groupThousands,
  type ProgressSnapshot,
} from '../../src/pipeline/progress.js';
import { createTally, type TallySnapshot } from '../../src/pipeline/tally.js';

/** A tally with `created` creates, `rejected` rejections, `retried` retries and `throttled` 429s. */
const tally = (created: number, rejected: number, retried: number, throttled = 0): TallySnapshot => {
  const t = createTally();
  if (created) t.record('customers', 'created', created);
  if (rejected) t.record('customers', 'rejected', rejected);
  if (retried) t.event('retried', retried);
  if (throttled) t.event('throttled', throttled);
  return t.snapshot();
};

describe('formatProgress', () => {
  it('formats the documented example', () => {
    expect(
      formatProgress({
        tally: tally(12_340, 12, 30, 2),
        elapsedMs: 602_000,
        rate: 19.8,
        estimate: { total: 30_000 },
      }),
    ).toBe(
      'progress: 12,340 created, 12 rejected, 30 retried, 19.8 req/s, 2 throttled (429), 10m 02s elapsed, 41% of 30,000 estimated',
    );
  });

  it.each([
    ['no estimate', undefined, false, 'progress: 5 created, 0 retried, 20.0 req/s, 0 throttled (429), 3s elapsed'],
    ['empty estimate', {}, false, 'progress: 5 created, 0 retried, 20.0 req/s, 0 throttled (429), 3s elapsed'],
    ['zero total', { total: 0 }, false, 'progress: 5 created, 0 retried, 20.0 req/s, 0 throttled (429), 3s elapsed'],
    ['more than estimated caps at 100%', { total: 4 }, false, 'progress: 5 created, 0 retried, 20.0 req/s, 0 throttled (429), 3s elapsed, 100% of 4 estimated'],
    ['final line', { total: 10 }, true, 'progress (done): 5 created, 0 retried, 20.0 req/s, 0 throttled (429), 3s elapsed, 50% of 10 estimated'],
  ])('%s', (_name, estimate, done, line) => {
    expect(formatProgress({ tally: tally(5, 0, 0), elapsedMs: 3_400, rate: 20, estimate, done })).toBe(line);
  });

  it('names every non-zero category of the tally and says 0 records before the first', () => {
    const t = createTally();
    expect(formatProgress({ tally: t.snapshot(), elapsedMs: 0, rate: 0 })).toBe('progress: 0 records, 0 retried, 0.0 req/s, 0 throttled (429), 0s elapsed');
    t.record('a', 'updated', 2);
    t.record('b', 'replayed');
    t.record('a', 'not_sent', 3);
    t.record('a', 'would_send', 4);
    expect(formatProgress({ tally: t.snapshot(), elapsedMs: 0, rate: 0 })).toBe('progress: 2 updated, 1 replayed, 4 would send, 3 not sent, 0 retried, 0.0 req/s, 0 throttled (429), 0s elapsed');
  });

  it.each([
    [0, '0s'],
    [999, '0s'],
    [59_999, '59s'],
    [60_000, '1m 00s'],
    [602_000, '10m 02s'],
    [3_600_000, '1h 00m 00s'],
    [3_903_000, '1h 05m 03s'],
    [-5, '0s'],
  ])('formatDuration(%i) = %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [1_234_567, '1,234,567'],
    [-12_345, '-12,345'],
    [12.6, '13'],
  ])('groupThousands(%f) = %s', (value, text) => {
    expect(groupThousands(value)).toBe(text);
  });
});

describe('createProgressReporter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  let written = 0;
  const snapshot = (): ProgressSnapshot => ({ tally: tally(written, 0, 0), rate: 20 });

  it('logs a line every interval and a final one on stop', () => {
    written = 0;
    const log = vi.fn<(line: string) => void>();
    const reporter = createProgressReporter({ intervalMs: 10_000, log, snapshot });
    reporter.start();
    vi.advanceTimersByTime(9_999);
    expect(log).not.toHaveBeenCalled();
    written = 100;
    vi.advanceTimersByTime(1);
    expect(log).toHaveBeenLastCalledWith('progress: 100 created, 0 retried, 20.0 req/s, 0 throttled (429), 10s elapsed');
    written = 250;
    vi.advanceTimersByTime(10_000);
    expect(log).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(5_000);
    reporter.stop();
    expect(log).toHaveBeenCalledTimes(3);
    expect(log).toHaveBeenLastCalledWith('progress (done): 250 created, 0 retried, 20.0 req/s, 0 throttled (429), 25s elapsed');
    reporter.stop();
    vi.advanceTimersByTime(60_000);
    expect(log).toHaveBeenCalledTimes(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rewrites one status line on the terminal and ends it on stop', () => {
    written = 7;
    const log = vi.fn<(line: string) => void>();
    const chunks: string[] = [];
    const tty = { write: (chunk: string) => chunks.push(chunk) };
    const reporter = createProgressReporter({ log, tty, ttyIntervalMs: 1_000, snapshot });
    reporter.start();
    vi.advanceTimersByTime(3_000);
    expect(chunks).toHaveLength(3);
    expect(chunks.every((c) => c.startsWith('\r') && c.endsWith('\x1b[K') && !c.includes('\n'))).toBe(true);
    expect(chunks[2]).toContain('3s elapsed');
    expect(log).not.toHaveBeenCalled();
    reporter.stop();
    expect(chunks.at(-2)).toContain('progress (done): 7 created');
    expect(chunks.at(-1)).toBe('\n');
    expect(log).toHaveBeenCalledTimes(1);
  });

  it('writes nothing to a terminal when none is given', () => {
    const log = vi.fn<(line: string) => void>();
    const reporter = createProgressReporter({ log, tty: null, snapshot });
    reporter.start();
    expect(vi.getTimerCount()).toBe(1);
    reporter.stop();
    expect(log).toHaveBeenCalledTimes(1);
  });
});
