// Whether to try a Stripe request again, and how long to wait first: pure policies.
import type { HttpMethod } from '../core/stripe-request.js';

export interface RetryDecisionInput {
  /** Attempts made so far, including the one that just failed (1 after the first try). */
  attempt: number;
  maxAttempts: number;
  /** HTTP status; undefined for a connection error or a timeout. */
  status?: number;
  /** Stripe's `error.code` from the body (e.g. `lock_timeout`, `rate_limit`). */
  errorCode?: string;
  /** Node's network error code (ECONNRESET, ECONNREFUSED, ETIMEDOUT...) when there was no response. */
  networkErrorCode?: string;
  /** The `Stripe-Should-Retry` response header, if any. */
  shouldRetryHeader?: string;
  method: HttpMethod;
  hasIdempotencyKey: boolean;
  /** The answer carried `Idempotent-Replayed: true`: Stripe is repeating a stored result. */
  replayed?: boolean;
}

/** Network failures that happen before the request leaves this machine: nothing can have executed. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * The retry decision, in order:
 * 1. never past `maxAttempts`;
 * 2. `Stripe-Should-Retry: true|false` is Stripe's own verdict and wins;
 * 3. 429 and 409 (`lock_timeout`, `idempotency_key_in_use`, any conflict) are retried: both answer
 *    before the request executes, so they are safe even without an idempotency key;
 * 4. connection errors, timeouts and 5xx are retried only when a repeat cannot duplicate anything:
 *    a GET, a request carrying an idempotency key (Stripe replays the first result), or a
 *    connection that was never established (refused, DNS failure, unreachable). A POST/DELETE/...
 *    without a key that was reset, timed out or answered 5xx may have executed, so it is not retried;
 * 5. a 5xx that Stripe replayed from its idempotency store will be replayed on every retry with the
 *    same key: not retried;
 * 6. any other status (400, 401, 402, 403, 404, 424, ...) is the request's fault: not retried.
 */
export function shouldRetry(input: RetryDecisionInput): boolean {
  if (input.attempt >= input.maxAttempts) return false;
  const header = input.shouldRetryHeader?.trim().toLowerCase();
  if (header === 'true') return true;
  if (header === 'false') return false;
  const { status } = input;
  if (status === 429 || status === 409) return true;
  const repeatIsHarmless = input.method === 'GET' || input.hasIdempotencyKey;
  if (status === undefined) {
    return repeatIsHarmless || NOT_SENT_CODES.has(input.networkErrorCode ?? '');
  }
  if (status >= 500) return repeatIsHarmless && input.replayed !== true;
  return false;
}

export interface BackoffInput {
  /** Attempts made so far (1 before the first retry). */
  attempt: number;
  /** A random number in [0, 1). */
  random: () => number;
  /** Parsed `Retry-After`, in seconds, when the response carried one. */
  retryAfterSeconds?: number;
  status?: number;
  baseMs?: number;
  capMs?: number;
  /** Cap for 429s, larger so that a sustained rate limit is waited out rather than hammered. */
  rateLimitCapMs?: number;
  /** Upper bound on an honoured `Retry-After`. */
  maxRetryAfterMs?: number;
}

/**
 * Exponential backoff with jitter: `min(base * 2^(attempt-1), cap)` times a factor in [0.5, 1],
 * never below `base`. 429s use `rateLimitCapMs` (60 s) instead of `capMs` (20 s).
 * A `Retry-After` is used as given when present (capped at `maxRetryAfterMs`, 60 s).
 */
export function backoffDelay(input: BackoffInput): number {
  const { baseMs = 500, capMs = 20_000, rateLimitCapMs = 60_000, maxRetryAfterMs = 60_000 } = input;
  if (input.retryAfterSeconds !== undefined && Number.isFinite(input.retryAfterSeconds) && input.retryAfterSeconds >= 0) {
    return Math.min(Math.round(input.retryAfterSeconds * 1000), maxRetryAfterMs);
  }
  const cap = input.status === 429 ? Math.max(capMs, rateLimitCapMs) : capMs;
  const exponential = Math.min(baseMs * 2 ** Math.max(0, input.attempt - 1), cap);
  const jitter = 0.5 + 0.5 * clamp01(input.random());
  return Math.max(baseMs, Math.round(exponential * jitter));
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 1;
}

/** Reads a `Retry-After` value: delay seconds, or an HTTP date relative to `nowMs`. Undefined when unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const at = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, (at - nowMs) / 1000);
}
