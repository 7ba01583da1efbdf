// One logical Stripe call and what it came to: shared by the mappers, the re-sync planner, the scheduler and the client.
import type { Rejection } from './rejection.js';

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
  /**
   * The connected account this request acts on (`Stripe-Account`), from the record's `stripe_account_field`;
   * it wins over the config's `stripe_account`. Checked to be an `acct_` id before it gets here.
   */
  stripeAccount?: string;
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

/** Sends one request through the client (pacing, retries, idempotency already handled). */
export type Send = (request: StripeRequest) => Promise<StripeOutcome>;
