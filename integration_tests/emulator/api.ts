// The API pipeline: auth → rate limit → faults → body → idempotency → latency → validation → execution.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { authenticate, mask } from './auth.js';
import { accountInvalid, ApiError, errorJson, invalid, unrecognizedUrl } from './errors.js';
import { parseForm } from './form.js';
import { newRequestId } from './ids.js';
import { planV1, type Execute } from './resources.js';
import { planV2Resource } from './v2-resources.js';
import { sendError, sendJson } from './respond.js';
import type { EmulatorState } from './state.js';
import { platform } from './store.js';
import type { FaultKind, LoggedRequest } from './types.js';
import { limitsFor } from './rate-limit.js';
import { requestFingerprint } from './fingerprint.js';

const streamPath = '/v2/billing/meter_event_stream';
const sessionPath = '/v2/billing/meter_event_session';

export async function handleApi(state: EmulatorState, req: IncomingMessage, res: ServerResponse, raw: string, path: string, query: string, log: LoggedRequest): Promise<void> {
  const requestId = newRequestId();
  const method = req.method ?? 'GET';
  const fail = (e: ApiError): void => {
    log.status = e.status;
    sendError(res, e, requestId);
  };
  try {
    const isV2 = path.startsWith('/v2/');
    // 1. Who is calling: an API key, or a meter event session token on the stream.
    let account = headerValue(req.headers['stripe-account']) ?? platform;
    let livemode: boolean;
    if (path === streamPath) {
      const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
      const session = state.meter.session(token);
      account = session.account;
      livemode = session.livemode;
    } else {
      const caller = authenticate(req.headers.authorization, state.options.live === true);
      livemode = caller.livemode;
      // Acting on a connected account: the key must have access to it, else Stripe's 403 account_invalid.
      if (account !== platform && !state.isConnected(account)) throw accountInvalid(mask(caller.key), account);
    }
    if (account !== platform) log.account = account;
    // 2. Rate limits, in front of everything else: the endpoint's bucket and the account's global one.
    const limited = state.limiter.takeAll(limitsFor(method, path, `${livemode ? 'live' : 'test'}:${account}`, livemode, state.limitSettings(livemode)));
    if (limited) throw rateLimited();
    // 3. Faults that strike before the request reaches the idempotency layer.
    const fault = state.faults.next();
    if (fault) log.fault = fault;
    if (fault === 'reset_before') return drop(res, log);
    if (fault === 'hang') return hang(state, res, log);
    if (fault) preExecutionFault(fault);
    // 4. The body.
    const params = isV2 ? parseJson(raw) : parseV1(method, raw, query, req.headers['content-type']);
    // 5. Idempotency.
    const key = headerValue(req.headers['idempotency-key']);
    if (key !== undefined) log.idempotencyKey = key.slice(0, 300);
    const idempotent = key !== undefined && (method === 'POST' || (isV2 && method === 'DELETE'));
    let scope: string | undefined;
    if (idempotent) {
      if (key.length > 255) throw invalid('Idempotency keys can be at most 255 characters long.', 'idempotency_key_too_long', 'Idempotency-Key');
      scope = `${livemode ? 'live' : 'test'}:${account}:${key}`;
      const found = state.idempotency.begin(scope, requestFingerprint(method, path, params));
      if (found.kind === 'replay') {
        log.status = found.answer.status;
        log.replayed = true;
        sendJson(res, found.answer.status, found.answer.body, requestId, { ...found.answer.headers, 'Idempotent-Replayed': 'true' });
        return;
      }
      if (found.kind === 'mismatch') {
        scope = undefined;
        throw new ApiError(400, { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.` });
      }
      if (found.kind === 'in_flight') {
        scope = undefined;
        throw new ApiError(409, { type: 'invalid_request_error', code: 'idempotency_key_in_use', message: 'There is currently another in-progress request using this Stripe API key and idempotency key. Please try again later.' });
      }
    }
    const finish = (status: number, body: string, headers: Record<string, string> = {}): void => {
      if (scope) state.idempotency.complete(scope, { status, body, headers });
      log.status = status;
      if (fault === 'reset_after') return drop(res, log);
      sendJson(res, status, body, requestId, headers);
    };
    try {
      // 6. Time "spent" executing: base latency and jitter, plus a latency fault.
      const delay = latency(state) + (fault === 'latency' ? state.faults.latencyFaultMs : 0);
      if (delay > 0) await sleep(delay);
      // 7. Validation (nothing stored when it fails), then execution (its result is stored).
      const execute = isV2 ? planV2(state, method, path, params, account, livemode) : planV1({ method, path, params, account, livemode }, { store: state.store, meter: state.meter, checkReferences: state.options.checkReferences !== false, searchLagSeconds: () => state.searchLagSeconds });
      if (fault === '500' || fault === '500_no_retry') {
        const e = new ApiError(500, { type: 'api_error', message: 'An unknown error occurred (injected by the emulator).' }, true, fault === '500_no_retry' ? { 'Stripe-Should-Retry': 'false' } : {});
        return finish(500, errorJson(e.body, requestId), e.headers);
      }
      let result: { status: number; body: unknown };
      try {
        result = execute();
      } catch (e) {
        if (!(e instanceof ApiError) || !e.storable) throw e;
        return finish(e.status, errorJson(e.body, requestId), e.headers);
      }
      finish(result.status, JSON.stringify(result.body));
    } finally {
      if (scope) state.idempotency.release(scope);
    }
  } catch (e) {
    if (e instanceof ApiError) return fail(e);
    log.status = 500;
    sendError(res, new ApiError(500, { type: 'api_error', message: `Emulator error: ${e instanceof Error ? e.message : String(e)}` }), requestId);
  }
}

/** Stripe's 429: `invalid_request_error` with code `rate_limit`, whichever limit was hit (the answer does not say). */
function rateLimited(injected = false): ApiError {
  const message = `Request rate limit exceeded. You can learn more about rate limits here https://stripe.com/docs/rate-limits.${injected ? ' (injected by the emulator)' : ''}`;
  return new ApiError(429, { type: 'invalid_request_error', code: 'rate_limit', doc_url: 'https://stripe.com/docs/error-codes/rate-limit', message });
}

function preExecutionFault(fault: FaultKind): void {
  if (fault === '429') throw rateLimited(true);
  if (fault === 'lock_timeout') throw new ApiError(409, { type: 'invalid_request_error', code: 'lock_timeout', message: 'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. Please try again later (injected by the emulator).' });
  if (fault === '500_retry') throw new ApiError(500, { type: 'api_error', message: 'An unknown error occurred before the request executed (injected by the emulator).' }, false, { 'Stripe-Should-Retry': 'true' });
}

function drop(res: ServerResponse, log: LoggedRequest): void {
  log.status = 0;
  res.socket?.destroy();
  res.destroy();
}

function hang(state: EmulatorState, res: ServerResponse, log: LoggedRequest): void {
  log.status = 0;
  const timer = setTimeout(() => {
    state.hangs.delete(timer);
    drop(res, log);
  }, state.faults.hangMs);
  state.hangs.add(timer);
}

function latency(state: EmulatorState): number {
  const drawn = state.latency.draw();
  if (drawn !== undefined) return drawn;
  const base = state.options.latencyMs ?? 0;
  const jitter = state.options.latencyJitterMs ?? 0;
  return base + (jitter > 0 ? state.faults.draw() * jitter : 0);
}

function parseV1(method: string, raw: string, query: string, contentType: string | undefined): Record<string, unknown> {
  if (method !== 'POST') return parseForm(query);
  if (contentType?.toLowerCase().startsWith('application/json')) {
    throw invalid('Invalid request: v1 request bodies must be form-encoded (Content-Type: application/x-www-form-urlencoded), not JSON.', 'parameter_invalid', undefined);
  }
  return parseForm(raw);
}

function parseJson(raw: string): Record<string, unknown> {
  if (!raw.trim()) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw invalid('Invalid request: v2 request bodies must be a JSON object.', 'parameter_invalid');
}

function planV2(state: EmulatorState, method: string, path: string, params: Record<string, unknown>, account: string, livemode: boolean): Execute {
  if (method === 'POST' && path === sessionPath) return () => ({ status: 200, body: state.meter.openSession(account, livemode) });
  if (method === 'POST' && path === streamPath) {
    state.meter.checkStream(params);
    return () => {
      state.meter.acceptStream(account, params);
      return { status: 200, body: {} };
    };
  }
  const resource = planV2Resource(method, path, params, account, livemode, state.store);
  if (resource) return resource;
  throw unrecognizedUrl(method, path);
}

function headerValue(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}
