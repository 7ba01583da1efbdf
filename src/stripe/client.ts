// The Stripe client: builds each request, paces and retries its attempts, and maps the answer.
import { setTimeout as delay } from 'node:timers/promises';
import { configError, systemError, ConnectorError } from '../protocol/errors.js';
import { encodeForm, encodeJson, FormEncodeError } from './encode.js';
import { headerValue, mapResponse, readStripeError } from './errors.js';
import { allowedKeyOrigins, assertKeyMayGoTo, resolveBaseUrl } from './hosts.js';
import { backoffDelay, parseRetryAfter, shouldRetry } from './retry.js';
import { createTransport, type AttemptResult } from './transport.js';
import { endpointKey } from './endpoint.js';
import type { Pacer } from './types.js';
import type { StripeOutcome, StripeRequest } from '../core/stripe-request.js';
import type { Rejection } from '../core/rejection.js';
import { DEFAULT_API_VERSION, USER_AGENT } from './version.js';

export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  attempt: number;
  status?: number;
  /** Stripe's error code, or the network error code. */
  code?: string;
  delayMs: number;
}

export interface StripeClientOptions {
  apiKey: string;
  apiBaseUrl?: string;
  stripeAccount?: string;
  apiVersion?: string;
  /** Tries per request, the first included. Default 8. */
  maxAttempts?: number;
  /** Per attempt. Default 60 000. */
  timeoutMs?: number;
  pacer?: Pacer;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: RetryInfo) => void;
  /**
   * After each `send` settles (answered, rejected or thrown): how long it kept its caller busy, retries and
   * backoff included, minus the time spent waiting for the pacer's tokens. The W of Little's law.
   */
  onSettled?: (busyMs: number) => void;
}

export interface StripeClient {
  /** Resolves with success or a record rejection; throws a ConnectorError (config or transient) that must end the sync. */
  send(request: StripeRequest): Promise<StripeOutcome>;
  close(): void;
}

const HEADER_SAFE = /^[\x21-\x7e]+$/;
const DOT_SEGMENT = /^(\.|%2e){1,2}$/i;

