// One pure mapping from a Stripe response to what the connector does with it.
import { configError, type ConnectorError } from '../protocol/errors.js';
import type { Rejection } from '../core/rejection.js';
import { STRIPE_KEY_PATTERN } from '../config/redact.js';

export type ResponseHeaders = Record<string, string | string[] | undefined>;

export interface StripeResponse {
  status: number;
  /** Parsed JSON when the body was JSON, else the raw text (or undefined). */
  body: unknown;
  headers: ResponseHeaders;
}

export type ResponseMapping =
  | { kind: 'success' }
  | { kind: 'rejected'; rejection: Rejection }
  | { kind: 'config'; error: ConnectorError }
  | { kind: 'retryable' };

/** The fields of Stripe's `{"error": {...}}` body that the connector reads. */
export interface StripeErrorBody {
  type?: string;
  code?: string;
  param?: string;
  declineCode?: string;
  message?: string;
}

/** Masks Stripe keys (and e-mail addresses, the most common record value echoed in messages). */
export function redactSecrets(text: string): string {
  return text
    .replace(STRIPE_KEY_PATTERN, (key) => `${key.slice(0, key.indexOf('_', 3))}_[redacted]`)
    .replace(/[^\s@'"<>(),;:]+@[^\s@'"<>(),;:]+\.[^\s@'"<>(),;:]+/g, '[email]');
}

/** A header's first value, by lower-case name. */
export function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads `body.error`; every field is optional and only strings are kept. */
export function readStripeError(body: unknown): StripeErrorBody {
  const error = body !== null && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  if (error === null || typeof error !== 'object') return {};
  const text = (key: string): string | undefined => {
    const value = (error as Record<string, unknown>)[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  return {
    type: text('type'),
    code: text('code'),
    param: text('param'),
    declineCode: text('decline_code'),
    message: text('message'),
  };
}

const requestIdNote = (requestId: string | undefined): string => (requestId ? ` (Request-Id ${requestId})` : '');

/**
 * 2xx → success; 401/403 → config error (the key, not the record, is wrong); 409, 429, 5xx → retryable;
 * every other status (400, 402, 404, 424, an idempotency_error, an unexpected 3xx...) → the record is rejected.
 */
export function mapResponse(response: StripeResponse): ResponseMapping {
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 409 || status === 429 || status >= 500) return { kind: 'retryable' };
  const requestId = headerValue(response.headers, 'request-id');
  const error = readStripeError(response.body);
  const stripeMessage = error.message ? redactSecrets(error.message) : undefined;
  if (status === 401) {
    return {
      kind: 'config',
      error: configError(
        `The Stripe API key was refused (401): check that the key is complete, not rolled or expired, and meant for this account${requestIdNote(requestId)}.`,
        `401 ${error.type ?? ''} ${error.code ?? ''}: ${stripeMessage ?? 'no message'}${requestIdNote(requestId)}`,
      ),
    };
  }
  if (status === 403) {
    return {
      kind: 'config',
      error: configError(
        `The Stripe API key lacks a permission this sync needs (403): ${stripeMessage ?? 'Stripe gave no detail'}. ` +
          `Grant it to the restricted key in the Stripe dashboard, or use a key that has it${requestIdNote(requestId)}.`,
        `403 ${error.type ?? ''} ${error.code ?? ''}: ${stripeMessage ?? 'no message'}${requestIdNote(requestId)}`,
      ),
    };
  }
  return { kind: 'rejected', rejection: toRejection(status, error, stripeMessage, requestId) };
}

function toRejection(status: number, error: StripeErrorBody, message: string | undefined, requestId: string | undefined): Rejection {
  const code = error.code ?? error.type ?? `http_${status}`;
  const about = error.param ? ` (param ${error.param})` : '';
  // The Request-Id travels in its own field: the rejection line prints it once, the webhook as response.request_id.
  const reason = `Stripe refused the request with ${status} ${code}${about}: ${message ?? 'no message'}`;
  const rejection: Rejection = { code, reason, status };
  if (error.param) rejection.param = error.param;
  if (requestId) rejection.requestId = requestId;
  if (error.type) rejection.type = error.type;
  if (error.declineCode) rejection.declineCode = error.declineCode;
  return rejection;
}
