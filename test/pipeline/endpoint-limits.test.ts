// Stripe's documented limits per endpoint, and the pace kept under them.
import { describe, expect, it } from 'vitest';
import { endpointLimit, paceFor } from '../../src/pipeline/endpoint-limits.js';

describe('endpointLimit', () => {
  it.each([
    ['POST /v1/customers', 'live', 25, true],
    ['POST /v1/customers/{id}', 'test', 25, true],
    ['GET /v1/customers', 'live', 25, true],
    ['GET /v1/customers/search', 'live', 20, true],
    ['GET /v1/prices/search', 'test', 20, true],
    ['POST /v1/files', 'live', 20, true],
    ['GET /v1/files/{id}', 'live', 20, true],
    ['POST /v1/billing/meter_events', 'live', 1000, false],
    ['POST /v1/billing/meter_events', 'test', 25, true],
    ['POST /v2/billing/meter_event_stream', 'live', 10000, false],
    ['POST /v2/billing/meter_event_stream', 'test', 10000, false],
    ['POST /v2/billing/meter_event_session', 'live', 25, true],
    ['GET /v1/billing/meter_events', 'live', 25, true],
    ['POST /v1/customers/search', 'live', 25, true],
  ] as const)('%s in %s mode: %i/s, counts against the global limit: %s', (endpoint, mode, limit, countsGlobal) => {
    expect(endpointLimit(endpoint, mode)).toEqual({ limit, countsGlobal });
  });

  it.each([
    [25, 24],
    [20, 19.2],
    [100, 96],
  ])('paces %i/s at %f/s', (limit, pace) => {
    expect(paceFor(limit)).toBeCloseTo(pace, 9);
  });
});
