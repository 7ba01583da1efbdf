// The v1 REST surface: routes a request to a resource and validates it, then executes it on the store.
import { planAction } from './actions.js';
import { ApiError, invalid, noSuch, unrecognizedUrl } from './errors.js';
import { defaultsFor, elementReferences, references } from './defaults.js';
import { newId } from './ids.js';
import type { MeterEvents } from './meter-events.js';
import { account, balance, list, runSearch } from './listing.js';
import { searchable } from './search.js';
import type { ObjectStore } from './store.js';
import type { StripeObject, V1Request } from './types.js';
import { resourceIndex, validateBody, type IndexEntry } from './validate.js';

export interface V1Deps {
  store: ObjectStore;
  meter: MeterEvents;
  checkReferences: boolean;
  /** Seconds before a new object shows in search results (0: at once). */
  searchLagSeconds?: () => number;
}

export type Result = { status: number; body: unknown };
/** Validation is done; running it changes state. Errors thrown from here on are kept for idempotency. */
export type Execute = () => Result;

interface Route {
  name: string;
  entry: IndexEntry;
  collection: RegExp;
  item: RegExp;
}

const routes: Route[] = Object.entries(resourceIndex).filter(([, entry]) => entry.format === 'form').map(([name, entry]) => {
  const source = entry.path.replace(/\{[^}]+\}/g, '([^/]+)');
  return { name, entry, collection: new RegExp(`^${source}$`), item: new RegExp(`^${source}/([^/]+)$`) };
});

const now = (): number => Math.floor(Date.now() / 1000);

/** Routes and validates a v1 request; throws a non-storable ApiError when it never starts executing. */
export function planV1(req: V1Request, deps: V1Deps): Execute {
  const { method, path } = req;
  if (method === 'GET' && path === '/v1/balance') return () => ok(balance(req.livemode));
  if (method === 'GET' && path === '/v1/account') return () => ok(account(req.account));
  const search = /^\/v1\/([a-z_]+)\/search$/.exec(path);
  if (search && method === 'GET' && searchable.has(search[1]!)) return () => ok(runSearch(search[1]!, req, deps.store, deps.searchLagSeconds?.() ?? 0));
  const action = planAction(req, deps.store, now);
  if (action) return () => ok(action());
  for (const route of routes) {
    const c = route.collection.exec(path);
    if (c) {
      const parentId = c[1] === undefined ? undefined : decodeURIComponent(c[1]);
      if (method === 'POST') {
        const body = validateBody(route.entry.create, req.params);
        if (route.name === 'billing_meter_events') {
          requireMeterCustomer(body);
          return () => ok(meterEvent(body, req, deps));
        }
        return () => ok(create(route, body, parentId, req, deps));
      }
      if (method === 'GET' && route.entry.listable) {
        return () => {
          requireParent(route, parentId, req, deps);
          return ok(list(route.name, route.entry, parentId, req, deps.store));
        };
      }
      break;
    }
    const i = route.item.exec(path);
    if (i) {
      const parentId = i.length > 2 ? decodeURIComponent(i[1]!) : undefined;
      const id = decodeURIComponent(i[i.length - 1]!);
      if (method === 'GET') return () => ok(retrieve(route, id, parentId, req, deps));
      if (method === 'POST' && route.entry.update) {
        const body = validateBody(route.entry.update, req.params);
        return () => ok(update(route, id, parentId, body, req, deps));
      }
      if (method === 'DELETE' && route.entry.deletable) return () => ok(remove(route, id, parentId, req, deps));
      break;
    }
  }
  throw unrecognizedUrl(method, path);
}

const ok = (body: unknown): Result => ({ status: 200, body });

function requireParent(route: Route, parentId: string | undefined, req: V1Request, deps: V1Deps): void {
  const parent = route.entry.parent;
  if (!parent || parentId === undefined) return;
  const p = resourceIndex[parent.resource]!;
  if (!deps.store.get(req.account, parent.resource, parentId)) throw noSuch(p.object, parentId, parent.param, 404);
}

function checkReferences(body: Record<string, unknown>, req: V1Request, deps: V1Deps): void {
  if (!deps.checkReferences) return;
  for (const [field, resources] of Object.entries(references)) {
    const id = body[field];
    if (typeof id !== 'string' || id === '') continue;
    if (!resources.some((r) => deps.store.get(req.account, r, id))) throw noSuch(resourceIndex[resources[0]!]!.object, id, field, 400);
  }
  for (const [array, fields] of Object.entries(elementReferences)) {
    const elements = body[array];
    if (!elements || typeof elements !== 'object') continue;
    for (const [index, element] of Object.entries(elements as Record<string, unknown>)) {
      if (!element || typeof element !== 'object') continue;
      for (const [field, resources] of Object.entries(fields)) {
        const id = (element as Record<string, unknown>)[field];
        if (typeof id !== 'string' || id === '') continue;
        if (!resources.some((r) => deps.store.get(req.account, r, id))) throw noSuch(resourceIndex[resources[0]!]!.object, id, `${array}[${index}][${field}]`, 400);
      }
    }
  }
}

