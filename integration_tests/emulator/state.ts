// Everything one emulator instance remembers, and the bounded request log.
import { FaultPicker } from './faults.js';
import { IdempotencyStore } from './idempotency.js';
import { MeterEvents } from './meter-events.js';
import { ENDPOINT_RATE, RateLimiter, SEARCH_RATE, type LimitSettings } from './rate-limit.js';
import { LatencyModel } from './latency.js';
import { ObjectStore } from './store.js';
import type { EmulatorOptions, LoggedRequest } from './types.js';

const maxLog = 10_000;

export class EmulatorState {
  readonly store = new ObjectStore();
  readonly idempotency: IdempotencyStore;
  /** Seconds until a new object appears in search results; starts at `options.searchLagSeconds`. */
  searchLagSeconds: number;
  readonly limiter: RateLimiter;
  readonly latency: LatencyModel;
  readonly faults: FaultPicker;
  readonly meter: MeterEvents;
  private log: LoggedRequest[] = [];
  /** API requests per method since the start or the last reset, kept even when the log is off. */
  readonly requestCounts = new Map<string, number>();
  /** Connected accounts a Stripe-Account header may name; undefined: any `acct_…` id. */
  connected: Set<string> | undefined;
  /** Timers of hanging connections, cleared on stop. */
  readonly hangs = new Set<NodeJS.Timeout>();

  constructor(readonly options: EmulatorOptions) {
    this.faults = new FaultPicker(options.faults);
    this.limiter = new RateLimiter(options.clock);
    this.latency = new LatencyModel(options.latency);
    this.idempotency = new IdempotencyStore(Date.now, (options.idempotencyTtlSeconds ?? 24 * 3600) * 1000);
    this.searchLagSeconds = options.searchLagSeconds ?? 0;
    this.meter = new MeterEvents(options.meterSessionTtlSeconds ?? 900);
    this.connected = options.connectedAccounts ? new Set(options.connectedAccounts) : undefined;
  }

  /** Whether a Stripe-Account header may name this account. */
  isConnected(account: string): boolean {
    return this.connected ? this.connected.has(account) : /^acct_[A-Za-z0-9]+$/.test(account);
  }

  /** Requests/s for a caller: the explicit option, else Stripe's 100 (live) or 25 (test). */
  rateFor(livemode: boolean): number | null {
    if (this.options.rateLimit !== undefined) return this.options.rateLimit;
    return livemode ? 100 : 25;
  }

  /** Global, endpoint and search limits for a caller; `rateLimit: null` turns every limit off. */
  limitSettings(livemode: boolean): LimitSettings {
    const global = this.rateFor(livemode);
    if (global === null) return { global: null, endpoint: null, search: null };
    const endpoint = this.options.endpointRateLimit === undefined ? ENDPOINT_RATE : this.options.endpointRateLimit;
    const search = this.options.searchRateLimit === undefined ? SEARCH_RATE : this.options.searchRateLimit;
    return { global, endpoint, search };
  }

  record(entry: LoggedRequest): void {
    this.requestCounts.set(entry.method, (this.requestCounts.get(entry.method) ?? 0) + 1);
    if (this.options.logRequests === false) return;
    this.log.push(entry);
    if (this.log.length > 2 * maxLog) this.log = this.log.slice(-maxLog);
  }

  requests(): LoggedRequest[] {
    return this.log.slice(-maxLog);
  }

  reset(): void {
    this.store.clear();
    this.idempotency.clear();
    this.limiter.clear();
    this.meter.clear();
    this.faults.set(this.options.faults ?? {});
    this.latency.set(this.options.latency ?? {});
    this.searchLagSeconds = this.options.searchLagSeconds ?? 0;
    this.connected = this.options.connectedAccounts ? new Set(this.options.connectedAccounts) : undefined;
    this.log = [];
    this.requestCounts.clear();
  }
}
