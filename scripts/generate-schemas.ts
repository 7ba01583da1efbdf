// Generates schemas/<resource>.{create,update}.json and schemas/index.json from Stripe's OpenAPI spec.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { SchemaIndexEntry } from '../src/mapping/schema-index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const sharedDir = process.env.SHARED_DIR ?? join(root, '..', 'shared');
export const schemasDir = join(root, 'schemas');
const specPath = (): string => join(sharedDir, 'stripe', 'openapi', 'spec3.json');
const fixturesPath = (): string => join(sharedDir, 'stripe', 'openapi', 'fixtures3.json');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface ResourceSource {
  path: string;
  /** Key of the object in fixtures3.json and its `object` value. */
  object: string;
  parent?: { param: string; resource: string };
}

/** The supported resources, keyed exactly as spec/spec.json's resource_type enum. */
export const resourceSources: Record<string, ResourceSource> = {
  customers: { path: '/v1/customers', object: 'customer' },
  products: { path: '/v1/products', object: 'product' },
  prices: { path: '/v1/prices', object: 'price' },
  coupons: { path: '/v1/coupons', object: 'coupon' },
  promotion_codes: { path: '/v1/promotion_codes', object: 'promotion_code' },
  tax_rates: { path: '/v1/tax_rates', object: 'tax_rate' },
  invoices: { path: '/v1/invoices', object: 'invoice' },
  invoiceitems: { path: '/v1/invoiceitems', object: 'invoiceitem' },
  subscriptions: { path: '/v1/subscriptions', object: 'subscription' },
  subscription_items: { path: '/v1/subscription_items', object: 'subscription_item' },
  payment_intents: { path: '/v1/payment_intents', object: 'payment_intent' },
  setup_intents: { path: '/v1/setup_intents', object: 'setup_intent' },
  charges: { path: '/v1/charges', object: 'charge' },
  refunds: { path: '/v1/refunds', object: 'refund' },
  credit_notes: { path: '/v1/credit_notes', object: 'credit_note' },
  quotes: { path: '/v1/quotes', object: 'quote' },
  shipping_rates: { path: '/v1/shipping_rates', object: 'shipping_rate' },
  payment_links: { path: '/v1/payment_links', object: 'payment_link' },
  plans: { path: '/v1/plans', object: 'plan' },
  customer_balance_transactions: {
    path: '/v1/customers/{customer}/balance_transactions',
    object: 'customer_balance_transaction',
    parent: { param: 'customer', resource: 'customers' },
  },
  customer_tax_ids: {
    path: '/v1/customers/{customer}/tax_ids',
    object: 'tax_id',
    parent: { param: 'customer', resource: 'customers' },
  },
  billing_meter_events: { path: '/v1/billing/meter_events', object: 'billing.meter_event' },
};

/** Meter events carry no id; the emulator and the index use this made-up prefix for them. */
const meterEventPrefix = 'mtrevt_';

/**
 * POST /v1/billing/meter_events is newer than the 2023 spec, so its body is written by hand from
 * Stripe's API reference (event_name, payload with stripe_customer_id and value, identifier, timestamp).
 */
const meterEventCreateSchema: JsonObject = {
  'x-hand-written': true,
  additionalProperties: false,
  properties: {
    event_name: { description: 'The name of the meter event (the meter\'s event_name).', maxLength: 100, type: 'string' },
    expand: { items: { maxLength: 5000, type: 'string' }, type: 'array' },
    identifier: {
      description: 'A unique identifier for the event; Stripe refuses a second event with the same identifier within 24 hours.',
      maxLength: 100,
      type: 'string',
    },
    payload: {
      additionalProperties: { type: 'string' },
      description: 'The event payload: the customer (stripe_customer_id) and the numeric value, as strings.',
      properties: { stripe_customer_id: { type: 'string' }, value: { type: 'string' } },
      required: ['stripe_customer_id', 'value'],
      type: 'object',
    },
    timestamp: { description: 'Unix seconds; within the past 35 days and at most 5 minutes ahead.', format: 'unix-time', type: 'integer' },
  },
  required: ['event_name', 'payload'],
  type: 'object',
};

export type IndexEntry = SchemaIndexEntry;

export interface SchemaIndex {
  generatedFrom: string;
  resources: Record<string, IndexEntry>;
}

