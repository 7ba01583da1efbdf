// What a mapper turns a record into (a request ready for the scheduler, or a rejection) and how it settles.
import type { Rejection } from './rejection.js';
import type { Send, StripeOutcome, StripeRequest } from './stripe-request.js';

export interface MappedRequest {
  kind: 'request';
  request: StripeRequest;
  /** Requests with the same object key run in input order (e.g. the resolved path of one object). */
  objectKey: string;
  /** Follow-up when the first request answers resource_missing (upsert by custom id: update, then create). */
  onMissing?: StripeRequest;
  /** Operation label for logs and webhooks: create, update, upsert, delete, or the manual method. */
  operation: string;
  /** A delete answered 404 counts as done. */
  missingIsSuccess?: boolean;
  /**
   * Multi-step operations (upsert by external key: search, then update or create) run here instead of
   * sending `request` alone; the result is the outcome that settles the record.
   */
  execute?: (send: Send) => Promise<WriteResult>;
  /** Dry run with a bulk read: what the record would do, decided with GET requests only (see src/resync/). */
  plan?: (send: Send) => Promise<PlannedAction>;
}

/** How a record settled: Stripe's answer, or `unchanged` when its object already holds its fields (no request). */
export type WriteResult = StripeOutcome | { kind: 'unchanged'; id?: string };

export type MapResult = MappedRequest | { kind: 'rejected'; rejection: Rejection };

/** What a record would do in a dry run with a bulk read (counted per stream by resync/plan.ts). */
export type PlannedAction =
  | { action: 'create' }
  | { action: 'update'; changed: string[] }
  | { action: 'delete' }
  | { action: 'unchanged' }
  /** Refused before any write (no object to update, several objects share the key). */
  | { action: 'reject'; code: string }
  /** The object could not be compared (no bulk read for this stream): the write would be sent as mapped. */
  | { action: 'send' };