export function createStripeClient(options: StripeClientOptions): StripeClient {
  const { apiKey, pacer, onRetry } = options;
  if (!HEADER_SAFE.test(apiKey)) throw configError('api_key is empty or holds characters an HTTP header cannot carry.');
  if (options.stripeAccount !== undefined && !HEADER_SAFE.test(options.stripeAccount)) {
    throw configError('stripe_account holds characters an HTTP header cannot carry.');
  }
  const maxAttempts = options.maxAttempts ?? 8;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw configError('max_attempts must be a whole number of at least 1.');
  const config = options.apiBaseUrl ? { api_base_url: options.apiBaseUrl } : {};
  const bases = { api: resolveBaseUrl(config, 'api'), meter_events: resolveBaseUrl(config, 'meter_events') };
  const allowed = allowedKeyOrigins(config);
  const checkedOrigins = new Set<string>();
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const transport = createTransport({ timeoutMs: options.timeoutMs ?? 60_000 });
  const scrub = (text: string): string => (apiKey.length >= 8 ? text.split(apiKey).join('[redacted]') : text);

  function urlFor(request: StripeRequest): URL {
    const pathPart = request.path.split(/[?#]/, 1)[0] ?? '';
    if (!request.path.startsWith('/') || pathPart.split(/[\\/]/).some((segment) => DOT_SEGMENT.test(segment))) {
      throw configError('A Stripe request path must start with / and hold no "." or ".." segment.');
    }
    const base = bases[request.host ?? 'api'];
    // Concatenation, not URL resolution: a path such as `//host` stays a path on the base origin.
    const url = new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}${request.path}`);
    // The full check runs once per origin; a request whose origin is one already allowed skips it.
    if (!checkedOrigins.has(url.origin)) {
      assertKeyMayGoTo(url, allowed);
      checkedOrigins.add(url.origin);
    }
    return url;
  }

  function headersFor(request: StripeRequest, hasBody: boolean): Record<string, string> {
    const bearer = request.bearer ?? apiKey;
    if (!HEADER_SAFE.test(bearer)) throw systemError('The meter event session token holds characters an HTTP header cannot carry.');
    const headers: Record<string, string> = {
      authorization: `Bearer ${bearer}`,
      'stripe-version': options.apiVersion?.trim() || DEFAULT_API_VERSION,
      'user-agent': USER_AGENT,
      accept: 'application/json',
    };
    const account = request.stripeAccount ?? options.stripeAccount;
    if (account !== undefined && account !== '') {
      if (!HEADER_SAFE.test(account)) throw systemError('A Stripe-Account value holds characters an HTTP header cannot carry.');
      headers['stripe-account'] = account;
    }
    if (request.idempotencyKey !== undefined) {
      if (request.idempotencyKey.length > 255 || !HEADER_SAFE.test(request.idempotencyKey)) {
        throw systemError('The idempotency key is longer than 255 characters or not header-safe.');
      }
      headers['idempotency-key'] = request.idempotencyKey;
    }
    if (hasBody) headers['content-type'] = request.format === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
    return headers;
  }

  async function send(request: StripeRequest): Promise<StripeOutcome> {
    if (!options.onSettled) return sendPaced(request, { waitedMs: 0 });
    const started = performance.now();
    const timing = { waitedMs: 0 };
    try {
      return await sendPaced(request, timing);
    } finally {
      options.onSettled(Math.max(0, performance.now() - started - timing.waitedMs));
    }
  }

  async function sendPaced(request: StripeRequest, timing: { waitedMs: number }): Promise<StripeOutcome> {
    const url = urlFor(request);
    const hasBody = request.method !== 'GET' && request.method !== 'DELETE' && request.body !== undefined;
    let body: string | undefined;
    try {
      body = hasBody && request.body ? (request.format === 'json' ? encodeJson(request.body) : encodeForm(request.body)) : undefined;
    } catch (error) {
      if (!(error instanceof FormEncodeError)) throw error;
      const rejection = { code: 'encoding_failed', reason: error.message, param: error.param };
      return { kind: 'rejected', rejection, attempts: 0 };
    }
    const headers = headersFor(request, hasBody);
    const hasIdempotencyKey = request.idempotencyKey !== undefined;
    // Method and the first two path segments (e.g. `POST /v1/customers`): never an id from a record.
    const where = `${request.method} ${(request.path.split(/[?#]/, 1)[0] ?? '').split('/').slice(0, 3).join('/')}`;
    const endpoint = pacer ? endpointKey(request.method, request.path) : '';
    for (let attempt = 1; ; attempt += 1) {
      if (pacer) {
        const asked = performance.now();
        await pacer.acquire(endpoint);
        timing.waitedMs += performance.now() - asked;
      }
      const started = performance.now();
      const result: AttemptResult = await transport.attempt({ url, method: request.method, headers, body });
      pacer?.observe(endpoint, result.kind === 'response' ? result.status : 0, performance.now() - started);

      if (result.kind === 'network') {
        const retry = shouldRetry({ attempt, maxAttempts, networkErrorCode: result.code, method: request.method, hasIdempotencyKey });
        if (!retry) throw gaveUp(where, attempt, `network error ${result.code}`, scrub(result.detail), attempt < maxAttempts, { networkCode: result.code });
        const delayMs = backoffDelay({ attempt, random });
        onRetry?.({ attempt, code: result.code, delayMs });
        await sleep(delayMs);
        continue;
      }

      const mapped = mapResponse(result);
      const requestId = headerValue(result.headers, 'request-id');
      if (mapped.kind === 'success') {
        const replayed = headerValue(result.headers, 'idempotent-replayed') === 'true';
        return { kind: 'success', status: result.status, body: result.body, requestId, replayed, attempts: attempt };
      }
      const stripeCode = readStripeError(result.body).code;
      if (result.status === 401 && request.bearer !== undefined) {
        // A refused session token (e.g. billing_meter_event_session_expired) is not a bad API key: the caller renews and resends.
        const code = stripeCode ?? 'session_token_refused';
        const rejection = { code, reason: `Stripe refused the meter event session token (401 ${code})${requestId ? ` (Request-Id ${requestId})` : ''}`, status: 401 };
        return { kind: 'rejected', status: 401, rejection, body: result.body, attempts: attempt };
      }
      if (result.status === 403 && stripeCode === 'account_invalid' && request.stripeAccount !== undefined) {
        // The record named a connected account this key cannot act on: that record is refused, the sync goes on.
        const reason = `the API key has no access to the connected account in the record's Stripe-Account (403 account_invalid)${requestId ? ` (Request-Id ${requestId})` : ''}`;
        return { kind: 'rejected', status: 403, rejection: { code: 'account_invalid', reason, status: 403, requestId }, body: result.body, attempts: attempt };
      }
      if (mapped.kind === 'config') throw scrubbed(mapped.error, scrub);
      const shouldRetryHeader = headerValue(result.headers, 'stripe-should-retry');
      const replayed = headerValue(result.headers, 'idempotent-replayed') === 'true';
      const retry = shouldRetry({ attempt, maxAttempts, status: result.status, errorCode: stripeCode, shouldRetryHeader, method: request.method, hasIdempotencyKey, replayed });
      if (!retry) {
        if (mapped.kind === 'rejected') {
          return { kind: 'rejected', status: result.status, rejection: mapped.rejection, body: result.body, attempts: attempt };
        }
        const settled = settledServerError(result, requestId, shouldRetryHeader, replayed);
        if (settled) return { kind: 'rejected', status: result.status, rejection: settled, body: result.body, attempts: attempt };
        const last = `status ${result.status}${stripeCode ? ` ${stripeCode}` : ''}${requestId ? `, Request-Id ${requestId}` : ''}`;
        const verdict = shouldRetryHeader?.trim().toLowerCase() === 'false' ? 'Stripe-Should-Retry: false' : undefined;
        throw gaveUp(where, attempt, last, verdict ?? last, attempt < maxAttempts && verdict === undefined, { status: result.status, requestId });
      }
      const retryAfterSeconds = parseRetryAfter(headerValue(result.headers, 'retry-after'), Date.now());
      const delayMs = backoffDelay({ attempt, random, retryAfterSeconds, status: result.status });
      onRetry?.({ attempt, status: result.status, code: stripeCode, delayMs });
      await sleep(delayMs);
    }
  }

  return { send, close: () => transport.close() };
}

/**
 * A 5xx that Stripe itself says not to retry (`Stripe-Should-Retry: false`), or that it replayed from its
 * idempotency store, will answer the same for this key: the record is refused (and counted), not the sync.
 */
function settledServerError(result: { status: number; body: unknown }, requestId: string | undefined, shouldRetryHeader: string | undefined, replayed: boolean): Rejection | undefined {
  if (result.status < 500) return undefined;
  const verdict = shouldRetryHeader?.trim().toLowerCase() === 'false';
  if (!verdict && !replayed) return undefined;
  const error = readStripeError(result.body);
  const why = verdict ? 'Stripe answered Stripe-Should-Retry: false' : 'Stripe replayed the stored error for this idempotency key, so a retry with the same key cannot succeed';
  return {
    code: error.code ?? 'api_error',
    type: error.type ?? 'api_error',
    reason: `Stripe failed on this request (HTTP ${result.status}) and ${why}. Look it up by its Request-Id in the Stripe dashboard before re-sending it.`,
    status: result.status,
    requestId,
  };
}

/**
 * Stripe could not be reached or kept failing (429, 5xx, network) past every attempt. The sync ends with
 * this transient error, safe to re-run because the idempotency keys repeat, unless a rejected-records
 * store keeps the record for the next sync instead (src/rejected/).
 */
export class StripeGaveUpError extends ConnectorError {
  constructor(
    message: string,
    internalMessage: string,
    /** True when the request was not repeated because, without an idempotency key, a repeat could apply it twice. */
    readonly unsafeToRepeat: boolean,
    readonly last: { status?: number; networkCode?: string; requestId?: string },
  ) {
    super({ failureType: 'transient_error', message, internalMessage });
  }
}

function gaveUp(where: string, attempts: number, last: string, internal: string, unsafeToRepeat: boolean, detail: StripeGaveUpError['last']): ConnectorError {
  const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
  const why = unsafeToRepeat ? ' It was not retried: without an idempotency key, a repeat could apply it twice.' : '';
  return new StripeGaveUpError(`Stripe request ${where} failed after ${tries} (last: ${last}).${why}`, `${where}: ${internal}`, unsafeToRepeat, detail);
}

function scrubbed(error: ConnectorError, scrub: (text: string) => string): ConnectorError {
  return new ConnectorError({ failureType: error.failureType, message: scrub(error.message), internalMessage: scrub(error.internalMessage) });
}
