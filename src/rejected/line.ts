// One stored refusal: the record as it arrived, where it came from, why it was refused, and whether a later sync retries it.
import type { Rejection } from '../core/rejection.js';

export const LINE_VERSION = 1;

/** The idempotency-key inputs of the first attempt (run id and position), so that a retry sends the same keys. */
export type { KeyOrigin } from '../pipeline/key-origins.js';
import type { KeyOrigin } from '../pipeline/key-origins.js';

/** One line of a part object. Field names are the documented format (docs/user-guide.md, "Rejected records"). */
export interface StoredRejection {
  v: number;
  /** Stable across syncs: the first sync's id and the record's line there. Two copies with one id are one record. */
  record_id: string;
  stream: string;
  namespace: string | null;
  /** The record's line on the first sync's input, and that sync's start. */
  line: number;
  sync_started_at: string;
  /** The sync that stored this copy (differs from sync_started_at once the record was retried). */
  stored_at: string;
  primary_key: unknown[] | null;
  primary_key_fields: string[] | null;
  /** The connector's reason code (for Stripe refusals: Stripe's error code). */
  reason_code: string;
  reason: string;
  /** Field path or Stripe `param` at fault, where one is known. */
  field: string | null;
  stripe_code: string | null;
  http_status: number | null;
  request_id: string | null;
  /** A later sync sends it again by itself (429/5xx after every attempt, network error, reference not yet there, webhook not delivered). */
  retryable: boolean;
  /** Syncs that tried this record and saw it refused: 1 for the first. */
  attempt: number;
  key_origin: KeyOrigin | null;
  emitted_at: number | null;
  data: Record<string, unknown>;
}

/** Codes the connector gives refusals that a later sync may well get through. */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set(['stripe_unavailable', 'rate_limited', 'network_error', 'reference_unresolved', 'reference_rejected', 'webhook_not_delivered']);

/**
 * Retryable: Stripe was unavailable (429 or 5xx after every attempt, or a network error), a referenced
 * object does not exist yet (the connector could not resolve it, or Stripe answered resource_missing on
 * another object's field), or a webhook document was not delivered under on_record_error = fail.
 */
export function isRetryable(rejection: Rejection): boolean {
  if (RETRYABLE_CODES.has(rejection.code)) return true;
  // Stripe answers 400 resource_missing on a field (e.g. `product` of a price) when a referenced object does not
  // exist: it may be created later. (A 404 is the record's own object, which retrying does not bring.)
  return rejection.status === 400 && rejection.code === 'resource_missing' && rejection.param !== undefined && rejection.param !== '';
}

/** What a later sync does with a stored record. */
export type RetryClass = 'retry' | 'recheck' | 'refused';

/**
 * `retry`: retryable. `recheck`: refused before any request (validation, mapping): checked again under the
 * current config, at no request cost. `refused`: Stripe refused it (4xx): re-sent only with retry_all_rejected.
 */
export function retryClassOf(line: Pick<StoredRejection, 'retryable' | 'http_status'>): RetryClass {
  if (line.retryable) return 'retry';
  return line.http_status === null ? 'recheck' : 'refused';
}

export interface LineInput {
  recordId: string;
  stream: string;
  namespace?: string | null;
  line: number;
  syncStartedAt: string;
  storedAt: string;
  primaryKey?: unknown[];
  primaryKeyFields?: string[];
  rejection: Rejection;
  attempt: number;
  keyOrigin?: KeyOrigin;
  emittedAt?: number;
  data: Record<string, unknown>;
}

export function storedLine(input: LineInput): StoredRejection {
  const { rejection } = input;
  // Stripe's own error code: a refusal Stripe answered (the connector's codes for giving up are not Stripe's).
  const fromStripe = rejection.status !== undefined && !RETRYABLE_CODES.has(rejection.code);
  return {
    v: LINE_VERSION,
    record_id: input.recordId,
    stream: input.stream,
    namespace: input.namespace ?? null,
    line: input.line,
    sync_started_at: input.syncStartedAt,
    stored_at: input.storedAt,
    primary_key: input.primaryKey ?? null,
    primary_key_fields: input.primaryKeyFields ?? null,
    reason_code: rejection.code,
    reason: rejection.reason,
    field: rejection.param ?? null,
    stripe_code: fromStripe ? rejection.code : null,
    http_status: rejection.status ?? null,
    request_id: rejection.requestId ?? null,
    retryable: isRetryable(rejection),
    attempt: input.attempt,
    key_origin: input.keyOrigin ?? null,
    emitted_at: input.emittedAt ?? null,
    data: input.data,
  };
}

/** Reads a line back; undefined for anything that is not a stored rejection of this format. */
export function parseStoredLine(text: string): StoredRejection | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const line = value as Partial<StoredRejection>;
  if (line.v !== LINE_VERSION || typeof line.record_id !== 'string' || typeof line.stream !== 'string' || !line.data || typeof line.data !== 'object') return undefined;
  return line as StoredRejection;
}