/** Returns filename (relative to schemas/) → file content for every generated schema file. */
export async function generateSchemas(): Promise<Map<string, string>> {
  const spec = JSON.parse(await readFile(specPath(), 'utf8')) as JsonObject;
  const fixtures = JSON.parse(await readFile(fixturesPath(), 'utf8')) as { resources: Record<string, JsonObject> };
  const paths = spec['paths'] as Record<string, Record<string, JsonObject>>;
  const version = String((spec['info'] as JsonObject)['version']);
  const files = new Map<string, string>();
  const index: SchemaIndex = { generatedFrom: `stripe openapi ${version}`, resources: {} };

  for (const [name, source] of Object.entries(resourceSources)) {
    const collection = paths[source.path];
    const itemPath = collection ? findItemPath(paths, source.path) : undefined;
    const item = itemPath ? paths[itemPath] : undefined;
    const create = collection?.['post'] ? formSchema(spec, collection['post']) : name === 'billing_meter_events' ? meterEventCreateSchema : undefined;
    if (!create) throw new Error(`no create endpoint for ${name} at ${source.path}`);
    const update = item?.['post'] ? formSchema(spec, item['post']) : undefined;
    files.set(`${name}.create.json`, render(create));
    if (update) files.set(`${name}.update.json`, render(update));
    const createProps = (create['properties'] ?? {}) as JsonObject;
    index.resources[name] = {
      path: source.path,
      object: source.object,
      idPrefix: name === 'billing_meter_events' ? meterEventPrefix : idPrefixOf(fixtures.resources[source.object]?.['id']),
      parent: source.parent ?? null,
      create: `${name}.create.json`,
      update: update ? `${name}.update.json` : null,
      deletable: Boolean(item?.['delete']),
      customId: 'id' in createProps,
      listable: Boolean(collection?.['get']),
    };
  }
  files.set('index.json', render(index as unknown as Json));
  return files;
}

/** The `<path>/{param}` entry one level below a collection path, if the spec has one. */
function findItemPath(paths: Record<string, unknown>, collection: string): string | undefined {
  const pattern = new RegExp(`^${collection.replace(/[{}]/g, '\\$&')}/\\{[^/}]+\\}$`);
  return Object.keys(paths).find((p) => pattern.test(p));
}

/** The form-encoded request body schema of an operation, with every $ref resolved in place. */
function formSchema(spec: JsonObject, operation: JsonObject): JsonObject {
  const body = operation['requestBody'] as JsonObject | undefined;
  const content = body?.['content'] as Record<string, JsonObject> | undefined;
  const schema = content?.['application/x-www-form-urlencoded']?.['schema'];
  if (!schema || typeof schema !== 'object') throw new Error('operation has no form body schema');
  return inlineRefs(spec, schema, []) as JsonObject;
}

function inlineRefs(spec: JsonObject, node: Json, seen: string[]): Json {
  if (Array.isArray(node)) return node.map((n) => inlineRefs(spec, n, seen));
  if (!node || typeof node !== 'object') return node;
  const ref = node['$ref'];
  if (typeof ref === 'string') {
    if (seen.includes(ref)) return {}; // a recursive schema: accept anything below this point
    return inlineRefs(spec, resolvePointer(spec, ref), [...seen, ref]);
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) out[k] = inlineRefs(spec, v, seen);
  return out;
}

function resolvePointer(spec: JsonObject, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`);
  let node: Json = spec;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object' || Array.isArray(node) || !(key in node)) throw new Error(`unresolved $ref ${ref}`);
    node = node[key] as Json;
  }
  return node;
}

/** `cus_QXg1...` → `cus_`; ids without a prefix (coupon codes) give ''. */
function idPrefixOf(id: Json | undefined): string {
  return typeof id === 'string' ? (/^[a-z]+_/.exec(id)?.[0] ?? '') : '';
}

function render(value: Json): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Writes the generated files to schemas/. */
export async function writeSchemas(): Promise<string[]> {
  const files = await generateSchemas();
  await mkdir(schemasDir, { recursive: true });
  for (const [name, content] of files) await writeFile(join(schemasDir, name), content);
  return [...files.keys()];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const written = await writeSchemas();
  console.log(`wrote ${written.length} files to schemas/`);
}
