// The Stripe client's pacer: Stripe's limiter structure mirrored as token buckets (one global bucket for the
// mode, one per endpoint), each rate adapted on 429 by the AIMD policy; plus a latency average.
import { setTimeout as delay } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { Pacer } from '../stripe/types.js';
import type { EndpointKey } from '../stripe/endpoint.js';
import { createTokenBucket, type TokenBucket } from './token-bucket.js';
import { DECREASE_WINDOW_MS, DEFAULT_FLOOR, STRIPE_RATE_CAP, defaultRate, nextRate, throttleScope, type RateState } from './rate-policy.js';
import type { StripeMode } from '../stripe/mode.js';
import { endpointLimit, paceFor } from './endpoint-limits.js';

/** Weight of the newest sample in the latency average. */
export const LATENCY_EWMA_WEIGHT = 0.2;

/** Latency assumed before the first answer, a typical Stripe round trip. */
export const INITIAL_LATENCY_MS = 300;

/** An endpoint counts as active (for `capacity`) this long after its last request. */
export const ACTIVE_WINDOW_MS = 2_000;

/** Past this many distinct endpoints, further ones share one bucket (a bound on memory for odd manual paths). */
export const MAX_ENDPOINT_BUCKETS = 512;
const OVERFLOW_ENDPOINT = '* (other endpoints)';

