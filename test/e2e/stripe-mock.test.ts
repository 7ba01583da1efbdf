// Opt-in: with `api_version: "2023-08-16"` pinned, records shaped for that version are accepted by Stripe's own
// stripe-mock serving that version's spec (started with -strict-version-check, so a wrong Stripe-Version is a
// 400). Runs only when STRIPE_MOCK_URL names such a stripe-mock (loopback http); see docs/api-versions.md.
import { describe, expect, it } from 'vitest';
import type { ResourceType } from '../../src/generated/config.js';
import { RESOURCE_EXAMPLES, fillPlaceholders, type ExampleRecord } from '../../src/mapping/examples.js';
import { getResource, type TemplateOperation } from '../../src/mapping/resources.js';
import { recordLine, stateLine, writeToEmulator } from '../helpers/write-run.js';

const url = process.env['STRIPE_MOCK_URL'];
if (!url) console.warn('stripe-mock test skipped: set STRIPE_MOCK_URL to a stripe-mock serving the 2023-08-16 spec');

/** The resources the 2023-08-16 API has (meter events and the resources added in #12 came later). */
const resources2023: ResourceType[] = [
  'customers', 'products', 'prices', 'coupons', 'promotion_codes', 'tax_rates', 'invoices', 'invoiceitems', 'subscriptions',
  'subscription_items', 'payment_intents', 'setup_intents', 'charges', 'refunds', 'credit_notes', 'quotes', 'shipping_rates',
  'payment_links', 'plans', 'customer_balance_transactions', 'customer_tax_ids',
];

/** Records shaped for 2023-08-16 where today's examples differ, and fields removed since that the old version takes. */
const overrides: Partial<Record<ResourceType, ExampleRecord>> = { promotion_codes: { coupon: '$coupons' } };
const removedSince: [ResourceType, ExampleRecord][] = [
  ['customers', { email: 'ada@example.com', coupon: '$coupons' }],
  ['subscriptions', { customer: '$customers', items: [{ price: '$plans' }], coupon: '$coupons' }],
  ['products', { name: 'Gold plan', features: [{ name: 'Fast' }] }],
  ['invoiceitems', { customer: '$customers', price: '$prices' }],
  ['payment_intents', { amount: 2000, currency: 'usd', payment_method_types: ['card'] }],
];

const fakeId = (name: string): string => (getResource(name).idPrefix || 'MOCK') + 'mock';
const fill = (resource: string, record: ExampleRecord): ExampleRecord => fillPlaceholders(record, (name) => fakeId(name === 'self' ? resource : name));

const cases: [ResourceType, TemplateOperation, ExampleRecord, string][] = [];
for (const resource of resources2023) {
  const examples = RESOURCE_EXAMPLES[resource];
  cases.push([resource, 'create', overrides[resource] ?? examples.create, 'id']);
  if (examples.update) cases.push([resource, 'update', examples.update, 'id']);
  if (examples.upsert) cases.push([resource, 'upsert', examples.upsert.record, examples.upsert.matchingKey]);
  if (examples.delete) cases.push([resource, 'delete', examples.delete, 'id']);
}
for (const [resource, record] of removedSince) cases.push([resource, 'create', record, 'id']);

describe.skipIf(!url)('stripe-mock at 2023-08-16 with api_version pinned', () => {
  it.each(cases)('%s %s %j is accepted', async (resource, operation, record, matchingKey) => {
    const r = await writeToEmulator({
      url: url!,
      config: { api_version: '2023-08-16', configuration: { mode: 'template', resource_type: resource, operation, matching_key: matchingKey } },
      streams: [{ name: 's' }],
      messages: [recordLine('s', fill(resource, record)), stateLine('s', 1)],
    });
    const logs = r.messages.filter((m) => m.type === 'LOG').map((m) => m.log.message as string);
    expect(r.messages.find((m) => m.type === 'STATE')?.state.destinationStats, logs.join('\n')).toEqual({ recordCount: 1, rejectedRecordCount: 0 });
  });
});
