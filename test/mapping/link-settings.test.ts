import { describe, expect, it } from 'vitest';
import { linkSettingsProblems } from '../../src/mapping/link-settings.js';

describe('linkSettingsProblems', () => {
  it('accepts references to listable resources by a metadata key, and an account field', () => {
    expect(
      linkSettingsProblems([
        { stream: 'prices', references: { product: { resource: 'products', matching_key: 'sku' } } },
        { stream: '*', stripe_account_field: 'acct', references: { 'items[].price': { resource: 'prices', matching_key: 'price_code' } } },
      ]),
    ).toEqual([]);
  });

  it('names each bad path, resource (with a guess), unlistable resource and matching key', () => {
    const problems = linkSettingsProblems([
      {
        stream: 'prices',
        stripe_account_field: 'my acct',
        references: {
          'items[0].price': { resource: 'prices', matching_key: 'code' },
          product: { resource: 'produts', matching_key: 'sku' },
          item: { resource: 'subscription_items', matching_key: 'k' },
          customer: { resource: 'customers', matching_key: 'has space' },
        },
      },
    ]);
    expect(problems.map((p) => p.field)).toEqual([
      'stream_settings[0].stripe_account_field',
      'stream_settings[0].references.items[0].price',
      'stream_settings[0].references.product.resource',
      'stream_settings[0].references.item.resource',
      'stream_settings[0].references.customer.matching_key',
    ]);
    expect(problems[2]!.rule).toContain('did you mean "products"');
  });
});
