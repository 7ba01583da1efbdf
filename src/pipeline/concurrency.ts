// Pure sizing of in-flight requests from rate and latency (Little's law with headroom).

/**
 * The bound on in-flight requests when `max_concurrency` is not set: a guard against runaway sizing, not
 * a limit a sync at Stripe's rates reaches (100/s at a 2 s average send needs 300). Equal to the
 * router's bound on unsettled records, which would cap in-flight requests anyway.
 */
export const DEFAULT_MAX_CONCURRENCY = 1000;

/**
 * Extra in-flight room over the bare rate × latency product, so latency jitter does not starve the pacer.
 * Real answers have a long tail (log-normal, sigma about 0.8): the average the gauge reports swings by
 * ±15 % around the true mean, and slots held by slow answers stall the rest. Spare slots cost little: a
 * task holding one waits in the pacer's queue.
 */
export const CONCURRENCY_HEADROOM = 2;

export interface ConcurrencyInput {
  /** Target requests per second. */
  rate: number;
  /** Typical round-trip latency in ms (e.g. an EWMA). */
  latencyMs: number;
  /** Upper bound on in-flight requests. */
  max: number;
}

/** ceil(rate × latency/1000 × 2) clamped to [1, max]; non-finite or negative inputs give 1. */
export function targetConcurrency({ rate, latencyMs, max }: ConcurrencyInput): number {
  const upper = Number.isFinite(max) ? Math.max(1, Math.floor(max)) : 1;
  const inFlight = Math.ceil(rate * (latencyMs / 1000) * CONCURRENCY_HEADROOM);
  if (!Number.isFinite(inFlight) || inFlight < 1) return 1;
  return Math.min(upper, inFlight);
}
