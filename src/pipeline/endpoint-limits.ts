// Pure: Stripe's documented limit for one rate-limit endpoint, and the pace the connector keeps under it.
import type { StripeMode } from '../stripe/mode.js';

/** Stripe's default limit per endpoint (method + path template), in live mode too. */
export const ENDPOINT_RATE_CAP = 25;
/** Search endpoints (`GET /v1/<resource>/search`). */
export const SEARCH_RATE_CAP = 20;
/** Files: 20 reads/s and 20 writes/s. */
export const FILES_RATE_CAP = 20;
/** v1 meter events in live mode: their own limit, outside the account's global one. */
export const METER_EVENTS_V1_LIVE_CAP = 1_000;
/** The v2 meter event stream (live): its own limit, outside the account's global one. */
export const METER_STREAM_CAP = 10_000;

/** Share of each documented limit the connector aims at, a little room for the account's other clients. */
export const PACE_SHARE = 0.96;

export interface EndpointLimit {
  /** Stripe's documented limit in requests per second. */
  limit: number;
  /** Whether the endpoint's requests also count against the account's global limit. */
  countsGlobal: boolean;
}

/**
 * The limit of `endpoint` (`METHOD /path/{id}` from `endpointKey`). Sandbox figures are documented only
 * for the global limit; every endpoint limit is applied in both modes, and v1 meter events count
 * against the global limit in sandbox (their separate 1,000/s is documented for live mode).
 */
export function endpointLimit(endpoint: string, mode: StripeMode): EndpointLimit {
  const space = endpoint.indexOf(' ');
  const method = endpoint.slice(0, space);
  const path = endpoint.slice(space + 1);
  if (path === '/v2/billing/meter_event_stream') return { limit: METER_STREAM_CAP, countsGlobal: false };
  if (method === 'POST' && path === '/v1/billing/meter_events' && mode === 'live') return { limit: METER_EVENTS_V1_LIVE_CAP, countsGlobal: false };
  if (method === 'GET' && path.endsWith('/search')) return { limit: SEARCH_RATE_CAP, countsGlobal: true };
  if (path === '/v1/files' || path.startsWith('/v1/files/')) return { limit: FILES_RATE_CAP, countsGlobal: true };
  return { limit: ENDPOINT_RATE_CAP, countsGlobal: true };
}

/** The pace kept under a limit: `PACE_SHARE` of it (24/s under 25, 19.2/s under 20, 96/s under 100). */
export function paceFor(limit: number): number {
  return limit * PACE_SHARE;
}
