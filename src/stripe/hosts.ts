// Where requests go and where the API key may be sent: Stripe's hosts or the configured base URL only.
import { isLoopbackHost } from '../config/loopback.js';
import { configError } from '../protocol/errors.js';

export type StripeHost = 'api' | 'meter_events';

export const STRIPE_ORIGINS: Readonly<Record<StripeHost, string>> = {
  api: 'https://api.stripe.com',
  meter_events: 'https://meter-events.stripe.com',
};

/** Parses and checks `api_base_url`: http(s), no credentials, no query or fragment; http only for loopback. */
export function parseBaseUrl(apiBaseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(apiBaseUrl);
  } catch {
    throw configError('api_base_url is not a valid URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw configError('api_base_url must be an http(s) URL.');
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw configError('api_base_url may use plain http only for a loopback host (localhost, 127.0.0.1, ::1); use https.');
  }
  if (url.username || url.password) throw configError('api_base_url must not contain a user name or password.');
  if (url.search || url.hash) throw configError('api_base_url must not contain a query string or fragment.');
  return url;
}

/**
 * The base URL for a host kind. Stripe's own hosts by default; with `api_base_url` both kinds go
 * there (an emulator or proxy serves the REST API and the meter event stream at one origin).
 * A path in `api_base_url` is kept as a prefix, without its trailing slash.
 */
export function resolveBaseUrl(config: { api_base_url?: string }, host: StripeHost): URL {
  if (config.api_base_url) {
    const url = parseBaseUrl(config.api_base_url);
    url.pathname = url.pathname.replace(/\/+$/, '');
    return url;
  }
  return new URL(STRIPE_ORIGINS[host]);
}

/** The origins the key may be sent to: Stripe's two hosts, plus the configured base URL's origin. */
export function allowedKeyOrigins(config: { api_base_url?: string }): string[] {
  const origins = Object.values(STRIPE_ORIGINS);
  if (config.api_base_url) origins.push(parseBaseUrl(config.api_base_url).origin);
  return origins;
}

/** Throws a config_error unless `url` is one the key may go to. Names the host, never the path or key. */
export function assertKeyMayGoTo(url: URL, allowedOrigins: readonly string[]): void {
  const plainHttpRefused = url.protocol === 'http:' && !isLoopbackHost(url.hostname);
  const wrongScheme = url.protocol !== 'https:' && url.protocol !== 'http:';
  if (wrongScheme || plainHttpRefused || url.username || url.password || !allowedOrigins.includes(url.origin)) {
    throw configError(
      `Refusing to send the Stripe API key to ${url.protocol}//${url.host}: it goes only to Stripe's hosts or to api_base_url (plain http only for loopback).`,
    );
  }
}
