// Manual mode: turns each record into the configured method, URL and body, compiled once at start.
import type { Manual } from '../generated/config.js';
import type { Rejection } from '../core/rejection.js';
import type { HttpMethod, StripeRequest } from '../core/stripe-request.js';
import { compileUrl, renderUrl } from './manual-url.js';
import { compileBodyTemplate, messagePath, renderBody, type CompiledBody, type RenderFailure } from './placeholders.js';
import type { MapResult } from '../core/mapped-request.js';

export type ManualConfig = Manual;

export type IdempotencyKeyFn = (
  operation: string,
  resource: string,
  data: Record<string, unknown>,
) => { key?: string } | { error: string };

export interface ManualMapperOptions {
  configuration: ManualConfig;
  apiBaseUrl?: string;
  idempotencyKey: IdempotencyKeyFn;
}

const DEFAULT_BODY = '{message.json}';
const BODILESS: ReadonlySet<HttpMethod> = new Set(['GET', 'DELETE']);

/** Notes for the user about settings manual mode ignores (logged once at start). */
export function manualConfigWarnings(configuration: ManualConfig): string[] {
  const method = configuration.method ?? 'POST';
  const body = configuration.body;
  if (BODILESS.has(method) && body !== undefined && body.trim() !== '' && body !== DEFAULT_BODY) {
    return [`configuration.body is ignored: ${method} requests send no body.`];
  }
  return [];
}

/** Whether Stripe takes an Idempotency-Key for this call: POST, and DELETE on v2. */
function takesIdempotencyKey(method: HttpMethod, version: 'v1' | 'v2'): boolean {
  return method === 'POST' || (method === 'DELETE' && version === 'v2');
}

/**
 * Compiles the configuration (throws a config error for a bad URL or body template) and returns
 * the per-record mapper.
 */
export function createManualMapper(options: ManualMapperOptions): (data: Record<string, unknown>) => MapResult {
  const { configuration } = options;
  const method: HttpMethod = configuration.method ?? 'POST';
  const url = compileUrl(configuration.url, options.apiBaseUrl === undefined ? {} : { apiBaseUrl: options.apiBaseUrl });
  const body: CompiledBody | undefined = BODILESS.has(method) ? undefined : compileBodyTemplate(configuration.body ?? DEFAULT_BODY);
  const contentFormat = configuration.content_format ?? 'auto';
  const format: StripeRequest['format'] = contentFormat === 'auto' ? (url.version === 'v1' ? 'form' : 'json') : contentFormat;
  const wantsKey = takesIdempotencyKey(method, url.version);

  return (data) => {
    const target = renderUrl(url, data);
    if (!target.ok) return rejected(target);
    const request: StripeRequest = { method, path: target.path, format, host: target.host };
    if (body) {
      const rendered = renderBody(body, data);
      if (!rendered.ok) return rejected(rendered);
      request.body = rendered.body;
    }
    if (wantsKey) {
      const derived = options.idempotencyKey(method, configuration.url, data);
      if ('error' in derived) return { kind: 'rejected', rejection: { code: 'idempotency_key_unavailable', reason: derived.error } };
      if (derived.key !== undefined) request.idempotencyKey = derived.key;
    }
    const objectKey = target.host === 'api' ? target.objectPath : `${target.host}:${target.objectPath}`;
    return { kind: 'request', request, objectKey, operation: method };
  };
}

function rejected(failure: RenderFailure): MapResult {
  const rejection: Rejection =
    'missing' in failure
      ? { code: 'missing_field', reason: `record has no field at ${messagePath(failure.missing)}`, param: failure.missing }
      : { code: 'invalid_field', reason: `the value at ${messagePath(failure.invalid)} ${failure.reason}`, param: failure.invalid };
  return { kind: 'rejected', rejection };
}
