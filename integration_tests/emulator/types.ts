// Public shapes of the local Stripe emulator: options, fault settings, the handle and logged requests.
import type { LatencySettings } from './latency.js';

export type { LatencySettings } from './latency.js';

/** One kind of injected failure; see docs/emulator.md for what each does on the wire. */
export type FaultKind =
  | '429'
  | 'lock_timeout'
  | '500'
  | '500_no_retry'
  | '500_retry'
  | 'latency'
  | 'hang'
  | 'reset_before'
  | 'reset_after';

export const faultKinds: readonly FaultKind[] = [
  '429', 'lock_timeout', '500', '500_no_retry', '500_retry', 'latency', 'hang', 'reset_before', 'reset_after',
];

export interface FaultSettings {
  /** Probability in [0, 1] that an API request gets a random fault. */
  rate?: number;
  /** Kinds drawn uniformly when a random fault fires (default: all kinds except hang). */
  kinds?: FaultKind[];
  /** Consumed in order, one per API request, before any random fault. */
  schedule?: FaultKind[];
  /** Seed of the deterministic PRNG used for fault draws and latency jitter. */
  seed?: number;
  /** How long a `hang` keeps the connection silent before closing it (default 120 000 ms). */
  hangMs?: number;
  /** Extra delay added by a `latency` fault (default 1 500 ms). */
  latencyFaultMs?: number;
}

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /**
   * Global requests/s per account (token bucket, burst = 1 s). Default 25 in test mode, 100 in live mode;
   * null = no limit at all (endpoint limits included).
   */
  rateLimit?: number | null;
  /** Per-endpoint (method + path template) requests/s, on top of the global limit. Default 25; null = none. */
  endpointRateLimit?: number | null;
  /** Search endpoints' requests/s. Default 20; null = none. */
  searchRateLimit?: number | null;
  /** Clock of the rate limiter in ms (default `performance.now`); a fake one makes limits independent of machine speed. */
  clock?: () => number;
  /** Long-tailed answer latency (log-normal); when set, it replaces latencyMs and latencyJitterMs. */
  latency?: LatencySettings;
  /** Accept live keys (sk_live_, rk_live_) as well as test keys. */
  live?: boolean;
  /** Fixed delay before every API answer, plus uniform jitter in [0, latencyJitterMs] (unless `latency` is set). */
  latencyMs?: number;
  latencyJitterMs?: number;
  faults?: FaultSettings;
  /** Lifetime of a v2 meter event session (default 900 s). */
  meterSessionTtlSeconds?: number;
  /** Keep a bounded log of requests (default true). */
  logRequests?: boolean;
  /** Refuse bodies that reference a missing customer, product, price... (default true, as Stripe). */
  checkReferences?: boolean;
  /** Seconds until a new object appears in search results (default 0: at once). Stripe's search lags, lists do not. */
  searchLagSeconds?: number;
  /**
   * Connected accounts the key may act on with `Stripe-Account`; any other account gets Stripe's 403
   * `account_invalid`. Default: every id shaped like `acct_…` is treated as connected.
   */
  connectedAccounts?: string[];
  /** How long an idempotency key is remembered (default 86,400 s, Stripe's 24 hours). */
  idempotencyTtlSeconds?: number;
}

export type StripeObject = Record<string, unknown> & { id: string; object: string };

export interface LoggedRequest {
  method: string;
  path: string;
  /** The Host header as sent. */
  host?: string;
  idempotencyKey?: string;
  /** 0 when the connection was dropped without an answer. */
  status: number;
  contentType?: string;
  /** The Stripe-Version header as sent. */
  stripeVersion?: string;
  /** The raw query string (after `?`), when there is one. */
  query?: string;
  account?: string;
  /** Raw body, cut to 4 KiB. */
  body?: string;
  fault?: FaultKind;
  replayed?: boolean;
  /** Unix ms when the request arrived. */
  at: number;
}

export interface MeterEventCounts {
  total: number;
  duplicatesIgnored: number;
  byEventName: Record<string, number>;
}

export interface Emulator {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Forgets every object, key, session, meter event and log entry; faults return to the start settings. */
  reset(): void;
  setFaults(faults: FaultSettings): void;
  /** Replaces the latency distribution (an empty object turns it off). */
  setLatency(latency: LatencySettings): void;
  /** Seconds until a new object appears in search results (0: at once). */
  setSearchLag(seconds: number): void;
  /** Forgets every stored idempotency key, as if Stripe's 24-hour window had passed. */
  forgetIdempotencyKeys(): void;
  /** Adds connected accounts (see `connectedAccounts`); the first call turns the check to this list. */
  connectAccounts(...ids: string[]): void;
  objects(resource: string, account?: string): StripeObject[];
  count(resource: string, account?: string): number;
  requestLog(): LoggedRequest[];
  /** API requests per method (GET, POST, DELETE) since the start or the last reset; counted even with `logRequests: false`. */
  requestCounts(): Record<string, number>;
  /** No argument: all counted events; otherwise the events of that event_name, or 1/0 for an identifier. */
  meterEventCount(identifierOrEventName?: string): number;
  meterEvents(): MeterEventCounts;
}

/** One /v1 request as the resource handlers see it. */
export interface V1Request {
  method: string;
  path: string;
  /** Decoded form body (POST) or query string (GET/DELETE), leaves still strings. */
  params: Record<string, unknown>;
  account: string;
  livemode: boolean;
}
