// A minimal valid record per resource and operation; `$<resource>` stands for the id of an object made first.
import type { ResourceType } from '../generated/config.js';
import type { TemplateOperation } from './resources.js';

export type ExampleRecord = Record<string, unknown>;

/**
 * Placeholders are whole string values: `$<resource>` is the id of an object of that resource created
 * beforehand (from its own create example), `$self` the id of the object created by this resource's
 * create example. Nested resources name their parent (`customer: "$customers"`) in every example.
 */
export interface ResourceExamples {
  create: ExampleRecord;
  update?: ExampleRecord;
  /** The record and the matching key the example upsert uses. */
  upsert?: { record: ExampleRecord; matchingKey: string };
  delete?: ExampleRecord;
}

const self = '$self';
const tagged = { metadata: { source: 'warehouse' } };

/** Typed by ResourceType: a resource added to spec.json does not compile until it has examples. */
export const RESOURCE_EXAMPLES: Readonly<Record<ResourceType, ResourceExamples>> = {
  customers: {
    create: { email: 'ada@example.com', name: 'Ada Lovelace' },
    update: { id: self, description: 'Analytical engine customer' },
    upsert: { record: { crm_id: 'crm-1815', email: 'ada@example.com', name: 'Ada Lovelace' }, matchingKey: 'crm_id' },
    delete: { id: self },
  },
  products: {
    create: { name: 'Gold plan' },
    update: { id: self, description: 'Our best plan' },
    upsert: { record: { id: 'gold-plan', name: 'Gold plan' }, matchingKey: 'id' },
    delete: { id: self },
  },
  prices: {
    create: { currency: 'usd', unit_amount: 1500, product: '$products' },
    update: { id: self, nickname: 'Standard' },
    upsert: { record: { sku: 'gold-monthly', currency: 'usd', unit_amount: 1500, product: '$products' }, matchingKey: 'sku' },
    delete: { id: self },
  },
  coupons: {
    create: { percent_off: 25, duration: 'once' },
    update: { id: self, name: 'Quarter off' },
    upsert: { record: { id: 'SUMMER25', percent_off: 25, duration: 'once', name: 'Summer' }, matchingKey: 'id' },
    delete: { id: self },
  },
  promotion_codes: {
    create: { promotion: { type: 'coupon', coupon: '$coupons' } },
    update: { id: self, ...tagged },
    upsert: { record: { id: self, ...tagged }, matchingKey: 'id' },
    delete: { id: self },
  },
  tax_rates: {
    create: { display_name: 'VAT', inclusive: false, percentage: 20 },
    update: { id: self, description: 'Standard VAT' },
    upsert: { record: { id: self, description: 'Standard VAT' }, matchingKey: 'id' },
    delete: { id: self },
  },
  invoices: {
    create: { customer: '$customers' },
    update: { id: self, description: 'Thanks for your business' },
    upsert: { record: { order_id: 'order-7', customer: '$customers' }, matchingKey: 'order_id' },
    delete: { id: self },
  },
  invoiceitems: {
    create: { customer: '$customers', amount: 500, currency: 'usd' },
    update: { id: self, description: 'Setup fee' },
    upsert: { record: { id: self, description: 'Setup fee' }, matchingKey: 'id' },
    delete: { id: self },
  },
  subscriptions: {
    create: { customer: '$customers', items: [{ price: '$plans' }] },
    update: { id: self, ...tagged },
    upsert: { record: { contract_id: 'contract-9', customer: '$customers', items: [{ price: '$plans' }] }, matchingKey: 'contract_id' },
    delete: { id: self },
  },
  subscription_items: {
    create: { subscription: '$subscriptions', price: '$plans' },
    update: { id: self, quantity: 2 },
    upsert: { record: { id: self, quantity: 3 }, matchingKey: 'id' },
    delete: { id: self },
  },
  payment_intents: {
    create: { amount: 2000, currency: 'usd' },
    update: { id: self, description: 'Order 7' },
    upsert: { record: { order_id: 'order-7', amount: 2000, currency: 'usd' }, matchingKey: 'order_id' },
    delete: { id: self },
  },
  setup_intents: {
    create: { usage: 'off_session' },
    update: { id: self, description: 'Card on file' },
    upsert: { record: { id: self, description: 'Card on file' }, matchingKey: 'id' },
    delete: { id: self },
  },
  charges: {
    create: { amount: 2000, currency: 'usd', source: 'tok_visa' },
    update: { id: self, description: 'Order 7' },
    upsert: { record: { order_id: 'order-7', amount: 2000, currency: 'usd', source: 'tok_visa' }, matchingKey: 'order_id' },
  },
  refunds: {
    create: { charge: '$charges' },
    update: { id: self, ...tagged },
    upsert: { record: { id: self, ...tagged }, matchingKey: 'id' },
    delete: { id: self },
  },
  credit_notes: {
    create: { invoice: '$invoices', amount: 100 },
    update: { id: self, memo: 'Goodwill credit' },
    upsert: { record: { id: self, memo: 'Goodwill credit' }, matchingKey: 'id' },
    delete: { id: self },
  },
  quotes: {
    create: { customer: '$customers' },
    update: { id: self, description: 'Annual contract' },
    upsert: { record: { id: self, description: 'Annual contract' }, matchingKey: 'id' },
    delete: { id: self },
  },
  shipping_rates: {
    create: { display_name: 'Ground', type: 'fixed_amount', fixed_amount: { amount: 500, currency: 'usd' } },
    update: { id: self, ...tagged },
    upsert: { record: { id: self, ...tagged }, matchingKey: 'id' },
    delete: { id: self },
  },
  payment_links: {
    create: { line_items: [{ price: '$prices', quantity: 1 }] },
    update: { id: self, ...tagged },
    upsert: { record: { id: self, ...tagged }, matchingKey: 'id' },
    delete: { id: self },
  },
  plans: {
    create: { currency: 'usd', interval: 'month', amount: 1500, product: '$products' },
    update: { id: self, nickname: 'Monthly' },
    upsert: { record: { id: 'gold-monthly', currency: 'usd', interval: 'month', amount: 1500, product: '$products', nickname: 'Monthly' }, matchingKey: 'id' },
    delete: { id: self },
  },
  customer_balance_transactions: {
    create: { customer: '$customers', amount: -500, currency: 'usd' },
    update: { customer: '$customers', id: self, description: 'Goodwill credit' },
    upsert: { record: { customer: '$customers', id: self, description: 'Goodwill credit' }, matchingKey: 'id' },
  },
  customer_tax_ids: {
    create: { customer: '$customers', type: 'eu_vat', value: 'DE123456789' },
    delete: { customer: '$customers', id: self },
  },
  billing_meter_events: {
    create: { event_name: 'api_requests', payload: { stripe_customer_id: '$customers', value: '1' } },
  },
  billing_meters: {
    create: { display_name: 'API requests', event_name: 'api_requests', default_aggregation: { formula: 'sum' } },
    update: { id: self, display_name: 'API calls' },
    upsert: { record: { id: self, display_name: 'API calls' }, matchingKey: 'id' },
    delete: { id: self },
  },
  billing_credit_grants: {
    create: {
      customer: '$customers',
      category: 'promotional',
      amount: { type: 'monetary', monetary: { currency: 'usd', value: 1000 } },
      applicability_config: { scope: { price_type: 'metered' } },
    },
    update: { id: self, ...tagged },
    upsert: { record: { id: self, ...tagged }, matchingKey: 'id' },
    delete: { id: self },
  },
  entitlement_features: {
    create: { name: 'Priority support', lookup_key: 'priority-support' },
    update: { id: self, name: 'Priority support (24/7)' },
    upsert: { record: { id: self, name: 'Priority support (24/7)' }, matchingKey: 'id' },
    delete: { id: self },
  },
  product_features: {
    create: { product: '$products', entitlement_feature: '$entitlement_features' },
    delete: { product: '$products', id: self },
  },
  tax_ids: {
    create: { type: 'eu_vat', value: 'DE123456789', owner: { type: 'customer', customer: '$customers' } },
    delete: { id: self },
  },
  billing_meter_event_adjustments: {
    create: { event_name: 'api_requests', type: 'cancel', cancel: { identifier: 'order-7-usage' } },
  },
};

