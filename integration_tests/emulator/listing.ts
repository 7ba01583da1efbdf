// Read-only v1 answers: list pages, search results, the balance and the account.
import { invalid } from './errors.js';
import type { V1Request } from './resources.js';
import { matches, parseQuery } from './search.js';
import type { ObjectStore } from './store.js';
import type { IndexEntry } from './validate.js';

const listControls = new Set(['limit', 'starting_after', 'ending_before', 'expand', 'created', 'page', 'query']);

function pageSize(params: Record<string, unknown>): number {
  const raw = params['limit'];
  if (raw === undefined || raw === '') return 10;
  const n = Number(raw);
  if (!/^\d+$/.test(String(raw)) || n < 1 || n > 100) throw invalid('Invalid integer: limit must be between 1 and 100.', 'parameter_invalid_integer', 'limit');
  return n;
}

export function list(name: string, entry: IndexEntry, parentId: string | undefined, req: V1Request, store: ObjectStore): unknown {
  const limit = pageSize(req.params);
  const parent = entry.parent;
  let data = store.list(req.account, name).reverse();
  if (parent && parentId !== undefined) data = data.filter((o) => o[parent.param] === parentId);
  for (const [k, v] of Object.entries(req.params)) {
    if (listControls.has(k) || typeof v !== 'string') continue;
    data = data.filter((o) => o[k] !== undefined && String(o[k]) === v);
  }
  const after = req.params['starting_after'];
  const before = req.params['ending_before'];
  if (typeof after === 'string' && after) data = data.slice(data.findIndex((o) => o.id === after) + 1);
  if (typeof before === 'string' && before) {
    const at = data.findIndex((o) => o.id === before);
    data = data.slice(Math.max(0, at - limit), Math.max(0, at));
  }
  return { object: 'list', data: data.slice(0, limit), has_more: data.length > limit, url: req.path };
}

export function runSearch(resource: string, req: V1Request, store: ObjectStore): unknown {
  const clauses = parseQuery(String(req.params['query'] ?? ''));
  const limit = pageSize(req.params);
  const found = store.list(req.account, resource).reverse().filter((o) => matches(o, clauses));
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
