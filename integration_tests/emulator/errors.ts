// Stripe-shaped API errors raised inside the emulator and turned into JSON answers.

export interface StripeErrorBody {
  type: 'invalid_request_error' | 'idempotency_error' | 'api_error';
  code?: string;
  param?: string;
  doc_url?: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    /** False for errors raised before execution starts (auth, validation): no idempotent result is kept. */
    readonly storable = false,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

export const invalid = (message: string, code?: string, param?: string, status = 400): ApiError =>
  new ApiError(status, { type: 'invalid_request_error', message, ...(code ? { code } : {}), ...(param ? { param } : {}) });

export const noSuch = (object: string, id: string, param: string, status: number): ApiError =>
  new ApiError(status, { type: 'invalid_request_error', code: 'resource_missing', param, message: `No such ${object.replace(/_/g, ' ')}: '${id}'` }, true);

/** Stripe's answer to a Stripe-Account the key may not act on (never connected, or access revoked): 403 account_invalid. */
export const accountInvalid = (maskedKey: string, account: string): ApiError =>
  new ApiError(403, {
    type: 'invalid_request_error',
    code: 'account_invalid',
    message: `The provided key '${maskedKey}' does not have access to account '${account}' (or that account does not exist). Application access may have been revoked.`,
  });

export const unrecognizedUrl = (method: string, path: string): ApiError =>
  invalid(`Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`, undefined, undefined, 404);

export const errorJson = (error: StripeErrorBody, requestId: string): string =>
  JSON.stringify({ error: { ...error, request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}` } });