function create(route: Route, body: Record<string, unknown>, parentId: string | undefined, req: V1Request, deps: V1Deps): StripeObject {
  requireParent(route, parentId, req, deps);
  checkReferences(body, req, deps);
  const { entry } = route;
  let id = newId(entry.idPrefix);
  if (entry.customId && typeof body['id'] === 'string' && body['id'] !== '') {
    id = body['id'];
    if (deps.store.get(req.account, route.name, id)) {
      throw new ApiError(400, { type: 'invalid_request_error', code: 'resource_already_exists', param: 'id', message: `${entry.object.replace(/_/g, ' ')} already exists.` }, true);
    }
  }
  const object: StripeObject = { id, object: entry.object, ...defaultsFor(entry.object, body), created: now(), livemode: req.livemode, metadata: {} };
  if (entry.parent && parentId !== undefined) object[entry.parent.param] = parentId;
  applyFields(object, body, true);
  if (route.name === 'customer_balance_transactions' && parentId !== undefined) adjustBalance(parentId, object, req, deps);
  deps.store.put(req.account, route.name, object);
  return object;
}

function adjustBalance(customerId: string, txn: StripeObject, req: V1Request, deps: V1Deps): void {
  const customer = deps.store.get(req.account, 'customers', customerId)!;
  const before = Number(customer['balance'] ?? 0);
  customer['balance'] = before + Number(txn['amount'] ?? 0);
  txn['ending_balance'] = customer['balance'];
}

/** Copies sent fields onto the object: "" unsets (null), metadata merges per key ("" removes a key). */
function applyFields(object: StripeObject, body: Record<string, unknown>, creating: boolean): void {
  for (const [key, value] of Object.entries(body)) {
    if (key === 'expand' || key === 'id') continue;
    if (key === 'metadata') {
      object['metadata'] = mergeMetadata(object['metadata'] as Record<string, string>, value);
    } else if (value === '') {
      if (!creating) object[key] = null;
    } else {
      object[key] = value;
    }
  }
}

function mergeMetadata(current: Record<string, string> | undefined, sent: unknown): Record<string, string> {
  if (sent === '' || sent === null) return {};
  const out = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(sent as Record<string, unknown>)) {
    if (v === '' || v === null) delete out[k];
    else out[k] = String(v);
  }
  return out;
}

function find(route: Route, id: string, parentId: string | undefined, req: V1Request, deps: V1Deps): StripeObject {
  requireParent(route, parentId, req, deps);
  const object = deps.store.get(req.account, route.name, id);
  const parent = route.entry.parent;
  if (!object || (parent && parentId !== undefined && object[parent.param] !== parentId)) throw noSuch(route.entry.object, id, 'id', 404);
  return object;
}

function retrieve(route: Route, id: string, parentId: string | undefined, req: V1Request, deps: V1Deps): StripeObject {
  return find(route, id, parentId, req, deps);
}

function update(route: Route, id: string, parentId: string | undefined, body: Record<string, unknown>, req: V1Request, deps: V1Deps): StripeObject {
  const object = find(route, id, parentId, req, deps);
  checkReferences(body, req, deps);
  applyFields(object, body, false);
  return object;
}

function remove(route: Route, id: string, parentId: string | undefined, req: V1Request, deps: V1Deps): unknown {
  const object = find(route, id, parentId, req, deps);
  if (route.name === 'subscriptions') {
    Object.assign(object, { status: 'canceled', canceled_at: now(), ended_at: now() });
    return object;
  }
  if (route.name === 'invoices' && object['status'] !== 'draft') {
    throw invalid('You can only delete draft invoices.', 'invoice_not_editable', undefined);
  }
  if (route.name === 'products' && deps.store.list(req.account, 'prices').some((p) => p['product'] === id)) {
    throw invalid('This product cannot be deleted because it has one or more user-created prices.', 'product_has_prices');
  }
  deps.store.delete(req.account, route.name, id);
  return { id, object: route.entry.object, deleted: true };
}

/**
 * Stripe finds the customer of a meter event in the payload key its meter maps (`stripe_customer_id`
 * unless the meter says otherwise); the request types cannot say so, the emulator checks the default.
 */
function requireMeterCustomer(body: Record<string, unknown>): void {
  const payload = body['payload'] as Record<string, unknown> | undefined;
  if (typeof payload?.['stripe_customer_id'] !== 'string' || payload['stripe_customer_id'] === '') {
    throw invalid('Missing required param: payload[stripe_customer_id].', 'parameter_missing', 'payload[stripe_customer_id]');
  }
}

function meterEvent(body: Record<string, unknown>, req: V1Request, deps: V1Deps): unknown {
  const eventName = String(body['event_name']);
  const identifier = deps.meter.acceptV1(req.account, eventName, body['identifier'] as string | undefined);
  return {
    object: 'billing.meter_event',
    created: now(),
    event_name: eventName,
    identifier,
    livemode: req.livemode,
    payload: body['payload'],
    timestamp: typeof body['timestamp'] === 'number' ? body['timestamp'] : now(),
  };
}
