// Shapes shared by the mapper, the scheduler and the Stripe client.
import type { Rejection } from '../pipeline/sink.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One logical Stripe call, fully resolved before it is sent. */
export interface StripeRequest {
  method: HttpMethod;
  /** Path with ids already percent-encoded, starting with /v1/ or /v2/. May carry a query string built safely. */
  path: string;
  /** Body as JSON; encoded on the wire as form (v1) or JSON (v2). Absent for GET/DELETE. */
  body?: Record<string, unknown>;
  format: 'form' | 'json';
  /** Fixed before the first attempt and reused on every retry. Absent when keys are off. */
  idempotencyKey?: string;
  /** Which Stripe host: the REST API (default) or the meter events stream host. */
  host?: 'api' | 'meter_events';
  /** Overrides the Authorization bearer (meter event session tokens). */
  bearer?: string;
}

/** What the client answers for one logical request after its retries. */
export type StripeOutcome =
  | {
      kind: 'success';
      status: number;
      body: unknown;
      requestId?: string;
      replayed: boolean;
      attempts: number;
    }
  | { kind: 'rejected'; status?: number; rejection: Rejection; body?: unknown; attempts: number };

/**
 * Paces attempts per rate-limit endpoint. The client awaits `acquire(endpoint)` before every attempt and
 * reports what came back with `observe`. `endpoint` is the method and path template of the request, from
 * `endpointKey(method, path)` in `./endpoint.ts` (`POST /v1/customers/{id}`, `GET /v1/customers`).
 */
export interface Pacer {
  /** Resolves when the request may be sent: a token from the endpoint's bucket and from the global one. */
  acquire(endpoint: string): Promise<void>;
  /** Called after each attempt with its endpoint, status (0 for a network error) and latency in ms. */
  observe(endpoint: string, status: number, latencyMs: number): void;
}
