// One record's write when the stream's objects were read in bulk: compare, then send at most one request.
import type { Rejection } from '../core/rejection.js';
import type { StripeOutcome, StripeRequest, Send } from '../core/stripe-request.js';
import type { WriteResult, PlannedAction } from '../core/mapped-request.js';
import type { ExistingObjects } from './existing-objects.js';
import { fieldNames } from './normalize.js';

export interface IndexedWrite {
  existing: ExistingObjects;
  /** The record's matching key value (an id, or the value kept in metadata). */
  value: string;
  /** For messages: Stripe's object name and the matching key's name. */
  object: string;
  matchingKey: string;
  /** The body an update of the found object sends: compared with it. Undefined for deletes. */
  compare?: Record<string, unknown>;
  whenFound: (id: string) => StripeRequest;
  /** What the request to a found object does. */
  foundAction: 'update' | 'delete';
  /**
   * No listed object has the key: `create` it; `reject` the record; `done` (nothing to delete);
   * `send` the mapped request anyway (an id the list did not show may still exist).
   */
  whenMissing: { kind: 'create'; request: StripeRequest } | { kind: 'reject'; rejection?: Rejection } | { kind: 'done' } | { kind: 'send' };
  /** The per-record way (search or the id's own request), used when the stream has no index. */
  fallback: (send: Send) => Promise<StripeOutcome>;
  /** Told the id of an object this record created (the sync's shared memory, for other streams' lookups). */
  onCreated?: (id: string) => void;
}

export async function runIndexed(write: IndexedWrite, send: Send): Promise<WriteResult> {
  const index = await write.existing.index(send, write.compare ?? {});
  if (!index) return write.fallback(send);
  const found = index.find(write.value);
  if (found?.kind === 'ambiguous') return ambiguous(write);
  if (found) {
    if (write.foundAction === 'update' && write.compare && write.existing.diff && index.changedFields(found.slot, write.compare).length === 0) {
      return { kind: 'unchanged', id: found.id };
    }
    const outcome = await send(write.whenFound(found.id));
    if (outcome.kind === 'success') {
      if (write.foundAction === 'delete') index.forget(write.value);
      else if (isObject(outcome.body)) index.remember(write.value, outcome.body);
      return outcome;
    }
    // Removed by someone else since the read: an upsert creates it again, anything else reports Stripe's answer.
    if (outcome.status !== 404 || write.whenMissing.kind !== 'create') return outcome;
    index.forget(write.value);
  }
  switch (write.whenMissing.kind) {
    case 'create': {
      const outcome = await send(write.whenMissing.request);
      if (outcome.kind === 'success' && isObject(outcome.body)) {
        index.remember(write.value, outcome.body);
        if (typeof outcome.body['id'] === 'string') write.onCreated?.(outcome.body['id']);
      }
      return outcome;
    }
    case 'reject':
      if (write.whenMissing.rejection) return { kind: 'rejected', rejection: write.whenMissing.rejection, attempts: 0 };
      return refuse(404, 'resource_missing', write, `no ${write.object} has ${describeKey(write)} equal to the record's "${write.matchingKey}"`);
    case 'done':
      return { kind: 'unchanged' };
    case 'send':
      return write.fallback(send);
  }
}

/** Dry run: what `runIndexed` would do, reading Stripe (lists) but writing nothing; the index follows the plan. */
export async function planIndexed(write: IndexedWrite, send: Send): Promise<PlannedAction> {
  const index = await write.existing.index(send, write.compare ?? {});
  if (!index) return { action: 'send' };
  const found = index.find(write.value);
  if (found?.kind === 'ambiguous') return { action: 'reject', code: 'ambiguous_match' };
  if (found) {
    if (write.foundAction === 'delete') {
      index.forget(write.value);
      return { action: 'delete' };
    }
    const compare = write.compare ?? {};
    const changed = write.existing.diff ? index.changedFields(found.slot, compare) : fieldNames(compare);
    if (write.existing.diff && changed.length === 0) return { action: 'unchanged' };
    index.rememberBody(write.value, found.id, compare);
    return { action: 'update', changed };
  }
  switch (write.whenMissing.kind) {
    case 'create':
      index.rememberBody(write.value, `planned:${write.value}`, write.whenMissing.request.body ?? {});
      return { action: 'create' };
    case 'reject':
      return { action: 'reject', code: write.whenMissing.rejection?.code ?? 'resource_missing' };
    case 'done':
      return { action: 'unchanged' };
    case 'send':
      return write.foundAction === 'delete' ? { action: 'delete' } : { action: 'update', changed: fieldNames(write.compare ?? {}) };
  }
}

function ambiguous(write: IndexedWrite): StripeOutcome {
  return refuse(409, 'ambiguous_match', write, `several ${write.object} objects have ${describeKey(write)} equal to the record's "${write.matchingKey}"`);
}

function describeKey(write: IndexedWrite): string {
  return write.matchingKey === 'id' ? 'the id' : `metadata[${write.matchingKey}]`;
}

function refuse(status: number, code: string, write: IndexedWrite, reason: string): StripeOutcome {
  return { kind: 'rejected', status, rejection: { code, reason, param: write.matchingKey, status }, attempts: 0 };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
