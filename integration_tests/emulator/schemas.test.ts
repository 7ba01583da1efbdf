// The committed schemas/ must equal what scripts/generate-schemas.ts produces from the pinned stripe package
// (and the shared 2023 spec, which says which numbers are integers).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSchemas, schemasDir, sharedDir } from '../../scripts/generate-schemas.js';

const specPresent = existsSync(join(sharedDir, 'stripe', 'openapi', 'spec3.json'));
if (!specPresent) console.warn(`schemas freshness test skipped: ${sharedDir}/stripe/openapi/spec3.json is absent`);

describe.skipIf(!specPresent)('schemas/ freshness', () => {
  it('matches fresh generator output file for file (run `npm run generate` if not)', async () => {
    const fresh = generateSchemas();
    const committed = readdirSync(schemasDir).filter((f) => f.endsWith('.json')).sort();
    expect(committed).toEqual([...fresh.keys()].sort());
    for (const [name, content] of fresh) expect(readFileSync(join(schemasDir, name), 'utf8'), name).toBe(content);
  });
});

describe('schemas/index.json', () => {
  const index = JSON.parse(readFileSync(join(schemasDir, 'index.json'), 'utf8')) as { resources: Record<string, Record<string, unknown>> };
  const spec = JSON.parse(readFileSync(new URL('../../spec/spec.json', import.meta.url), 'utf8')) as {
    properties: { configuration: { oneOf: { properties: { resource_type?: { enum: string[] } } }[] } };
  };
  const enumValues = spec.properties.configuration.oneOf.find((o) => o.properties.resource_type)!.properties.resource_type!.enum;

  it('lists exactly the resource types of spec/spec.json', () => {
    expect(Object.keys(index.resources).sort()).toEqual([...enumValues].sort());
  });

  it.each([
    ['customers', { idPrefix: 'cus_', deletable: true, customId: false, update: 'customers.update.json' }],
    ['products', { idPrefix: 'prod_', deletable: true, customId: true }],
    ['prices', { idPrefix: 'price_', deletable: false, customId: false }],
    ['coupons', { customId: true, deletable: true }],
    ['customer_tax_ids', { idPrefix: 'txi_', update: null, deletable: true, parent: { param: 'customer', resource: 'customers' } }],
    ['billing_meter_events', { path: '/v1/billing/meter_events', update: null, listable: false, listPath: null }],
  ])('%s', (name, expected) => {
    expect(index.resources[name]).toMatchObject(expected);
  });

  it('generates the meter event schema from the types too', () => {
    const s = JSON.parse(readFileSync(join(schemasDir, 'billing_meter_events.create.json'), 'utf8')) as Record<string, unknown>;
    expect(s['required']).toEqual(['event_name', 'payload']);
    expect(s['additionalProperties']).toBe(false);
  });
});
