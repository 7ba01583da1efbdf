// Tests for mapping Stripe responses to success, rejection, config error or retry.
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/protocol/errors.js';
import { headerValue, mapResponse, readStripeError, redactSecrets } from '../../src/stripe/errors.js';

const headers = { 'request-id': 'req_abc123' };
const stripeError = (error: Record<string, unknown>) => ({ error });

describe('mapResponse', () => {
  it.each([200, 201, 204, 299])('%d is a success', (status) => {
    expect(mapResponse({ status, body: {}, headers })).toEqual({ kind: 'success' });
  });

  it.each([409, 429, 500, 502, 503, 504])('%d is retryable', (status) => {
    expect(mapResponse({ status, body: stripeError({ type: 'api_error' }), headers })).toEqual({ kind: 'retryable' });
  });

  it.each([
    [
      '400 missing param',
      400,
      { type: 'invalid_request_error', code: 'parameter_missing', param: 'email', message: 'Missing required param: email.' },
      { code: 'parameter_missing', param: 'email', type: 'invalid_request_error', status: 400, requestId: 'req_abc123' },
    ],
    [
      '402 card declined',
      402,
      { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
      { code: 'card_declined', declineCode: 'insufficient_funds', type: 'card_error', status: 402 },
    ],
    ['404 resource missing', 404, { type: 'invalid_request_error', code: 'resource_missing', param: 'id' }, { code: 'resource_missing', param: 'id', status: 404 }],
    ['400 idempotency error', 400, { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters' }, { code: 'idempotency_error', type: 'idempotency_error' }],
    ['424 external dependency', 424, { type: 'api_error', code: 'external_dependency_failed' }, { code: 'external_dependency_failed', status: 424 }],
    ['400 without a body', 400, undefined, { code: 'http_400', status: 400 }],
    ['302 unexpected redirect', 302, '<html>', { code: 'http_302', status: 302 }],
  ])('%s is a rejection', (_name, status, error, expected) => {
    const body = error === undefined || typeof error === 'string' ? error : stripeError(error);
    const mapped = mapResponse({ status, body, headers });
    expect(mapped.kind).toBe('rejected');
    if (mapped.kind !== 'rejected') return;
    expect(mapped.rejection).toMatchObject(expected);
    expect(mapped.rejection.reason).toContain(String(status));
    // The Request-Id has its own field (rejection.requestId): the rejection line prints it once.
    expect(mapped.rejection.reason).not.toContain('req_abc123');
  });

  it('keeps record values such as e-mails and keys out of the reason', () => {
    const body = stripeError({ type: 'invalid_request_error', code: 'email_invalid', param: 'email', message: 'Invalid email address: jane.doe@example.com (key sk_test_abcDEF123)' });
    const mapped = mapResponse({ status: 400, body, headers });
    if (mapped.kind !== 'rejected') throw new Error('expected a rejection');
    expect(mapped.rejection.reason).not.toContain('jane.doe@example.com');
    expect(mapped.rejection.reason).not.toContain('abcDEF123');
    expect(mapped.rejection.reason).toContain('param email');
  });

  it('401 is a config error about the key, with the Request-Id', () => {
    const mapped = mapResponse({ status: 401, body: stripeError({ type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_****1234' }), headers });
    expect(mapped.kind).toBe('config');
    if (mapped.kind !== 'config') return;
    expect(mapped.error).toBeInstanceOf(ConnectorError);
    expect(mapped.error.failureType).toBe('config_error');
    expect(mapped.error.message).toMatch(/^The Stripe API key was refused \(401\)/);
    expect(mapped.error.message).toContain('req_abc123');
  });

  it("403 is a config error naming the missing permission from Stripe's message, redacted", () => {
    const message = "The provided key 'rk_test_secretpart' does not have the required permissions for this endpoint: rak_customer_write.";
    const mapped = mapResponse({ status: 403, body: stripeError({ type: 'invalid_request_error', message }), headers: { 'request-id': ['req_x9'] } });
    if (mapped.kind !== 'config') throw new Error('expected a config error');
    expect(mapped.error.failureType).toBe('config_error');
    expect(mapped.error.message).toContain('rak_customer_write');
    expect(mapped.error.message).toContain('req_x9');
    expect(mapped.error.message).not.toContain('secretpart');
    expect(mapped.error.internalMessage).not.toContain('secretpart');
  });
});

describe('redactSecrets', () => {
  it.each([
    ['key sk_live_51Habc', 'key sk_live_[redacted]'],
    ['rk_test_x and pk_live_y', 'rk_test_[redacted] and pk_live_[redacted]'],
    ['sk_test_tail_with_underscores', 'sk_test_[redacted]'],
    ['mail a.b+c@d.example.org now', 'mail [email] now'],
    ['No such customer: cus_123', 'No such customer: cus_123'],
    ['sk_other_abc', 'sk_other_abc'],
  ])('%s → %s', (text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });
});

describe('readStripeError', () => {
  it.each([
    [null, {}],
    ['text', {}],
    [{ error: 'x' }, {}],
    [{ error: { type: 'api_error', code: 5, message: '' } }, { type: 'api_error' }],
  ])('%j → %j', (body, expected) => {
    expect(JSON.parse(JSON.stringify(readStripeError(body)))).toEqual(expected);
  });
});

describe('headerValue', () => {
  it('reads single and repeated headers', () => {
    expect(headerValue({ 'request-id': 'a' }, 'Request-Id')).toBe('a');
    expect(headerValue({ 'request-id': ['b', 'c'] }, 'request-id')).toBe('b');
    expect(headerValue({}, 'request-id')).toBeUndefined();
  });
});
