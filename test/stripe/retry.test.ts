// Tests for the retry decision, the backoff delay and Retry-After parsing.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay, parseRetryAfter, shouldRetry, type RetryDecisionInput } from '../../src/stripe/retry.js';

const post: RetryDecisionInput = { attempt: 1, maxAttempts: 8, method: 'POST', hasIdempotencyKey: true };

describe('shouldRetry', () => {
  it.each<[string, Partial<RetryDecisionInput>, boolean]>([
    ['429', { status: 429 }, true],
    ['429 without a key', { status: 429, hasIdempotencyKey: false }, true],
    ['409 lock_timeout', { status: 409, errorCode: 'lock_timeout' }, true],
    ['409 idempotency_key_in_use', { status: 409, errorCode: 'idempotency_key_in_use' }, true],
    ['409 without a key', { status: 409, hasIdempotencyKey: false }, true],
    ['500 with a key', { status: 500 }, true],
    ['503 with a key', { status: 503 }, true],
    ['500 POST without a key', { status: 500, hasIdempotencyKey: false }, false],
    ['502 GET without a key', { status: 502, method: 'GET', hasIdempotencyKey: false }, true],
    ['reset with a key', { networkErrorCode: 'ECONNRESET' }, true],
    ['timeout with a key', { networkErrorCode: 'ETIMEDOUT' }, true],
    ['reset POST without a key', { networkErrorCode: 'ECONNRESET', hasIdempotencyKey: false }, false],
    ['timeout DELETE without a key', { method: 'DELETE', networkErrorCode: 'ETIMEDOUT', hasIdempotencyKey: false }, false],
    ['refused POST without a key (never sent)', { networkErrorCode: 'ECONNREFUSED', hasIdempotencyKey: false }, true],
    ['reset GET without a key', { method: 'GET', networkErrorCode: 'ECONNRESET', hasIdempotencyKey: false }, true],
    ['400', { status: 400 }, false],
    ['401', { status: 401 }, false],
    ['402', { status: 402 }, false],
    ['403', { status: 403 }, false],
    ['404', { status: 404 }, false],
    ['424', { status: 424 }, false],
    ['header false beats 429', { status: 429, shouldRetryHeader: 'false' }, false],
    ['header false beats 500', { status: 500, shouldRetryHeader: 'false' }, false],
    ['header true beats 400', { status: 400, shouldRetryHeader: 'true' }, true],
    ['header true beats a missing key', { status: 500, hasIdempotencyKey: false, shouldRetryHeader: 'True ' }, true],
    ['unreadable header is ignored', { status: 500, shouldRetryHeader: 'maybe' }, true],
    ['last attempt', { status: 429, attempt: 8 }, false],
    ['past the last attempt', { status: 500, attempt: 9 }, false],
    ['header true cannot exceed max attempts', { status: 500, attempt: 8, shouldRetryHeader: 'true' }, false],
    ['max attempts 1 never retries', { status: 429, maxAttempts: 1 }, false],
  ])('%s → %s', (_name, change, expected) => {
    expect(shouldRetry({ ...post, ...change })).toBe(expected);
  });
});

describe('backoffDelay', () => {
  const fixed = (value: number) => () => value;

  it.each([
    // attempt, random, status, expected
    [1, 1, 500, 500],
    [1, 0, 500, 500], // jitter would give 250: floor at base
    [2, 1, 500, 1000],
    [2, 0, 500, 500],
    [3, 0.5, 500, 1500],
    [4, 1, 500, 4000],
    [6, 1, 500, 16_000],
    [7, 1, 500, 20_000], // capped
    [12, 1, 500, 20_000],
    [12, 0, 500, 10_000],
    [8, 1, 429, 60_000], // 429s have the larger cap
    [7, 1, 429, 32_000],
    [30, 1, 429, 60_000],
  ])('attempt %d, random %d, status %d → %d ms', (attempt, random, status, expected) => {
    expect(backoffDelay({ attempt, random: fixed(random), status })).toBe(expected);
  });

  it.each([
    [2, 2000],
    [0, 0],
    [0.25, 250],
    [600, 60_000], // capped
  ])('honours Retry-After %d s → %d ms', (retryAfterSeconds, expected) => {
    expect(backoffDelay({ attempt: 5, random: fixed(1), retryAfterSeconds, status: 429 })).toBe(expected);
  });

  it('takes base and cap overrides', () => {
    expect(backoffDelay({ attempt: 3, random: fixed(1), baseMs: 10, capMs: 30 })).toBe(30);
  });

  it('always stays within [base, cap]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(429, 500, undefined), (attempt, r, status) => {
        const delay = backoffDelay({ attempt, random: () => r, status });
        expect(delay).toBeGreaterThanOrEqual(500);
        expect(delay).toBeLessThanOrEqual(status === 429 ? 60_000 : 20_000);
      }),
    );
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-01-01T00:00:00Z');
  it.each<[string | undefined, number | undefined]>([
    [undefined, undefined],
    ['3', 3],
    [' 1.5 ', 1.5],
    ['Mon, 01 Jan 2024 00:00:10 GMT', 10],
    ['Sun, 31 Dec 2023 23:59:00 GMT', 0],
    ['soon', undefined],
    ['-4', undefined],
  ])('%s → %s', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('retry rules at their edges', () => {
  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])('a keyless POST that never left (%s) is retried', (code) => {
    expect(shouldRetry({ ...post, hasIdempotencyKey: false, networkErrorCode: code })).toBe(true);
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', '', undefined])('a keyless POST that may have executed (%s) is not retried', (code) => {
    expect(shouldRetry({ ...post, hasIdempotencyKey: false, networkErrorCode: code })).toBe(false);
  });

  it.each<[boolean | undefined, boolean]>([
    [undefined, true],
    [false, true],
    [true, false],
  ])('a keyed 500 with Idempotent-Replayed %s: retried %s', (replayed, expected) => {
    expect(shouldRetry({ ...post, status: 500, replayed })).toBe(expected);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('ignores an unusable Retry-After of %f and backs off instead', (retryAfterSeconds) => {
    expect(backoffDelay({ attempt: 3, random: () => 1, retryAfterSeconds })).toBe(2000);
  });

  it('honours a Retry-After of 0', () => {
    expect(backoffDelay({ attempt: 3, random: () => 1, retryAfterSeconds: 0 })).toBe(0);
  });

  it.each<[string, number | undefined]>([
    ['12', 12],
    ['1.25', 1.25],
    ['5abc', undefined],
    ['1.', undefined],
  ])('parseRetryAfter(%j) is %s', (text, expected) => {
    expect(parseRetryAfter(text, 0)).toBe(expected);
  });
});