/** The example of one operation: the record and the matching key it uses. */
export function exampleFor(resource: ResourceType, operation: TemplateOperation): { record: ExampleRecord; matchingKey: string } | undefined {
  const examples = RESOURCE_EXAMPLES[resource];
  if (operation === 'upsert') return examples.upsert;
  const record = examples[operation];
  return record === undefined ? undefined : { record, matchingKey: 'id' };
}

const PLACEHOLDER = /^\$([a-z_]+)$/;

/** The resources a record's placeholders need, in order of appearance (`self` excluded). */
export function placeholdersIn(value: unknown): ResourceType[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') {
      const name = PLACEHOLDER.exec(node)?.[1];
      if (name && name !== 'self' && !found.includes(name)) found.push(name);
    } else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  walk(value);
  return found as ResourceType[];
}

/** A copy with every placeholder replaced by `resolve(<resource> | 'self')`. */
export function fillPlaceholders(record: ExampleRecord, resolve: (name: string) => string): ExampleRecord {
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const name = PLACEHOLDER.exec(node)?.[1];
      return name ? resolve(name) : node;
    }
    if (Array.isArray(node)) return node.map(fill);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v)]));
    return node;
  };
  return fill(record) as ExampleRecord;
}

/** Resources to create before `resource`'s examples can run, dependencies first (the resource itself excluded). */
export function creationOrder(resource: ResourceType): ResourceType[] {
  const order: ResourceType[] = [];
  const visit = (name: ResourceType, trail: ResourceType[]): void => {
    if (trail.includes(name)) throw new Error(`example placeholders form a cycle: ${[...trail, name].join(' → ')}`);
    const examples = RESOURCE_EXAMPLES[name];
    for (const dependency of placeholdersIn(examples)) visit(dependency, [...trail, name]);
    if (name !== resource && !order.includes(name)) order.push(name);
  };
  visit(resource, []);
  return order;
}
