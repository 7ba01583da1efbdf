// Upsert, update and delete by an external key kept in metadata: search (or this sync's memory), then act.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../stripe/idempotency.js';
import type { Rejection } from '../core/rejection.js';
import type { StripeOutcome, StripeRequest, Send } from '../core/stripe-request.js';
import type { KnownIds } from '../resync/key-table.js';

/** What to do once the object holding `metadata[matchingKey] = value` is found, or is not. */
export interface ExternalKeyPlan {
  resource: string;
  /** Stripe object name, for messages. */
  object: string;
  /** Collection path, e.g. /v1/customers. */
  collectionPath: string;
  matchingKey: string;
  value: string;
  /** external key → Stripe id for objects this sync created or found; shared by every record of the sync. */
  knownIds: KnownIds;
  /** The request for an existing object (update, delete, archive...). */
  whenFound: (id: string) => StripeRequest;
  /** `create`: send this request (upsert); `reject`: the record is refused (update); `done`: nothing to do (delete). */
  whenMissing: { kind: 'create'; request: StripeRequest } | { kind: 'reject'; rejection?: Rejection } | { kind: 'done' };
  /** The delete of a found object answered 404: someone removed it meanwhile, which is what was asked. */
  missingIsSuccess?: boolean;
}

/** The key of `knownIds`: unambiguous whatever the value holds. */
export const knownIdKey = (resource: string, matchingKey: string, value: string): string => JSON.stringify([resource, matchingKey, value]);

/**
 * The Idempotency-Key of the create an upsert sends when nothing matches: derived from (resource,
 * matching key, value) only, so a re-run (or a second record with the same key racing the search
 * index) can never create a second object within Stripe's 24-hour key window.
 */
export function externalCreateKey(resource: string, matchingKey: string, value: string): string {
  const hex = createHash('sha256').update(canonicalJson({ v: 1, kind: 'external-key-create', resource, matchingKey, value })).digest('hex');
  return `dst-stripe-upsert-${hex}`;
}

/** Stripe search query text: a single-quoted value with `\` and `'` escaped. */
export function searchQuery(matchingKey: string, value: string): string {
  const quote = (text: string): string => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  return `metadata[${quote(matchingKey)}]:${quote(value)}`;
}

export function searchRequest(collectionPath: string, matchingKey: string, value: string): StripeRequest {
  const query = new URLSearchParams({ query: searchQuery(matchingKey, value), limit: '2' });
  return { method: 'GET', path: `${collectionPath}/search?${query.toString()}`, format: 'form' };
}

/** Runs the plan: memory first, then search; at most one write request follows. */
export function executeExternalKey(plan: ExternalKeyPlan): (send: Send) => Promise<StripeOutcome> {
  const memoryKey = knownIdKey(plan.resource, plan.matchingKey, plan.value);
  return async (send) => {
    let id = plan.knownIds.get(memoryKey);
    if (id === undefined) {
      const found = await send(searchRequest(plan.collectionPath, plan.matchingKey, plan.value));
      if (found.kind === 'rejected') return found;
      const ids = idsOf(found.body);
      if (ids.length > 1) return refuse(409, 'ambiguous_match', plan, `several ${plan.object} objects have metadata[${plan.matchingKey}] equal to the record's "${plan.matchingKey}"`);
      id = ids[0];
    }
    if (id !== undefined) {
      plan.knownIds.set(memoryKey, id);
      const outcome = await send(plan.whenFound(id));
      if (outcome.kind === 'rejected' && outcome.status === 404 && plan.missingIsSuccess) {
        return { kind: 'success', status: 404, body: outcome.body, replayed: false, attempts: outcome.attempts };
      }
      return outcome;
    }
    switch (plan.whenMissing.kind) {
      case 'done':
        return { kind: 'success', status: 404, body: null, replayed: false, attempts: 0 };
      case 'reject':
        if (plan.whenMissing.rejection) return { kind: 'rejected', rejection: plan.whenMissing.rejection, attempts: 0 };
        return refuse(404, 'resource_missing', plan, `no ${plan.object} has metadata[${plan.matchingKey}] equal to the record's "${plan.matchingKey}"`);
      case 'create': {
        const outcome = await send(plan.whenMissing.request);
        const createdId = outcome.kind === 'success' ? idOf(outcome.body) : undefined;
        if (createdId !== undefined) plan.knownIds.set(memoryKey, createdId);
        return outcome;
      }
    }
  };
}

function refuse(status: number, code: string, plan: ExternalKeyPlan, reason: string): StripeOutcome {
  return { kind: 'rejected', status, rejection: { code, reason, param: plan.matchingKey, status }, attempts: 0 };
}

function idOf(body: unknown): string | undefined {
  const id = (body as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function idsOf(body: unknown): string[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return [];
  return data.map(idOf).filter((id): id is string => id !== undefined);
}
