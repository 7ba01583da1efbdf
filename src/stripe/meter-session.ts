// A cached v2 meter event session token: opened on demand, renewed before it expires, one renewal at a time.
import { randomUUID } from 'node:crypto';
import { configError, systemError } from '../protocol/errors.js';
import type { StripeOutcome, StripeRequest } from '../core/stripe-request.js';

export interface MeterSessionOptions {
  send: (request: StripeRequest) => Promise<StripeOutcome>;
  /** Unix ms; default Date.now. */
  now?: () => number;
  /** Renew this long before `expires_at` (at most half the session's lifetime). Default 60 000. */
  renewBeforeMs?: number;
}

export interface MeterSession {
  /** A token valid for at least the renewal margin; concurrent callers share one renewal. */
  token(): Promise<string>;
  /** Forgets the cached token (after the stream called it expired). With a token: only if it is still the cached one. */
  invalidate(token?: string): void;
}

export const METER_SESSION_PATH = '/v2/billing/meter_event_session';

interface Cached {
  token: string;
  /** Unix ms from which token() opens a new session. */
  renewAt: number;
}

export function createMeterSession(options: MeterSessionOptions): MeterSession {
  const { send } = options;
  const now = options.now ?? Date.now;
  const renewBeforeMs = options.renewBeforeMs ?? 60_000;
  let cached: Cached | undefined;
  let pending: Promise<string> | undefined;

  async function open(): Promise<string> {
    const openedAt = now();
    // A fresh key per renewal: a retried attempt cannot open two sessions, and a new renewal is never a replay.
    const outcome = await send({
      method: 'POST',
      path: METER_SESSION_PATH,
      host: 'api',
      format: 'json',
      body: {},
      idempotencyKey: `dst-stripe-mes-${randomUUID()}`,
    });
    if (outcome.kind !== 'success') {
      const { code } = outcome.rejection;
      const status = outcome.status ?? outcome.rejection.status;
      throw configError(
        `Stripe refused to open a meter event session (${status ?? 'no status'} ${code}): check that the key may write billing meter events.`,
        outcome.rejection.reason,
      );
    }
    const body = outcome.body as { authentication_token?: unknown; expires_at?: unknown } | undefined;
    const token = body?.authentication_token;
    const expiresAt = typeof body?.expires_at === 'string' ? Date.parse(body.expires_at) : Number.NaN;
    if (typeof token !== 'string' || token === '' || !Number.isFinite(expiresAt)) {
      throw systemError('The meter event session answer lacks authentication_token or a valid expires_at.');
    }
    const margin = Math.min(renewBeforeMs, Math.max(0, (expiresAt - openedAt) / 2));
    cached = { token, renewAt: expiresAt - margin };
    return token;
  }

  return {
    token() {
      if (cached && now() < cached.renewAt) return Promise.resolve(cached.token);
      if (!pending) {
        pending = open().finally(() => {
          pending = undefined;
        });
      }
      return pending;
    },
    invalidate(token) {
      if (token === undefined || cached?.token === token) cached = undefined;
    },
  };
}
