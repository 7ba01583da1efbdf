// Registry: every spec resource is registered with the operations Stripe supports and how they are done.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../src/paths.js';
import { ConnectorError } from '../../src/protocol/errors.js';
import { assertOperationSupported, getResource, listResources, supportedOperations } from '../../src/mapping/resources.js';

const spec = JSON.parse(readFileSync(packagePath('spec', 'spec.json'), 'utf8')) as Record<string, any>;

function specResourceTypes(): string[] {
  const found: string[][] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    const rt = (record['properties'] as Record<string, any> | undefined)?.['resource_type'];
    if (rt?.enum) found.push(rt.enum as string[]);
    Object.values(record).forEach(walk);
  };
  walk(spec);
  return found[0] ?? [];
}

describe('resource registry', () => {
  it('registers at least 20 resources, each able to create', () => {
    const resources = listResources();
    expect(resources.length).toBeGreaterThanOrEqual(20);
    for (const r of resources) expect(r.operations).toContain('create');
  });

  it('matches the resource_type enum of spec.json exactly', () => {
    const names = listResources().map((r) => r.name).sort();
    expect(specResourceTypes().sort()).toEqual(names);
  });

  it.each([
    ['customers', ['create', 'update', 'upsert', 'delete'], { kind: 'delete' }],
    ['products', ['create', 'update', 'upsert', 'delete'], { kind: 'delete' }],
    ['subscriptions', ['create', 'update', 'upsert', 'delete'], { kind: 'delete' }],
    ['prices', ['create', 'update', 'upsert', 'delete'], { kind: 'archive' }],
    ['promotion_codes', ['create', 'update', 'upsert', 'delete'], { kind: 'archive' }],
    ['tax_rates', ['create', 'update', 'upsert', 'delete'], { kind: 'archive' }],
    ['shipping_rates', ['create', 'update', 'upsert', 'delete'], { kind: 'archive' }],
    ['payment_links', ['create', 'update', 'upsert', 'delete'], { kind: 'archive' }],
    ['payment_intents', ['create', 'update', 'upsert', 'delete'], { kind: 'action', action: 'cancel' }],
    ['setup_intents', ['create', 'update', 'upsert', 'delete'], { kind: 'action', action: 'cancel' }],
    ['quotes', ['create', 'update', 'upsert', 'delete'], { kind: 'action', action: 'cancel' }],
    ['refunds', ['create', 'update', 'upsert', 'delete'], { kind: 'action', action: 'cancel' }],
    ['credit_notes', ['create', 'update', 'upsert', 'delete'], { kind: 'action', action: 'void' }],
    ['charges', ['create', 'update', 'upsert'], undefined],
    ['customer_balance_transactions', ['create', 'update', 'upsert'], undefined],
    ['customer_tax_ids', ['create', 'delete'], { kind: 'delete' }],
    ['billing_meter_events', ['create'], undefined],
    ['billing_meters', ['create', 'update', 'upsert', 'delete'], { kind: 'action', action: 'deactivate' }],
    ['billing_credit_grants', ['create', 'update', 'upsert', 'delete'], { kind: 'action', action: 'void' }],
    ['entitlement_features', ['create', 'update', 'upsert', 'delete'], { kind: 'archive' }],
    ['product_features', ['create', 'delete'], { kind: 'delete' }],
    ['tax_ids', ['create', 'delete'], { kind: 'delete' }],
    ['billing_meter_event_adjustments', ['create'], undefined],
  ])('%s supports %j, delete by %j', (name, operations, strategy) => {
    expect(supportedOperations(name)).toEqual(operations);
    expect(getResource(name).delete).toEqual(strategy);
  });

  it('describes nested resources with their parent', () => {
    expect(getResource('customer_balance_transactions')).toMatchObject({
      path: '/v1/customers/{customer}/balance_transactions',
      parent: { param: 'customer', resource: 'customers' },
    });
    expect(getResource('customer_tax_ids').path).toBe('/v1/customers/{customer}/tax_ids');
    expect(getResource('product_features')).toMatchObject({ path: '/v1/products/{product}/features', parent: { param: 'product', resource: 'products' } });
    expect(getResource('tax_ids')).toMatchObject({ path: '/v1/tax_ids', format: 'form' });
    expect(getResource('tax_ids').parent).toBeUndefined();
    expect(getResource('billing_meter_event_adjustments')).toMatchObject({ path: '/v2/billing/meter_event_adjustments', format: 'json' });
  });

  it('gives list paths and created filters for bulk reads', () => {
    expect(getResource('customers')).toMatchObject({ listPath: '/v1/customers', listCreatedFilter: true });
    expect(getResource('customer_tax_ids')).toMatchObject({ listPath: '/v1/customers/{customer}/tax_ids', listCreatedFilter: false });
    expect(getResource('billing_meters')).toMatchObject({ listPath: '/v1/billing/meters', listCreatedFilter: false });
    expect(getResource('billing_meter_events').listPath).toBeUndefined();
  });

  it('marks custom-id and searchable resources', () => {
    expect(listResources().filter((r) => r.customId).map((r) => r.name).sort()).toEqual(['coupons', 'plans', 'products']);
    expect(listResources().filter((r) => r.searchable).map((r) => r.name).sort()).toEqual(
      ['charges', 'customers', 'invoices', 'payment_intents', 'prices', 'products', 'subscriptions'],
    );
  });

  it('refuses unsupported operations with the supported list', () => {
    expect(() => assertOperationSupported('billing_meter_events', 'delete')).toThrow(/not supported for billing_meter_events\. Supported: create\./);
    expect(() => assertOperationSupported('charges', 'delete')).toThrow(ConnectorError);
    expect(() => assertOperationSupported('nope', 'create')).toThrow(/Unknown Stripe resource "nope"/);
  });

  it('allows upsert on an external key only where Stripe can search', () => {
    expect(() => assertOperationSupported('customers', 'upsert', 'crm_id')).not.toThrow();
    expect(() => assertOperationSupported('coupons', 'upsert', 'id')).not.toThrow();
    expect(() => assertOperationSupported('coupons', 'upsert', 'crm_id')).toThrow(/upsert of coupons can match only on "id" \(a custom id\)/);
    expect(() => assertOperationSupported('tax_rates', 'update', 'crm_id')).toThrow(/cannot search tax_rates/);
  });
});

describe('docs/resources.md', () => {
  it('is up to date with the registry and examples (run `npx tsx scripts/generate-resource-docs.ts`)', async () => {
    const { renderResourceDocs } = await import('../../scripts/generate-resource-docs.js');
    expect(readFileSync(packagePath('docs', 'resources.md'), 'utf8')).toBe(renderResourceDocs());
  });
});
