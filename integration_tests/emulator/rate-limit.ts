// Stripe's limiter structure: a global bucket per account and mode, plus one bucket per endpoint (method and
// path template); a request passes only when every bucket it counts against holds a token.
import { resourceIndex } from './validate.js';

/** Stripe's documented per-endpoint default, in live mode too. */
export const ENDPOINT_RATE = 25;
/** Search endpoints and files. */
export const SEARCH_RATE = 20;
export const FILES_RATE = 20;
/** v1 meter events in live mode and the v2 stream: their own limits, outside the global one. */
export const METER_V1_LIVE_RATE = 1_000;
export const METER_STREAM_RATE = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

/** One bucket a request counts against: its key and rate (capacity = rate, about a second of burst). */
export interface Limit {
  key: string;
  rate: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /** `now` in ms on any monotonic clock; inject a fake one to make a test independent of machine speed. */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Takes one token from `key`'s bucket; false when it is empty. A null rate never limits. */
  take(key: string, rate: number | null): boolean {
    if (rate === null) return true;
    return this.takeAll([{ key, rate }]) === undefined;
  }

  /**
   * Takes a token from every bucket, or from none: answers the first limit that is empty (nothing taken),
   * or undefined when the request passes.
   */
  takeAll(limits: readonly Limit[]): Limit | undefined {
    const now = this.now();
    const buckets = limits.map((limit) => this.refilled(limit, now));
    const empty = buckets.findIndex((b) => b.tokens < 1);
    if (empty !== -1) return limits[empty];
    for (const b of buckets) b.tokens -= 1;
    return undefined;
  }

  private refilled(limit: Limit, now: number): Bucket {
    let b = this.buckets.get(limit.key);
    if (!b) this.buckets.set(limit.key, (b = { tokens: limit.rate, at: now }));
    b.tokens = Math.min(limit.rate, b.tokens + ((now - b.at) / 1000) * limit.rate);
    b.at = now;
    return b;
  }

  clear(): void {
    this.buckets.clear();
  }
}

const itemPatterns = Object.values(resourceIndex).map((entry) => {
  const source = entry.path.replace(/\{[^}]+\}/g, '[^/]+');
  return { template: entry.path.replace(/\{[^}]+\}/g, '{id}'), collection: new RegExp(`^${source}$`), item: new RegExp(`^${source}/[^/]+$`), action: new RegExp(`^${source}/[^/]+/([a-z_]+)$`) };
});

/**
 * The emulator's own reading of an endpoint (method + path template) for the routes it serves: a
 * collection, an object of it (`/{id}`), an action on an object (`/{id}/cancel`), or the path as is.
 */
export function endpointOf(method: string, path: string): string {
  for (const p of itemPatterns) {
    if (p.collection.test(path)) return `${method} ${p.template}`;
    if (p.item.test(path) && !path.endsWith('/search')) return `${method} ${p.template}/{id}`;
    const action = p.action.exec(path);
    if (action) return `${method} ${p.template}/{id}/${action[1]!}`;
  }
  return `${method} ${path}`;
}

export interface LimitSettings {
  /** The account's global limit; null disables every limit. */
  global: number | null;
  /** Default per-endpoint limit; null disables endpoint limits (the global one stays). */
  endpoint: number | null;
  /** Search endpoints' limit; null disables it. */
  search: number | null;
}

/** The buckets a request counts against: its endpoint's, and the global one unless the endpoint is outside it. */
export function limitsFor(method: string, path: string, scope: string, livemode: boolean, settings: LimitSettings): Limit[] {
  if (settings.global === null) return [];
  const endpoint = endpointOf(method, path);
  const global: Limit = { key: `${scope}:global`, rate: settings.global };
  const own = (rate: number | null): Limit[] => (rate === null ? [] : [{ key: `${scope}:${endpoint}`, rate }]);
  if (path === '/v2/billing/meter_event_stream') return own(METER_STREAM_RATE);
  if (livemode && method === 'POST' && path === '/v1/billing/meter_events') return own(METER_V1_LIVE_RATE);
  if (method === 'GET' && /^\/v1\/[a-z_]+\/search$/.test(path)) return [...own(settings.search), global];
  if (path === '/v1/files' || path.startsWith('/v1/files/')) return [...own(settings.endpoint === null ? null : FILES_RATE), global];
  return [...own(settings.endpoint), global];
}
