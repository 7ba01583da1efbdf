// The destination catalog: valid protocol output with one operation per resource and supported sync mode.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { buildDestinationCatalog } from '../../src/commands/discover-catalog.js';
import { listResources } from '../../src/mapping/resources.js';
import { parsePath } from '../../src/mapping/field-paths.js';
import { assertProtocolLines } from '../helpers/protocol-schema.js';

const catalog = buildDestinationCatalog();
const find = (object: string, mode: string) => catalog.operations.find((o) => o.object_name === object && o.sync_mode === mode);

describe('buildDestinationCatalog', () => {
  it('is a valid DESTINATION_CATALOG message', () => {
    expect(() => assertProtocolLines(JSON.stringify({ type: 'DESTINATION_CATALOG', destination_catalog: catalog }))).not.toThrow();
  });

  it('lists exactly the registry operations', () => {
    const modes: Record<string, string> = { create: 'append', update: 'update', upsert: 'append_dedup', delete: 'soft_delete' };
    const expected = listResources().flatMap((r) => r.operations.map((op) => `${r.name}:${modes[op]}`));
    expect(catalog.operations.map((o) => `${o.object_name}:${o.sync_mode}`)).toEqual(expected);
  });

  it('offers matching keys for update, upsert and delete only', () => {
    expect(find('customers', 'append')?.matching_keys).toBeUndefined();
    expect(find('customers', 'append_dedup')?.matching_keys).toEqual([['id'], ['external_id']]);
    expect(find('coupons', 'append_dedup')?.matching_keys).toEqual([['id']]);
    expect(find('prices', 'soft_delete')?.matching_keys).toEqual([['id'], ['external_id']]);
  });

  it('describes the accepted fields', () => {
    const create = find('customer_balance_transactions', 'append')!.json_schema as Record<string, any>;
    expect(create['required']).toEqual(['customer', 'amount', 'currency']);
    expect(Object.keys(find('customers', 'soft_delete')!.json_schema['properties'] as object)).toEqual(['id', 'external_id']);
    const upsert = find('prices', 'append_dedup')!.json_schema['properties'] as Record<string, unknown>;
    expect(upsert).toHaveProperty('currency');
    expect(upsert).toHaveProperty('nickname');
    expect(upsert).toHaveProperty('id');
  });

  it('gives schemas ajv can compile', { timeout: 120_000 }, () => {
    const ajv = new Ajv({ strict: false });
    for (const operation of catalog.operations) expect(() => ajv.compile(operation.json_schema)).not.toThrow();
  });
});

describe('mappable paths in the destination catalog (#19)', () => {
  const operation = (object: string, mode: string) => buildDestinationCatalog().operations.find((o) => o.object_name === object && o.sync_mode === mode)!;

  it('offers leaves to depth 3, arrays as [0], and metadata.<key> as a pattern', () => {
    const customers = operation('customers', 'append_dedup').json_schema as { properties: Record<string, unknown>; patternProperties: Record<string, unknown> };
    expect(customers.properties).toHaveProperty(['address.city']);
    expect(customers.properties).toHaveProperty(['shipping.address.line1']);
    expect(customers.properties).toHaveProperty(['address']);
    expect(customers.properties).not.toHaveProperty(['shipping.address']);
    const [pattern] = Object.keys(customers.patternProperties);
    expect(new RegExp(pattern!).test('metadata.crm_id')).toBe(true);
    expect(new RegExp(pattern!).test(`metadata.${'k'.repeat(41)}`)).toBe(false);
    expect(new RegExp(pattern!).test('metadata.a[b]')).toBe(false);
    const subscriptions = operation('subscriptions', 'append').json_schema as { properties: Record<string, unknown> };
    expect(subscriptions.properties).toHaveProperty(['items[0].price']);
    expect(subscriptions.properties).toHaveProperty(['items[0].quantity']);
  });

  it('every listed path is one the mapper accepts', () => {
    const customers = operation('customers', 'append').json_schema as { properties: Record<string, unknown> };
    const paths = Object.keys(customers.properties).filter((p) => p.includes('.') || p.includes('['));
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) expect(parsePath(path), path).toBeDefined();
  });
});
