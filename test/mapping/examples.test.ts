// Example records: every resource and supported operation has one, and each maps to a valid request.
import { describe, expect, it } from 'vitest';
import { creationOrder, exampleFor, fillPlaceholders, placeholdersIn, RESOURCE_EXAMPLES } from '../../src/mapping/examples.js';
import { listResources } from '../../src/mapping/resources.js';
import { createTemplateMapper } from '../../src/mapping/template.js';

const fakeId = (name: string): string => `fake_${name}_1`;
const cases = listResources().flatMap((r) => r.operations.map((operation) => [r.name, operation] as const));

describe('examples', () => {
  it('cover exactly the registry resources', () => {
    expect(Object.keys(RESOURCE_EXAMPLES).sort()).toEqual(listResources().map((r) => r.name).sort());
  });

  it.each(cases)('%s %s has an example that maps to a request', (resource, operation) => {
    const example = exampleFor(resource, operation);
    expect(example).toBeDefined();
    const map = createTemplateMapper({ resource, operation, matchingKey: example!.matchingKey, idempotencyKey: () => ({ key: 'k' }) });
    const result = map(fillPlaceholders(example!.record, fakeId));
    expect(result).toMatchObject({ kind: 'request' });
  });

  it('orders dependencies first', () => {
    expect(creationOrder('subscription_items')).toEqual(['customers', 'products', 'plans', 'subscriptions']);
    expect(creationOrder('customers')).toEqual([]);
    expect(placeholdersIn({ a: ['$customers', '$self'], b: { c: '$prices' } })).toEqual(['customers', 'prices']);
  });
});
