// Stream plans: a destination object and sync mode from the catalog override the template config.
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/generated/config.js';
import type { ConfiguredAirbyteStream } from '../../src/generated/protocol.js';
import { planStream } from '../../src/mapping/stream-plan.js';

const config: Config = { api_key: 'sk_test_emulator', configuration: { mode: 'template', resource_type: 'customers', operation: 'update', matching_key: 'id' } };

function stream(extra: Partial<ConfiguredAirbyteStream>): ConfiguredAirbyteStream {
  return { stream: { name: 'users', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append', ...extra } as ConfiguredAirbyteStream;
}

describe('planStream', () => {
  it.each([
    [{}, { resource: 'customers', operation: 'update', matchingKey: 'id' }],
    [{ destination_object_name: 'products', destination_sync_mode: 'append' }, { resource: 'products', operation: 'create', matchingKey: 'id' }],
    [{ destination_object_name: 'customers', destination_sync_mode: 'update', primary_key: [['id']] }, { resource: 'customers', operation: 'update', matchingKey: 'id' }],
    [{ destination_object_name: 'customers', destination_sync_mode: 'append_dedup', primary_key: [['external_id']] }, { resource: 'customers', operation: 'upsert', matchingKey: 'external_id' }],
    [{ destination_object_name: 'prices', destination_sync_mode: 'soft_delete' }, { resource: 'prices', operation: 'delete', matchingKey: 'id' }],
    [{ destination_object_name: 'products', destination_sync_mode: 'append', primary_key: [['a'], ['b']] }, { resource: 'products', operation: 'create', matchingKey: 'id' }],
  ] as const)('%j → %j', (extra, plan) => {
    expect(planStream(config, stream(extra as Partial<ConfiguredAirbyteStream>))).toEqual(plan);
  });

  it.each([
    [{ destination_object_name: 'payouts', destination_sync_mode: 'append' }, /Stream "users": destination object "payouts"/],
    [{ destination_object_name: 'customers', destination_sync_mode: 'overwrite' }, /Stream "users": destination sync mode "overwrite" is not supported/],
    [{ destination_object_name: 'charges', destination_sync_mode: 'soft_delete' }, /Stream "users": Operation "delete" is not supported for charges/],
    [{ destination_object_name: 'tax_rates', destination_sync_mode: 'append_dedup', primary_key: [['code']] }, /Stream "users": .*cannot search tax_rates/],
    [{ destination_object_name: 'customers', destination_sync_mode: 'update', primary_key: [['a'], ['b']] }, /Stream "users": the primary key must be one top-level field/],
    [{ destination_object_name: 'customers', destination_sync_mode: 'update', primary_key: [['a', 'b']] }, /one top-level field/],
  ] as const)('refuses %j', (extra, message) => {
    expect(() => planStream(config, stream(extra as Partial<ConfiguredAirbyteStream>))).toThrow(message);
  });

  it('refuses manual mode', () => {
    expect(() => planStream({ api_key: 'sk_test_emulator', configuration: { mode: 'manual', url: '/v1/customers' } }, stream({}))).toThrow(/template mode only/);
  });
});
