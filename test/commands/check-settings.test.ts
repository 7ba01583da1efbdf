// checkSettings: /v2 endpoints need a Stripe-Version of 2024-09-30.acacia or newer.
import { describe, expect, it } from 'vitest';
import { checkSettings } from '../../src/commands/check-settings.js';
import type { Config } from '../../src/generated/config.js';
import { predatesV2 } from '../../src/stripe/version.js';

const config = (configuration: Record<string, unknown>, api_version?: string): Config =>
  ({ api_key: 'sk_test_x', configuration, ...(api_version ? { api_version } : {}) }) as unknown as Config;

describe('api_version and /v2 endpoints', () => {
  it.each([
    ['2023-08-16', true],
    ['2024-06-20', true],
    ['2024-09-30.acacia', false],
    ['2026-10-28.endive', false],
  ])('%s predates /v2: %s', (version, expected) => expect(predatesV2(version)).toBe(expected));

  it.each([
    [{ mode: 'template', resource_type: 'billing_meter_event_adjustments' }],
    [{ mode: 'template', resource_type: 'billing_meter_events', meter_events_api: 'v2_stream' }],
    [{ mode: 'manual', method: 'POST', url: '/v2/billing/meter_event_adjustments', content_format: 'json' }],
  ])('refuses a version older than 2024-09-30.acacia for %j', (configuration) => {
    expect(() => checkSettings(config(configuration, '2023-08-16'))).toThrow(/api_version 2023-08-16 predates Stripe's \/v2 endpoints/);
    expect(() => checkSettings(config(configuration, '2024-09-30.acacia'))).not.toThrow();
    expect(() => checkSettings(config(configuration))).not.toThrow();
  });

  it('lets v1 configurations pin an old version', () => {
    expect(() => checkSettings(config({ mode: 'template', resource_type: 'billing_meter_events' }, '2023-08-16'))).not.toThrow();
    expect(() => checkSettings(config({ mode: 'template', resource_type: 'customers' }, '2023-08-16'))).not.toThrow();
  });
});
