// Read-only v1 answers: list pages, search results, the balance and the account.
import { invalid } from './errors.js';
import { matches, parseQuery } from './search.js';
import type { ObjectStore } from './store.js';
import type { StripeObject, V1Request } from './types.js';
import type { IndexEntry } from './validate.js';

const listControls = new Set(['limit', 'starting_after', 'ending_before', 'expand', 'created', 'page', 'query']);

function pageSize(params: Record<string, unknown>): number {
  const raw = params['limit'];
  if (raw === undefined || raw === '') return 10;
  const n = Number(raw);
  if (!/^\d+$/.test(String(raw)) || n < 1 || n > 100) throw invalid('Invalid integer: limit must be between 1 and 100.', 'parameter_invalid_integer', 'limit');
  return n;
}

/**
 * A list page as Stripe answers it: newest first, `limit` (1–100, default 10), `starting_after` /
 * `ending_before` cursors, `created` as a timestamp or a range (`created[gt|gte|lt|lte]`), and
 * equality filters on top-level fields (`status=all` keeps every status, as Stripe's subscriptions do).
 */
export function list(name: string, entry: IndexEntry, parentId: string | undefined, req: V1Request, store: ObjectStore): unknown {
  const limit = pageSize(req.params);
  const parent = entry.parent;
  const created = createdFilter(req.params['created']);
  const equal = Object.entries(req.params).filter(([k, v]) => !listControls.has(k) && typeof v === 'string' && !(k === 'status' && v === 'all')) as [string, string][];
  const keep = (o: StripeObject): boolean =>
    (!parent || parentId === undefined || o[parent.param] === parentId) &&
    created(Number(o['created'])) &&
    equal.every(([k, v]) => o[k] !== undefined && String(o[k]) === v);
  const { objects, position } = store.ordered(req.account, name);
  const after = req.params['starting_after'];
  const before = req.params['ending_before'];
  const data: StripeObject[] = [];
  let hasMore = false;
  if (typeof before === 'string' && before) {
    // Newer objects than the cursor, the nearest `limit` of them, still answered newest first.
    const at = position.get(before);
    if (at === undefined) throw invalid(`No such object: '${before}'`, 'resource_missing', 'ending_before');
    for (let i = at + 1; i < objects.length; i += 1) {
      if (!keep(objects[i]!)) continue;
      if (data.length === limit) {
        hasMore = true;
        break;
      }
      data.push(objects[i]!);
    }
    data.reverse();
  } else {
    let from = objects.length - 1;
    if (typeof after === 'string' && after) {
      const at = position.get(after);
      if (at === undefined) throw invalid(`No such object: '${after}'`, 'resource_missing', 'starting_after');
      from = at - 1;
    }
    for (let i = from; i >= 0; i -= 1) {
      if (!keep(objects[i]!)) continue;
      if (data.length === limit) {
        hasMore = true;
        break;
      }
      data.push(objects[i]!);
    }
  }
  return { object: 'list', data, has_more: hasMore, url: req.path };
}

/** `created=<ts>` or `created[gt|gte|lt|lte]=<ts>` → a test on an object's `created`; anything else is a 400 naming the param. */
function createdFilter(raw: unknown): (created: number) => boolean {
  if (raw === undefined || raw === '') return () => true;
  const int = (v: unknown, param: string): number => {
    if (typeof v !== 'string' || !/^-?\d+$/.test(v)) throw invalid(`Invalid integer: ${param} must be a Unix timestamp.`, 'parameter_invalid_integer', param);
    return Number(v);
  };
  if (typeof raw === 'string') {
    const at = int(raw, 'created');
    return (c) => c === at;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('Invalid created: pass a timestamp or created[gt|gte|lt|lte].', 'parameter_invalid', 'created');
  const tests: ((c: number) => boolean)[] = [];
  for (const [op, v] of Object.entries(raw as Record<string, unknown>)) {
    const bound = int(v, `created[${op}]`);
    if (op === 'gt') tests.push((c) => c > bound);
    else if (op === 'gte') tests.push((c) => c >= bound);
    else if (op === 'lt') tests.push((c) => c < bound);
    else if (op === 'lte') tests.push((c) => c <= bound);
    else throw invalid(`Received unknown parameter: created[${op}]`, 'parameter_unknown', `created[${op}]`);
  }
  return (c) => tests.every((t) => t(c));
}

/**
 * Search results, newest first. With a search lag, an object appears only `lagSeconds` after it was
 * stored: Stripe's search index is eventually consistent (lists and retrieves are not).
 */
export function runSearch(resource: string, req: V1Request, store: ObjectStore, lagSeconds = 0, nowMs: number = Date.now()): unknown {
  const clauses = parseQuery(String(req.params['query'] ?? ''));
  const limit = pageSize(req.params);
  const indexed = (o: StripeObject): boolean => lagSeconds <= 0 || nowMs - store.bornAt(o) >= lagSeconds * 1000;
  const found = store.list(req.account, resource).reverse().filter((o) => indexed(o) && matches(o, clauses));
  return { object: 'search_result', data: found.slice(0, limit), has_more: found.length > limit, next_page: null, url: req.path };
}

export function balance(livemode: boolean): unknown {
  const amounts = [{ amount: 0, currency: 'usd', source_types: { card: 0 } }];
  return { object: 'balance', available: amounts, pending: amounts, livemode };
}

export function account(id: string): unknown {
  return {
    id: id === 'platform' ? 'acct_emulator' : id,
    object: 'account',
    business_type: 'company',
    charges_enabled: true,
    country: 'US',
    default_currency: 'usd',
    details_submitted: true,
    email: 'emulator@example.com',
    payouts_enabled: true,
    settings: { dashboard: { display_name: 'Stripe emulator' } },
    type: 'standard',
  };
}
