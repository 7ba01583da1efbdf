// Stripe Connect per record: the connected account a record names, and its requests scoped to that account.
import { createHash } from 'node:crypto';
import type { Rejection } from '../core/rejection.js';
import type { KnownIds } from '../resync/key-table.js';
import type { MappedRequest } from '../core/mapped-request.js';
import type { Send, StripeRequest } from '../core/stripe-request.js';

/** A connected account id as Stripe writes them: `acct_` and letters or digits. */
export const ACCOUNT_ID = /^acct_[A-Za-z0-9]{1,100}$/;

export type TakenAccount = { account?: string; data: Record<string, unknown> } | { rejection: Rejection };

/**
 * Takes the connected account out of a record's top-level `field`: the data without that field (it is
 * never sent in a body) and the account, or no account when the field is absent, null or empty (the
 * config's `stripe_account`, or the platform, then applies). Anything but an `acct_` id is a rejection
 * naming the field, never its value.
 */
export function takeAccount(data: Record<string, unknown>, field: string): TakenAccount {
  if (!Object.hasOwn(data, field)) return { data };
  const { [field]: value, ...rest } = data;
  if (value === undefined || value === null || value === '') return { data: rest };
  if (typeof value !== 'string' || !ACCOUNT_ID.test(value)) {
    return { rejection: { code: 'invalid_field', param: field, reason: `field "${field}" (stripe_account_field) must hold a connected account id (acct_…)` } };
  }
  return { account: value, data: rest };
}

/**
 * The Idempotency-Key of a request made on behalf of `account`: the key the platform would use, with the
 * account appended, so two accounts writing the same key value (the same SKU, the same primary key) never
 * share a key, and a re-run on the same account repeats it. Hashed when the result would pass Stripe's 255.
 */
export function accountKey(key: string, account: string): string {
  const joined = `${key}.${account}`;
  if (joined.length <= 255) return joined;
  return `dst-acct-${createHash('sha256').update(`${account}\u0000${key}`).digest('hex')}`;
}

/**
 * A mapped request that acts on `account`: every request it sends (the mapped one, the follow-up, and those
 * its multi-step plan sends: bulk reads, lookups, writes) carries the `Stripe-Account` header and the
 * account's idempotency key, and its object key is the account's, so per-object ordering never mixes
 * two accounts. The same inner request always maps to the same scoped object (the sink tells a create
 * from an update by comparing the request that settled a record with `request` and `onMissing`).
 */
export function onAccount(mapped: MappedRequest, account: string): MappedRequest {
  const scoped = new WeakMap<StripeRequest, StripeRequest>();
  const scope = (request: StripeRequest): StripeRequest => {
    let out = scoped.get(request);
    if (!out) {
      out = { ...request, stripeAccount: account, ...(request.idempotencyKey === undefined ? {} : { idempotencyKey: accountKey(request.idempotencyKey, account) }) };
      scoped.set(request, out);
    }
    return out;
  };
  const wrap = (send: Send): Send => (request) => send(scope(request));
  const { execute, plan } = mapped;
  return {
    ...mapped,
    request: scope(mapped.request),
    objectKey: `${account} ${mapped.objectKey}`,
    ...(mapped.onMissing ? { onMissing: scope(mapped.onMissing) } : {}),
    ...(execute ? { execute: (send: Send) => execute(wrap(send)) } : {}),
    ...(plan ? { plan: (send: Send) => plan(wrap(send)) } : {}),
  };
}

/** One account's view of the sync's key → id memory: the same external key in two accounts names two objects. */
export function accountIds(ids: KnownIds, account: string): KnownIds {
  const prefix = `${account}\u0000`;
  return {
    get: (key) => ids.get(prefix + key),
    set: (key, id) => ids.set(prefix + key, id),
  };
}
