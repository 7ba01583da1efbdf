// Rate-limit endpoint keys: ids fold into {id}, literals of Stripe's path templates stay.
import { describe, expect, it } from 'vitest';
import { endpointKey, pathTemplate } from '../../src/stripe/endpoint.js';

describe('endpointKey', () => {
  it.each([
    ['POST', '/v1/customers', 'POST /v1/customers'],
    ['POST', '/v1/customers/cus_123', 'POST /v1/customers/{id}'],
    ['post', '/v1/customers/cus_456', 'POST /v1/customers/{id}'],
    ['GET', '/v1/customers', 'GET /v1/customers'],
    ['GET', '/v1/customers?limit=100&starting_after=cus_9', 'GET /v1/customers'],
    ['GET', "/v1/customers/search?query=metadata%5B'k'%5D%3A'v'", 'GET /v1/customers/search'],
    ['DELETE', '/v1/customers/cus_1', 'DELETE /v1/customers/{id}'],
    ['POST', '/v1/customers/cus_1/balance_transactions', 'POST /v1/customers/{id}/balance_transactions'],
    ['POST', '/v1/customers/cus_1/tax_ids', 'POST /v1/customers/{id}/tax_ids'],
    ['DELETE', '/v1/customers/cus_1/tax_ids/txi_2', 'DELETE /v1/customers/{id}/tax_ids/{id}'],
    ['POST', '/v1/products/my-custom-sku', 'POST /v1/products/{id}'],
    ['POST', '/v1/products/widget', 'POST /v1/products/{id}'],
    ['POST', '/v1/invoices/in_1/finalize', 'POST /v1/invoices/{id}/finalize'],
    ['POST', '/v1/billing/meter_events', 'POST /v1/billing/meter_events'],
    ['POST', '/v1/files', 'POST /v1/files'],
    ['POST', '/v2/billing/meter_event_stream', 'POST /v2/billing/meter_event_stream'],
    ['POST', '/v2/billing/meter_event_session', 'POST /v2/billing/meter_event_session'],
    ['POST', '/v1/prices/price_1', 'POST /v1/prices/{id}'],
    ['POST', '/v1/subscription_items/si_1', 'POST /v1/subscription_items/{id}'],
    ['POST', '/v1/tax_rates/txr_1', 'POST /v1/tax_rates/{id}'],
    // Outside the known templates: segments that look like ids fold, words stay.
    ['POST', '/v1/unknown_things/thing_8Hj2', 'POST /v1/unknown_things/{id}'],
    ['POST', '/v2/core/widgets/wdg_61Ab/activate', 'POST /v2/core/widgets/{id}/activate'],
  ])('%s %s → %s', (method, path, expected) => {
    expect(endpointKey(method, path)).toBe(expected);
  });

  it('never keeps a record value in the key', () => {
    expect(pathTemplate('/v1/customers/cus_secretish%2Fvalue')).toBe('/v1/customers/{id}');
    expect(pathTemplate('/v1/products/Bob%20Smith/extra')).toBe('/v1/products/{id}/extra');
  });
});

describe('pathTemplate with empty segments', () => {
  it.each([
    ['/v1/customers/', '/v1/customers/'],
    ['/v1/unknown_things//x', '/v1/unknown_things//x'],
  ])('%s keeps its empty segment empty: %s', (path, expected) => {
    expect(pathTemplate(path)).toBe(expected);
  });
});
