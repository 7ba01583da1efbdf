// Tests how a settled record becomes a webhook document, and how secrets are masked when it is serialized.
import { describe, expect, it } from 'vitest';
import { buildForwardedResponse, serializeRedacted, type DocumentInput } from '../../src/pipeline/responses-document.js';

const now = () => new Date('2026-01-01T00:00:00Z');
const request = { method: 'POST' as const, path: '/v1/customers', format: 'form' as const, idempotencyKey: 'k1', body: { email: 'a@b.c' } };
const base: DocumentInput = {
  context: { stream: 'users', namespace: 'crm', position: 7, primaryKey: [42] },
  mapped: { operation: 'create', request },
  outcome: { kind: 'written', effect: 'created', id: 'cus_1' },
  includeRequestBody: false,
  now,
};

describe('buildForwardedResponse', () => {
  it('describes a written record', () => {
    const doc = buildForwardedResponse({
      ...base,
      stripe: { kind: 'success', status: 200, body: { id: 'cus_1' }, requestId: 'req_1', replayed: false, attempts: 1 },
    });
    expect(doc).toEqual({
      stream: 'users',
      namespace: 'crm',
      position: 7,
      primary_key: [42],
      operation: 'create',
      request: { method: 'POST', path: '/v1/customers', idempotency_key: 'k1' },
      response: { status: 200, request_id: 'req_1', body: { id: 'cus_1' } },
      outcome: 'created',
      emitted_at: '2026-01-01T00:00:00.000Z',
    });
  });

  it('describes an unchanged record: no request, no response, the matched object id', () => {
    const doc = buildForwardedResponse({ ...base, mapped: { operation: 'upsert', request }, outcome: { kind: 'written', effect: 'unchanged', id: 'cus_9' } });
    expect(doc).toEqual({ stream: 'users', namespace: 'crm', position: 7, primary_key: [42], operation: 'upsert', outcome: 'unchanged', object_id: 'cus_9', emitted_at: '2026-01-01T00:00:00.000Z' });
  });

  it('describes a rejected record with Stripe error fields, and the body when asked', () => {
    const rejection = { code: 'card_declined', reason: 'Your card was declined.', param: 'source', type: 'card_error', declineCode: 'insufficient_funds', requestId: 'req_2', status: 402 };
    const doc = buildForwardedResponse({
      ...base,
      includeRequestBody: true,
      stripe: { kind: 'rejected', status: 402, rejection, body: { error: { code: 'card_declined' } }, attempts: 1 },
      outcome: { kind: 'rejected', rejection },
    });
    expect(doc.request?.body).toEqual({ email: 'a@b.c' });
    expect(doc.response).toEqual({ status: 402, request_id: 'req_2', body: { error: { code: 'card_declined' } } });
    expect(doc.error).toEqual({ type: 'card_error', code: 'card_declined', param: 'source', message: 'Your card was declined.', decline_code: 'insufficient_funds' });
    expect(doc.outcome).toBe('rejected');
  });

  it('describes a record refused before any request', () => {
    const doc = buildForwardedResponse({
      context: { stream: 'users', position: 1 },
      outcome: { kind: 'rejected', rejection: { code: 'missing_field', reason: 'record has no field at message.id', param: 'id' } },
      includeRequestBody: true,
      now,
    });
    expect(doc).toEqual({
      stream: 'users',
      position: 1,
      operation: 'none',
      outcome: 'rejected',
      error: { code: 'missing_field', message: 'record has no field at message.id', param: 'id' },
      emitted_at: '2026-01-01T00:00:00.000Z',
    });
  });

  it('leaves the response out when Stripe never answered', () => {
    const rejection = { code: 'network_error', reason: 'connection reset' };
    const doc = buildForwardedResponse({ ...base, stripe: { kind: 'rejected', rejection, attempts: 3 }, outcome: { kind: 'rejected', rejection } });
    expect(doc.response).toBeUndefined();
  });
});

describe('serializeRedacted', () => {
  it.each([
    [{ a: 'sk_test_emulator' }, [], '{"a":"**********"}'],
    [{ a: 'x rk_live_AbC123 y' }, [], '{"a":"x ********** y"}'],
    [{ a: 'my-webhook-token' }, ['my-webhook-token'], '{"a":"**********"}'],
    [{ a: 'q"uo\\te' }, ['q"uo\\te'], '{"a":"**********"}'],
    [{ a: 'abc' }, ['abc'], '{"a":"abc"}'],
    [{ a: 'pk_test_123' }, [], '{"a":"pk_test_123"}'],
  ])('%j with secrets %j', (payload, secrets, expected) => {
    expect(serializeRedacted(payload, secrets)).toBe(expected);
  });
});
