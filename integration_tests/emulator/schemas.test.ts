// The committed schemas/ must equal what scripts/generate-schemas.ts produces from the pinned stripe package
// (and the shared 2023 spec, which says which numbers are integers).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSchemas, schemasDir, sharedDir } from '../../scripts/generate-schemas.js';
import { STRIPE_API_VERSION } from '../../src/generated/stripe-api-version.js';

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

type Node = Record<string, unknown>;

/** Every object schema inside a schema, with the field path that leads to it. */
function objectsOf(schema: Node, path = ''): { path: string; node: Node }[] {
  const out: { path: string; node: Node }[] = [];
  if (schema['type'] === 'object') out.push({ path, node: schema });
  for (const branch of (schema['anyOf'] as Node[] | undefined) ?? []) out.push(...objectsOf(branch, path));
  if (schema['items']) out.push(...objectsOf(schema['items'] as Node, `${path}[]`));
  for (const [key, child] of Object.entries((schema['properties'] as Record<string, Node> | undefined) ?? {})) out.push(...objectsOf(child, path ? `${path}.${key}` : key));
  if (schema['additionalProperties'] && typeof schema['additionalProperties'] === 'object') out.push(...objectsOf(schema['additionalProperties'] as Node, `${path}.*`));
  return out;
}

describe('generated schema shape', () => {
  const index = JSON.parse(readFileSync(join(schemasDir, 'index.json'), 'utf8')) as {
    apiVersion: string;
    resources: Record<string, { create: string; update: string | null }>;
  };
  const files = Object.values(index.resources).flatMap((e) => [e.create, e.update]).filter((f): f is string => f !== null);
  const load = (file: string): Node => JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as Node;

  it('describes the pinned package version', () => {
    expect(index.apiVersion).toBe(STRIPE_API_VERSION);
  });

  it('closes every object with listed properties, at every depth; maps stay open', () => {
    let closed = 0;
    for (const file of files) {
      for (const { path, node } of objectsOf(load(file))) {
        const extra = node['additionalProperties'];
        if (node['properties']) {
          expect(extra, `${file} ${path}`).toBe(false);
          closed += 1;
        } else if (extra !== false) {
          // A free-form map (metadata, Record<string, ...>): open, with a schema for its values.
          // (An object with no properties and closed is an empty-object parameter, e.g. `blik: {}`.)
          expect(typeof extra, `${file} ${path}`).toBe('object');
        }
      }
    }
    expect(closed).toBeGreaterThan(800);
  });

  it('writes metadata as an open, clearable map and Emptyable fields as clearable', () => {
    const customers = load('customers.create.json') as { properties: Record<string, Node> };
    expect(customers.properties['metadata']).toEqual({
      anyOf: [{ type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }] } }, { type: 'string', enum: [''] }],
    });
    expect(customers.properties['business_name']).toEqual({ type: 'string' });
    const address = customers.properties['address'] as { anyOf: Node[] };
    expect(address.anyOf[1]).toEqual({ type: 'string', enum: [''] });
    expect(address.anyOf[0]).toMatchObject({ type: 'object', additionalProperties: false });
    expect(customers.properties['tax_exempt']).toEqual({ anyOf: [{ type: 'string', enum: ['exempt', 'none', 'reverse'] }, { type: 'string', enum: [''] }] });
  });

  it('takes integers and lengths from the 2023 spec where the field existed, decimals from the types', () => {
    const prices = load('prices.create.json') as { properties: Record<string, Node> };
    expect(prices.properties['unit_amount']).toEqual({ type: 'integer' });
    expect(prices.properties['unit_amount_decimal']).toEqual({ type: 'string', format: 'decimal' });
    const subscriptions = load('subscriptions.create.json') as { properties: Record<string, Node> };
    expect(subscriptions.properties['backdate_start_date']).toEqual({ type: 'integer', format: 'unix-time' });
    expect(subscriptions.properties['coupon']).toBeUndefined();
    expect(subscriptions.properties['discounts']).toBeDefined();
  });
});