export interface PacerOptions {
  mode: StripeMode;
  /**
   * The user's upper bound on requests per second: the ceiling (and starting rate) of the global bucket,
   * and a cap on every endpoint that counts against it. Default `defaultRate(mode)` (24 test, 96 live).
   * Above Stripe's documented global limit (an account with raised limits), endpoint ceilings scale by
   * `requestsPerSecond / global limit` too.
   */
  requestsPerSecond?: number;
  /** Lowest rate after repeated 429s; default 1 rps. */
  floor?: number;
  /** Bucket burst for every bucket; default a tenth of each bucket's rate (at least 1). */
  burst?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface AdaptivePacer extends Pacer {
  /** Current rate of the global bucket in requests per second. */
  rate(): number;
  /** Current rate of one endpoint's bucket (its ceiling if it was never used). */
  endpointRate(endpoint: EndpointKey): number;
  /**
   * Requests per second the pacer can release now: the endpoints used within `ACTIVE_WINDOW_MS` summed,
   * those counting against the global limit capped by the global rate. The global rate before any request.
   */
  capacity(): number;
  /** Number of 429 answers observed. */
  throttledCount(): number;
  /** 429s attributed to the global bucket and to endpoint buckets (see `throttleScope`). */
  throttledBy(): { global: number; endpoint: number };
  /** Exponentially weighted average latency in ms of answered attempts. */
  latency(): number;
}

interface Lane {
  endpoint: string;
  bucket: TokenBucket;
  ceiling: number;
  /** Stripe's documented limit, the denominator of the lane's load. */
  limit: number;
  countsGlobal: boolean;
  state: RateState;
  /** Requests in the current and previous one-second window, for the load estimate. */
  window: SlidingCount;
  lastUsedAt: number;
  lastThrottledAt: number | undefined;
}

/** Counts events over a sliding second from two fixed one-second windows. */
interface SlidingCount {
  start: number;
  current: number;
  previous: number;
}

function countEvent(window: SlidingCount, t: number): void {
  rollWindow(window, t);
  window.current += 1;
}

function rollWindow(window: SlidingCount, t: number): void {
  const elapsed = t - window.start;
  if (elapsed < 1000) return;
  window.previous = elapsed < 2000 ? window.current : 0;
  window.current = 0;
  window.start = elapsed < 2000 ? window.start + 1000 : t;
}

/** Events in the last second, the previous window weighted by how much of it still overlaps. */
function perSecond(window: SlidingCount, t: number): number {
  rollWindow(window, t);
  const overlap = Math.max(0, 1 - (t - window.start) / 1000);
  return window.current + window.previous * overlap;
}

/**
 * One pacer serves every account of a sync: requests a record makes for a connected account
 * (`stripe_account_field`) take tokens from the same global and endpoint buckets as the platform's,
 * since Stripe charges a platform's calls on behalf of connected accounts to the platform
 * (docs/performance.md, "Stripe Connect and rate limits").
 *
 * `acquire(endpoint)` waits for a token of the endpoint's bucket, then (unless the endpoint is outside the
 * global limit) one of the global bucket. `observe` adapts: a 429 lowers the bucket `throttleScope` names
 * (once per second per bucket at most); any other answered status (2xx–4xx) raises the endpoint's and the
 * global bucket back toward their ceilings. 5xx and network errors (status 0) leave rates alone: they say
 * nothing about Stripe's rate limits, and network errors do not feed the latency average (often timeouts).
 */
export function createPacer(options: PacerOptions): AdaptivePacer {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const { mode } = options;
  const userCap = options.requestsPerSecond;
  const globalCeiling = userCap ?? defaultRate(mode);
  const floor = options.floor ?? DEFAULT_FLOOR;
  const globalLimit = STRIPE_RATE_CAP[mode];
  // A requests_per_second above the documented global limit says the account's limits were raised:
  // endpoint limits scale by the same factor (and stay capped by requests_per_second).
  const raised = userCap === undefined ? 1 : Math.max(1, userCap / globalLimit);
  const global = createTokenBucket({ rate: globalCeiling, burst: options.burst, now, sleep });
  let globalState: RateState = { rate: globalCeiling, lastDecreaseAt: undefined };
  const globalWindow: SlidingCount = { start: now(), current: 0, previous: 0 };
  const lanes = new Map<string, Lane>();
  const throttled = { global: 0, endpoint: 0 };
  let latency: number | undefined;

  function laneFor(endpoint: string): Lane {
    const found = lanes.get(endpoint);
    if (found) return found;
    if (lanes.size >= MAX_ENDPOINT_BUCKETS && endpoint !== OVERFLOW_ENDPOINT) return laneFor(OVERFLOW_ENDPOINT);
    const { limit, countsGlobal } = endpoint === OVERFLOW_ENDPOINT ? { limit: 25, countsGlobal: true } : endpointLimit(endpoint, mode);
    const pace = paceFor(limit);
    const ceiling = countsGlobal && userCap !== undefined ? Math.min(pace * raised, userCap) : pace;
    const t = now();
    const lane: Lane = {
      endpoint,
      bucket: createTokenBucket({ rate: ceiling, burst: options.burst, now, sleep }),
      ceiling,
      limit,
      countsGlobal,
      state: { rate: ceiling, lastDecreaseAt: undefined },
      window: { start: t, current: 0, previous: 0 },
      lastUsedAt: t,
      lastThrottledAt: undefined,
    };
    lanes.set(endpoint, lane);
    return lane;
  }

  function adaptLane(lane: Lane, event: 'throttled' | 'ok', t: number): void {
    if (event === 'ok' && lane.state.rate >= lane.ceiling) return;
    const next = nextRate({ current: lane.state.rate, ceiling: lane.ceiling, floor, event, now: t, lastDecreaseAt: lane.state.lastDecreaseAt });
    if (next.rate !== lane.state.rate) lane.bucket.setRate(next.rate);
    lane.state = next;
  }

  function adaptGlobal(event: 'throttled' | 'ok', t: number): void {
    if (event === 'ok' && globalState.rate >= globalCeiling) return;
    const next = nextRate({ current: globalState.rate, ceiling: globalCeiling, floor, event, now: t, lastDecreaseAt: globalState.lastDecreaseAt });
    if (next.rate !== globalState.rate) global.setRate(next.rate);
    globalState = next;
  }

  function otherThrottledSince(lane: Lane, since: number): boolean {
    for (const other of lanes.values()) {
      if (other !== lane && other.countsGlobal && other.lastThrottledAt !== undefined && other.lastThrottledAt >= since) return true;
    }
    return false;
  }

  return {
    async acquire(endpoint) {
      const lane = laneFor(endpoint);
      await lane.bucket.take();
      if (lane.countsGlobal) await global.take();
      const t = now();
      lane.lastUsedAt = t;
      countEvent(lane.window, t);
      if (lane.countsGlobal) countEvent(globalWindow, t);
    },
    observe(endpoint, status, latencyMs) {
      if (status !== 0 && Number.isFinite(latencyMs) && latencyMs >= 0) {
        latency = latency === undefined ? latencyMs : latency + LATENCY_EWMA_WEIGHT * (latencyMs - latency);
      }
      if (status === 429) {
        const lane = laneFor(endpoint);
        const t = now();
        const scope = throttleScope({
          endpointLoad: perSecond(lane.window, t) / lane.limit,
          globalLoad: perSecond(globalWindow, t) / globalLimit,
          otherEndpointThrottled: otherThrottledSince(lane, t - DECREASE_WINDOW_MS),
          countsGlobal: lane.countsGlobal,
        });
        lane.lastThrottledAt = t;
        throttled[scope] += 1;
        if (scope === 'global') adaptGlobal('throttled', t);
        else adaptLane(lane, 'throttled', t);
      } else if (status >= 200 && status < 500) {
        const lane = laneFor(endpoint);
        const t = now();
        adaptLane(lane, 'ok', t);
        if (lane.countsGlobal) adaptGlobal('ok', t);
      }
    },
    rate: () => globalState.rate,
    endpointRate: (endpoint) => laneFor(endpoint).state.rate,
    capacity() {
      const t = now();
      let paced = 0;
      let outside = 0;
      let active = 0;
      for (const lane of lanes.values()) {
        if (t - lane.lastUsedAt > ACTIVE_WINDOW_MS) continue;
        active += 1;
        if (lane.countsGlobal) paced += lane.state.rate;
        else outside += lane.state.rate;
      }
      if (active === 0) return globalState.rate;
      return Math.min(paced, globalState.rate) + outside;
    },
    throttledCount: () => throttled.global + throttled.endpoint,
    throttledBy: () => ({ ...throttled }),
    latency: () => latency ?? INITIAL_LATENCY_MS,
  };
}
