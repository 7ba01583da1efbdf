// Tests for base URL resolution and the rule on where the API key may be sent.
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/protocol/errors.js';
import { allowedKeyOrigins, assertKeyMayGoTo, resolveBaseUrl } from '../../src/stripe/hosts.js';

function configErrorOf(run: () => unknown): ConnectorError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failureType).toBe('config_error');
    return error as ConnectorError;
  }
  throw new Error('expected a config error');
}

describe('resolveBaseUrl', () => {
  it.each([
    [{}, 'api', 'https://api.stripe.com/'],
    [{}, 'meter_events', 'https://meter-events.stripe.com/'],
    [{ api_base_url: '' }, 'api', 'https://api.stripe.com/'],
    [{ api_base_url: 'http://127.0.0.1:12111' }, 'api', 'http://127.0.0.1:12111/'],
    [{ api_base_url: 'http://127.0.0.1:12111/' }, 'meter_events', 'http://127.0.0.1:12111/'],
    [{ api_base_url: 'https://proxy.example.com/stripe/' }, 'api', 'https://proxy.example.com/stripe'],
    [{ api_base_url: 'https://proxy.example.com/stripe///' }, 'api', 'https://proxy.example.com/stripe'],
    [{ api_base_url: 'http://localhost:8080' }, 'api', 'http://localhost:8080/'],
    [{ api_base_url: 'http://[::1]:8080' }, 'api', 'http://[::1]:8080/'],
  ] as const)('%j %s → %s', (config, host, expected) => {
    expect(resolveBaseUrl(config, host).href).toBe(expected);
  });

  it.each([
    ['not a url', 'not a valid URL'],
    ['ftp://127.0.0.1/', 'http(s)'],
    ['http://proxy.example.com', 'loopback'],
    ['http://128.0.0.1', 'loopback'],
    ['https://user:pw@proxy.example.com', 'user name'],
    ['https://user@proxy.example.com', 'user name'],
    ['https://:pw@proxy.example.com', 'user name'],
    ['https://proxy.example.com/?a=1', 'query'],
    ['https://proxy.example.com/#top', 'fragment'],
  ])('refuses api_base_url %s', (api_base_url, fragment) => {
    const error = configErrorOf(() => resolveBaseUrl({ api_base_url }, 'api'));
    expect(error.message).toContain(fragment);
    expect(error.message).toContain('api_base_url');
  });
});

describe('allowedKeyOrigins', () => {
  it.each([
    [{}, ['https://api.stripe.com', 'https://meter-events.stripe.com']],
    [{ api_base_url: '' }, ['https://api.stripe.com', 'https://meter-events.stripe.com']],
    [{ api_base_url: 'https://proxy.example.com/stripe/' }, ['https://api.stripe.com', 'https://meter-events.stripe.com', 'https://proxy.example.com']],
  ])('%j → %j', (config, origins) => {
    expect(allowedKeyOrigins(config)).toEqual(origins);
  });

  it('refuses a base URL the key may not go to', () => {
    expect(configErrorOf(() => allowedKeyOrigins({ api_base_url: 'http://proxy.example.com' })).message).toContain('loopback');
  });
});

describe('assertKeyMayGoTo', () => {
  // Computed in the tests, not at collection time, so a broken rule fails a test instead of the whole file.
  const stripeOnly = (): string[] => allowedKeyOrigins({});
  const withEmulator = (): string[] => allowedKeyOrigins({ api_base_url: 'http://127.0.0.1:12111' });

  it.each([
    ['https://api.stripe.com/v1/customers', stripeOnly],
    ['https://meter-events.stripe.com/v2/billing/meter_event_stream', stripeOnly],
    ['http://127.0.0.1:12111/v1/customers', withEmulator],
    ['https://api.stripe.com/v1/customers', withEmulator],
  ])('allows %s', (url, allowed) => {
    expect(() => assertKeyMayGoTo(new URL(url), allowed())).not.toThrow();
  });

  it.each([
    ['https://evil.example.com/v1/customers', stripeOnly],
    ['https://api.stripe.com.evil.example/v1', stripeOnly],
    ['http://api.stripe.com/v1/customers', stripeOnly],
    ['https://files.stripe.com/v1/files', stripeOnly],
    ['http://127.0.0.1:12112/v1/customers', withEmulator],
    ['http://127.0.0.1:12111/v1/customers', stripeOnly],
    ['https://user@api.stripe.com/v1/customers', stripeOnly],
    ['https://:pw@api.stripe.com/v1/customers', stripeOnly],
    // Even when a caller lists them: plain http off loopback, and schemes other than http(s).
    ['http://proxy.example.com/v1/customers', () => ['http://proxy.example.com']],
    ['ftp://files.example.com/v1/customers', () => ['ftp://files.example.com']],
  ])('refuses %s', (url, allowed) => {
    const error = configErrorOf(() => assertKeyMayGoTo(new URL(url), allowed()));
    expect(error.message).toContain('Refusing to send the Stripe API key');
    expect(error.message).not.toContain('/v1/');
  });
});
