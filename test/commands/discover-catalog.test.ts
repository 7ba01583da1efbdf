// The destination catalog: valid protocol output with one operation per resource and supported sync mode.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { buildDestinationCatalog } from '../../src/commands/discover-catalog.js';
import { listResources } from '../../src/mapping/resources.js';
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

  it('gives schemas ajv can compile', () => {
    const ajv = new Ajv({ strict: false });
    for (const operation of catalog.operations) expect(() => ajv.compile(operation.json_schema)).not.toThrow();
  });
});
