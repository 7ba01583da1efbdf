// Generates schemas/<resource>.{create,update}.json and schemas/index.json from the pinned `stripe`
// package: paths from its resource modules, request bodies from its type definitions.
import { writeFile, mkdir, readdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { DeleteStrategy, SchemaIndex, SchemaIndexEntry } from '../src/mapping/schema-index.js';
import { LegacySpec } from './legacy-spec.js';
import { ParamsSchemaReader, moduleRoutes, stripePackageVersions, type JsonObject, type MethodRoute } from './stripe-types.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const schemasDir = join(root, 'schemas');
export const sharedDir = process.env.SHARED_DIR ?? join(root, '..', 'shared');

/** How `delete` ends an object, named by the module method that does it. */
type EndSource = { kind: 'delete'; method: string } | { kind: 'archive' } | { kind: 'action'; method: string };

interface ResourceSource {
  /** Module under stripe/cjs/resources, without extension. */
  module: string;
  /** Method names on the module's resource class. */
  create: string;
  update?: string;
  list?: string;
  search?: string;
  end?: EndSource;
  /** Stripe's `object` value. */
  object: string;
  /**
   * Prefix of Stripe-generated ids. The types do not carry it; it only shapes the emulator's ids and the
   * discover descriptions (Stripe's ids are opaque). Coupons take codes; meter events have no id.
   */
  idPrefix: string;
  parent?: { param: string; resource: string };
}

/** The offered resources, keyed exactly as spec/spec.json's resource_type enum. */
export const resourceSources: Record<string, ResourceSource> = {
  customers: { module: 'Customers', create: 'create', update: 'update', list: 'list', search: 'search', end: { kind: 'delete', method: 'del' }, object: 'customer', idPrefix: 'cus_' },
  products: { module: 'Products', create: 'create', update: 'update', list: 'list', search: 'search', end: { kind: 'delete', method: 'del' }, object: 'product', idPrefix: 'prod_' },
  prices: { module: 'Prices', create: 'create', update: 'update', list: 'list', search: 'search', end: { kind: 'archive' }, object: 'price', idPrefix: 'price_' },
  coupons: { module: 'Coupons', create: 'create', update: 'update', list: 'list', end: { kind: 'delete', method: 'del' }, object: 'coupon', idPrefix: '' },
  promotion_codes: { module: 'PromotionCodes', create: 'create', update: 'update', list: 'list', end: { kind: 'archive' }, object: 'promotion_code', idPrefix: 'promo_' },
  tax_rates: { module: 'TaxRates', create: 'create', update: 'update', list: 'list', end: { kind: 'archive' }, object: 'tax_rate', idPrefix: 'txr_' },
  invoices: { module: 'Invoices', create: 'create', update: 'update', list: 'list', search: 'search', end: { kind: 'delete', method: 'del' }, object: 'invoice', idPrefix: 'in_' },
  invoiceitems: { module: 'InvoiceItems', create: 'create', update: 'update', list: 'list', end: { kind: 'delete', method: 'del' }, object: 'invoiceitem', idPrefix: 'ii_' },
  subscriptions: { module: 'Subscriptions', create: 'create', update: 'update', list: 'list', search: 'search', end: { kind: 'delete', method: 'cancel' }, object: 'subscription', idPrefix: 'sub_' },
  subscription_items: { module: 'SubscriptionItems', create: 'create', update: 'update', list: 'list', end: { kind: 'delete', method: 'del' }, object: 'subscription_item', idPrefix: 'si_' },
  payment_intents: { module: 'PaymentIntents', create: 'create', update: 'update', list: 'list', search: 'search', end: { kind: 'action', method: 'cancel' }, object: 'payment_intent', idPrefix: 'pi_' },
  setup_intents: { module: 'SetupIntents', create: 'create', update: 'update', list: 'list', end: { kind: 'action', method: 'cancel' }, object: 'setup_intent', idPrefix: 'seti_' },
  charges: { module: 'Charges', create: 'create', update: 'update', list: 'list', search: 'search', object: 'charge', idPrefix: 'ch_' },
  refunds: { module: 'Refunds', create: 'create', update: 'update', list: 'list', end: { kind: 'action', method: 'cancel' }, object: 'refund', idPrefix: 're_' },
  credit_notes: { module: 'CreditNotes', create: 'create', update: 'update', list: 'list', end: { kind: 'action', method: 'voidCreditNote' }, object: 'credit_note', idPrefix: 'cn_' },
  quotes: { module: 'Quotes', create: 'create', update: 'update', list: 'list', end: { kind: 'action', method: 'cancel' }, object: 'quote', idPrefix: 'qt_' },
  shipping_rates: { module: 'ShippingRates', create: 'create', update: 'update', list: 'list', end: { kind: 'archive' }, object: 'shipping_rate', idPrefix: 'shr_' },
  payment_links: { module: 'PaymentLinks', create: 'create', update: 'update', list: 'list', end: { kind: 'archive' }, object: 'payment_link', idPrefix: 'plink_' },
  plans: { module: 'Plans', create: 'create', update: 'update', list: 'list', end: { kind: 'delete', method: 'del' }, object: 'plan', idPrefix: 'price_' },
  customer_balance_transactions: {
    module: 'Customers',
    create: 'createBalanceTransaction',
    update: 'updateBalanceTransaction',
    list: 'listBalanceTransactions',
    object: 'customer_balance_transaction',
    idPrefix: 'cbtxn_',
    parent: { param: 'customer', resource: 'customers' },
  },
  customer_tax_ids: {
    module: 'Customers',
    create: 'createTaxId',
    list: 'listTaxIds',
    end: { kind: 'delete', method: 'deleteTaxId' },
    object: 'tax_id',
    idPrefix: 'txi_',
    parent: { param: 'customer', resource: 'customers' },
  },
  billing_meter_events: { module: 'Billing/MeterEvents', create: 'create', object: 'billing.meter_event', idPrefix: 'mtrevt_' },
  billing_meters: { module: 'Billing/Meters', create: 'create', update: 'update', list: 'list', end: { kind: 'action', method: 'deactivate' }, object: 'billing.meter', idPrefix: 'mtr_' },
  billing_credit_grants: { module: 'Billing/CreditGrants', create: 'create', update: 'update', list: 'list', end: { kind: 'action', method: 'voidGrant' }, object: 'billing.credit_grant', idPrefix: 'credgr_' },
  entitlement_features: { module: 'Entitlements/Features', create: 'create', update: 'update', list: 'list', end: { kind: 'archive' }, object: 'entitlements.feature', idPrefix: 'feat_' },
  product_features: {
    module: 'Products',
    create: 'createFeature',
    list: 'listFeatures',
    end: { kind: 'delete', method: 'deleteFeature' },
    object: 'product_feature',
    idPrefix: 'prodft_',
    parent: { param: 'product', resource: 'products' },
  },
  tax_ids: { module: 'TaxIds', create: 'create', list: 'list', end: { kind: 'delete', method: 'del' }, object: 'tax_id', idPrefix: 'txi_' },
  billing_meter_event_adjustments: { module: 'V2/Billing/MeterEventAdjustments', create: 'create', object: 'billing.meter_event_adjustment', idPrefix: 'mtradj_' },
};

export type IndexEntry = SchemaIndexEntry;

/** Returns filename (relative to schemas/) → file content for every generated schema file. */
export function generateSchemas(): Map<string, string> {
  const { packageVersion, apiVersion } = stripePackageVersions();
  const reader = new ParamsSchemaReader(Object.values(resourceSources).map((s) => s.module));
  const legacy = LegacySpec.load(sharedDir);
  if (!legacy) throw new Error(`${sharedDir}/stripe/openapi/spec3.json is absent: it tells which numbers are integers`);
  const files = new Map<string, string>();
  const index: SchemaIndex = { generatedFrom: `stripe ${packageVersion}`, apiVersion, resources: {} };

  for (const [name, source] of Object.entries(resourceSources)) {
    const routes = moduleRoutes(source.module);
    const route = (method: string | undefined, httpMethod: string): MethodRoute | undefined => {
      if (method === undefined) return undefined;
      const found = routes.get(method);
      if (!found) throw new Error(`${name}: ${source.module} has no method ${method}`);
      if (found.httpMethod !== httpMethod) throw new Error(`${name}: ${source.module}.${method} is ${found.httpMethod}, expected ${httpMethod}`);
      return found;
    };
    const create = route(source.create, 'POST')!;
    const update = route(source.update, 'POST');
    const list = route(source.list, 'GET');
    const search = route(source.search, 'GET');
    const collection = collectionPath(create.path, source.parent?.param);
    const bodySchema = (method: string, path: string): JsonObject => {
      const type = reader.paramsType(source.module, method);
      const schema = type ? reader.schemaOf(type) : { type: 'object', additionalProperties: false };
      const old = legacy.postBody(path);
      if (old) legacy.refine(schema, old);
      return schema;
    };
    const createSchema = bodySchema(source.create, create.path);
    files.set(`${name}.create.json`, render(createSchema));
    if (update && source.update) {
      checkItemPath(name, update.path, collection);
      files.set(`${name}.update.json`, render(bodySchema(source.update, update.path)));
    }
    const listType = source.list ? reader.paramsType(source.module, source.list) : undefined;
    index.resources[name] = {
      path: collection,
      object: source.object,
      idPrefix: source.idPrefix,
      parent: source.parent ?? null,
      format: collection.startsWith('/v2/') ? 'json' : 'form',
      create: `${name}.create.json`,
      update: update ? `${name}.update.json` : null,
      deletable: source.end?.kind === 'delete',
      delete: endStrategy(name, source.end, routes, collection),
      customId: Object.hasOwn((createSchema['properties'] ?? {}) as JsonObject, 'id'),
      listable: Boolean(list),
      listPath: list ? collectionPath(list.path, source.parent?.param) : null,
      listCreatedFilter: listType ? reader.propertyNames(listType).includes('created') : false,
      searchPath: search?.path ?? null,
    };
  }
  files.set('index.json', render(index as unknown as JsonObject));
  return files;
}

/** `/v1/customers/{id}/tax_ids` → `/v1/customers/{customer}/tax_ids` (the module names every parent `id`). */
function collectionPath(path: string, parentParam: string | undefined): string {
  const params = path.match(/\{\w+\}/g) ?? [];
  if (!parentParam) {
    if (params.length > 0) throw new Error(`${path}: a top-level collection with a path parameter`);
    return path;
  }
  if (params.length !== 1) throw new Error(`${path}: a nested collection needs exactly one parent parameter`);
  return path.replace(params[0]!, `{${parentParam}}`);
}

/** The item path must be `<collection>/{id}` (the registry builds it that way). */
function checkItemPath(name: string, itemPath: string, collection: string): void {
  const expected = new RegExp(`^${collection.replace(/\{\w+\}/g, '\\{\\w+\\}')}/\\{\\w+\\}$`);
  if (!expected.test(itemPath)) throw new Error(`${name}: item path ${itemPath} is not under ${collection}`);
}

function endStrategy(name: string, end: EndSource | undefined, routes: Map<string, MethodRoute>, collection: string): DeleteStrategy | null {
  if (!end) return null;
  if (end.kind === 'archive') return { kind: 'archive' };
  const route = routes.get(end.method);
  if (!route) throw new Error(`${name}: no method ${end.method}`);
  if (end.kind === 'delete') {
    if (route.httpMethod !== 'DELETE') throw new Error(`${name}: ${end.method} is not a DELETE`);
    checkItemPath(name, route.path, collection);
    return { kind: 'delete' };
  }
  const action = /\/\{\w+\}\/(\w+)$/.exec(route.path)?.[1];
  if (route.httpMethod !== 'POST' || !action) throw new Error(`${name}: ${end.method} is not a POST action`);
  checkItemPath(name, route.path.slice(0, -(action.length + 1)), collection);
  return { kind: 'action', action };
}

function render(value: JsonObject): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Writes the generated files to schemas/ (removing stale schema files). */
export async function writeSchemas(): Promise<string[]> {
  const files = generateSchemas();
  await mkdir(schemasDir, { recursive: true });
  for (const old of await readdir(schemasDir)) {
    if (old.endsWith('.json') && !files.has(old)) await rm(join(schemasDir, old));
  }
  for (const [name, content] of files) await writeFile(join(schemasDir, name), content);
  return [...files.keys()];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const written = await writeSchemas();
  console.log(`wrote ${written.length} files to schemas/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
