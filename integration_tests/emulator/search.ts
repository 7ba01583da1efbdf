// The small part of Stripe's search query language the emulator understands: exact matches joined by AND.
import { invalid } from './errors.js';
import type { StripeObject } from './types.js';

export const searchable = new Set(['customers', 'products', 'prices', 'invoices', 'subscriptions', 'payment_intents', 'charges']);

type Clause = { metadataKey?: string; field?: string; value: string };

const clausePattern = /^(?:metadata\[(['"])(.+?)\1\]|([a-z_]+)):(['"])(.*)\4$/;

/** `metadata['k']:'v' AND email:'a@b.c'` → clauses; anything else is a 400 like Stripe's. */
export function parseQuery(query: string): Clause[] {
  if (!query.trim()) throw invalid('Missing required param: query.', 'parameter_missing', 'query');
  return query.split(/\s+AND\s+/).map((part) => {
    const m = clausePattern.exec(part.trim());
    if (!m) throw invalid(`The emulator cannot parse this search clause; it supports field:'value' and metadata['key']:'value' joined by AND.`, 'parameter_invalid', 'query');
    return m[2] !== undefined ? { metadataKey: m[2], value: m[5]! } : { field: m[3]!, value: m[5]! };
  });
}

export function matches(object: StripeObject, clauses: Clause[]): boolean {
  return clauses.every((c) => {
    if (c.metadataKey !== undefined) return (object['metadata'] as Record<string, unknown> | undefined)?.[c.metadataKey] === c.value;
    const v = object[c.field!];
    return v !== null && v !== undefined && String(v) === c.value;
  });
}
