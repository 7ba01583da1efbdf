// The Stripe client's pacer: a token bucket whose rate follows the AIMD policy, plus a latency EWMA.
import { setTimeout as delay } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { Pacer } from '../stripe/types.js';
import { createTokenBucket } from './token-bucket.js';
import { DEFAULT_FLOOR, defaultRate, nextRate, type StripeMode } from './rate-policy.js';

/** Weight of the newest sample in the latency average. */
export const LATENCY_EWMA_WEIGHT = 0.2;

/** Latency assumed before the first answer, a typical Stripe round trip. */
export const INITIAL_LATENCY_MS = 300;

export interface PacerOptions {
  mode: StripeMode;
  /** Ceiling (and starting rate) in requests per second; default `defaultRate(mode)`. */
  requestsPerSecond?: number;
  /** Lowest rate after repeated 429s; default 1 rps. */
  floor?: number;
  /** Bucket burst; default a tenth of the rate (at least 1). */
  burst?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface AdaptivePacer extends Pacer {
  /** Current target rate in requests per second. */
  rate(): number;
  /** Number of 429 answers observed. */
  throttledCount(): number;
  /** Exponentially weighted average latency in ms of answered attempts. */
  latency(): number;
}

/**
 * 429 lowers the rate (once per second at most); any other answered status (2xx–4xx) raises it back
 * toward the ceiling. 5xx and network errors (status 0) leave the rate alone: they say nothing
 * about Stripe's rate limit. Network errors do not feed the latency average (they are often timeouts).
 */
export function createPacer(options: PacerOptions): AdaptivePacer {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const ceiling = options.requestsPerSecond ?? defaultRate(options.mode);
  const floor = options.floor ?? DEFAULT_FLOOR;
  const bucket = createTokenBucket({ rate: ceiling, burst: options.burst, now, sleep });
  let state = { rate: ceiling, lastDecreaseAt: undefined as number | undefined };
  let throttled = 0;
  let latency: number | undefined;

  function adapt(event: 'throttled' | 'ok'): void {
    const next = nextRate({ current: state.rate, ceiling, floor, event, now: now(), lastDecreaseAt: state.lastDecreaseAt });
    if (next.rate !== state.rate) bucket.setRate(next.rate);
    state = next;
  }

  return {
    acquire: () => bucket.take(),
    observe(status, latencyMs) {
      if (status !== 0 && Number.isFinite(latencyMs) && latencyMs >= 0) {
        latency = latency === undefined ? latencyMs : latency + LATENCY_EWMA_WEIGHT * (latencyMs - latency);
      }
      if (status === 429) {
        throttled += 1;
        adapt('throttled');
      } else if (status >= 200 && status < 500) {
        adapt('ok');
      }
    },
    rate: () => state.rate,
    throttledCount: () => throttled,
    latency: () => latency ?? INITIAL_LATENCY_MS,
  };
}
