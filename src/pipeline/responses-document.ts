// The document forwarded to the response webhook for each record, how it is built, and how secrets are masked in it.
import { MASK, SECRET_KEY_PATTERN } from '../config/redact.js';
import type { MappedRequest } from '../core/mapped-request.js';
import type { StripeOutcome, StripeRequest } from '../core/stripe-request.js';
import { categoryOf, type RecordContext, type RecordOutcome } from './sink.js';
import type { Rejection } from '../core/rejection.js';
import type { RecordCategory } from './tally.js';

export interface ForwardedResponse {
  stream: string;
  namespace?: string;
  /** 1-based position of the record in the sync. */
  position: number;
  primary_key?: unknown[];
  /** create, update, upsert, delete, or the manual-mode method. */
  operation: string;
  /** Absent when no request was made (refused before any, or unchanged). */
  request?: { method: string; path: string; idempotency_key?: string; body?: Record<string, unknown> };
  /** Absent when Stripe never answered (network failure) or no request was made. */
  response?: { status?: number; request_id?: string; body?: unknown };
  /** With outcome `unchanged`: the id of the object that already held the record's fields. */
  object_id?: string;
  error?: { type?: string; code?: string; param?: string; message?: string; decline_code?: string };
  /** The record's tally category: created, updated, deleted, sent, replayed, would_send (dry run) or rejected. */
  outcome: Exclude<RecordCategory, 'not_sent'>;
  /** ISO 8601 time the document was built. */
  emitted_at: string;
}

export interface DocumentInput {
  context: Pick<RecordContext, 'stream' | 'namespace' | 'position' | 'primaryKey'>;
  /** The mapped request, when the record got that far. */
  mapped?: Pick<MappedRequest, 'operation' | 'request'>;
  /** The request that actually settled the record (e.g. the create after an upsert's update missed). */
  sent?: StripeRequest;
  /** Stripe's answer, when a request was made. */
  stripe?: StripeOutcome;
  outcome: RecordOutcome;
  includeRequestBody: boolean;
  now?: () => Date;
}

/** Builds the webhook document for one settled record. */
export function buildForwardedResponse(input: DocumentInput): ForwardedResponse {
  const { context, mapped, stripe, outcome } = input;
  // An unchanged record sent nothing: its document holds no request.
  const sent = outcome.kind === 'written' && outcome.effect === 'unchanged' ? undefined : (input.sent ?? mapped?.request);
  const doc: ForwardedResponse = {
    stream: context.stream,
    position: context.position,
    operation: mapped?.operation ?? 'none',
    outcome: categoryOf(outcome) as ForwardedResponse['outcome'],
    emitted_at: (input.now ?? (() => new Date()))().toISOString(),
  };
  if (context.namespace !== undefined) doc.namespace = context.namespace;
  if (context.primaryKey !== undefined) doc.primary_key = context.primaryKey;
  if (sent) {
    doc.request = { method: sent.method, path: sent.path };
    if (sent.idempotencyKey !== undefined) doc.request.idempotency_key = sent.idempotencyKey;
    if (input.includeRequestBody && sent.body !== undefined) doc.request.body = sent.body;
  }
  if (stripe && (stripe.kind === 'success' || stripe.status !== undefined)) {
    doc.response = { status: stripe.status };
    const requestId = stripe.kind === 'success' ? stripe.requestId : stripe.rejection.requestId;
    if (requestId !== undefined) doc.response.request_id = requestId;
    if (stripe.body !== undefined) doc.response.body = stripe.body;
  }
  if (outcome.kind === 'rejected') doc.error = errorOf(outcome.rejection);
  if (outcome.kind === 'written' && outcome.effect === 'unchanged' && outcome.id !== undefined) doc.object_id = outcome.id;
  return doc;
}

function errorOf(rejection: Rejection): NonNullable<ForwardedResponse['error']> {
  const error: NonNullable<ForwardedResponse['error']> = { code: rejection.code, message: rejection.reason };
  if (rejection.type !== undefined) error.type = rejection.type;
  if (rejection.param !== undefined) error.param = rejection.param;
  if (rejection.declineCode !== undefined) error.decline_code = rejection.declineCode;
  return error;
}

/** Fields of Stripe answers that hold a credential (a v2 meter event session's bearer token). */
const CREDENTIAL_FIELDS: ReadonlySet<string> = new Set(['authentication_token']);

const maskCredentials = (key: string, value: unknown): unknown => (CREDENTIAL_FIELDS.has(key) && typeof value === 'string' ? MASK : value);

/**
 * Serializes a payload and masks every secret (as it reads inside JSON text), credential fields of
 * Stripe's answers, and anything shaped like a Stripe secret or restricted key.
 */
export function serializeRedacted(payload: unknown, secrets: readonly string[]): string {
  let text = JSON.stringify(payload, maskCredentials);
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (text.includes(form)) text = text.split(form).join(MASK);
  }
  return text.replace(SECRET_KEY_PATTERN, MASK);
}
