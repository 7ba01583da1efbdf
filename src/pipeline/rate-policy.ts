// Pure AIMD rate adaptation for Stripe's limits: cut on 429, creep back up on success; and which bucket a 429 hits.
import type { StripeMode } from '../stripe/mode.js';

/** Stripe's documented global limits in requests per second. */
export const STRIPE_RATE_CAP: Readonly<Record<StripeMode, number>> = { test: 25, live: 100 };

/**
 * Default target rates: 96 % of Stripe's caps, a little room for the account's other clients; when
 * they take more, Stripe's 429s lower the rate (AIMD below).
 */
export const DEFAULT_RATE: Readonly<Record<StripeMode, number>> = { test: 24, live: 96 };

/** Multiplier applied to the rate on a 429. */
export const DECREASE_FACTOR = 0.7;

/** 429s arriving within this window after a decrease are one congestion event and do not cut again. */
export const DECREASE_WINDOW_MS = 1000;

/** The lowest rate the policy goes down to unless told otherwise. */
export const DEFAULT_FLOOR = 1;

export function defaultRate(mode: StripeMode): number {
  return DEFAULT_RATE[mode];
}

/** How many requests per second the rate regains per second of clean traffic (at least 0.5 rps/s). */
export function defaultRecoveryPerSecond(ceiling: number): number {
  return Math.max(0.5, ceiling / 50);
}

export interface RateEvent {
  current: number;
  ceiling: number;
  floor: number;
  /** `throttled` for a 429, `ok` for any answer that says the rate was acceptable. */
  event: 'throttled' | 'ok';
  /** Current time in ms on any monotonic clock; only differences matter. */
  now: number;
  /** When the rate was last cut, on the same clock; undefined if never. */
  lastDecreaseAt: number | undefined;
  /** Override of `defaultRecoveryPerSecond(ceiling)`. */
  recoveryPerSecond?: number;
}

export interface RateState {
  rate: number;
  lastDecreaseAt: number | undefined;
}

/**
 * Additive increase, multiplicative decrease.
 * - `throttled`: rate × 0.7, not below `floor`, but at most once per `DECREASE_WINDOW_MS` so a burst
 *   of 429s caused by one moment of overload counts once.
 * - `ok`: rate + recoveryPerSecond / rate. One success arrives per 1/rate seconds, so a second of
 *   clean traffic adds about `recoveryPerSecond` rps whatever the current rate; never above `ceiling`.
 */
export function nextRate(input: RateEvent): RateState {
  const { ceiling, event, now, lastDecreaseAt } = input;
  const floor = Math.min(input.floor, ceiling);
  const current = clamp(input.current, floor, ceiling);
  if (event === 'throttled') {
    if (lastDecreaseAt !== undefined && now - lastDecreaseAt < DECREASE_WINDOW_MS) {
      return { rate: current, lastDecreaseAt };
    }
    return { rate: Math.max(floor, current * DECREASE_FACTOR), lastDecreaseAt: now };
  }
  const step = (input.recoveryPerSecond ?? defaultRecoveryPerSecond(ceiling)) / Math.max(current, 1);
  return { rate: Math.min(ceiling, current + step), lastDecreaseAt };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** Below this share of its own limit over the last second, an endpoint cannot have tripped its own bucket. */
export const ENDPOINT_IDLE_LOAD = 0.5;

export interface ThrottleEvidence {
  /** The endpoint's requests over the last second ÷ its Stripe limit. */
  endpointLoad: number;
  /** Requests counting against the global limit over the last second ÷ the global limit. */
  globalLoad: number;
  /** Another endpoint was answered 429 within the last `DECREASE_WINDOW_MS`. */
  otherEndpointThrottled: boolean;
  /** Whether the endpoint counts against the global limit at all (the meter event streams do not). */
  countsGlobal: boolean;
}

/**
 * Which bucket a 429 came from. Stripe's answer does not say: the body is `rate_limit` for the global and
 * the endpoint limits alike. So the connector reads its own traffic of the last second:
 * 1. an endpoint outside the global limit (meter event streams) → its own bucket;
 * 2. 429s from two or more endpoints within a second → the global bucket (a shared limit is full, ours or
 *    the account's other clients');
 * 3. an endpoint below half of its own limit, while the global load is at least as high → the global bucket;
 * 4. otherwise → the endpoint's bucket, so a throttled endpoint never slows the others.
 */
export function throttleScope(evidence: ThrottleEvidence): 'endpoint' | 'global' {
  if (!evidence.countsGlobal) return 'endpoint';
  if (evidence.otherEndpointThrottled) return 'global';
  if (evidence.endpointLoad < ENDPOINT_IDLE_LOAD && evidence.globalLoad >= evidence.endpointLoad) return 'global';
  return 'endpoint';
}
