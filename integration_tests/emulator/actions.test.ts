// Cancel and void endpoints: new object states, status rules, unknown ids, parameters and idempotency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './server.js';
import { client, createId } from './test-client.js';

let emulator: Emulator;
let api: ReturnType<typeof client>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: null });
  api = client(emulator.url);
  const make = (path: string, form: Record<string, unknown>): Promise<string> => createId(api, path, form);
  ids.customer = await make('/v1/customers', { name: 'Ada' });
  ids.invoice = await make('/v1/invoices', { customer: ids.customer });
  ids.charge = await make('/v1/charges', { amount: 1000, currency: 'usd', source: 'tok_visa' });
});
afterAll(() => emulator.stop());

const create = async (path: string, form: Record<string, unknown>) => (await api.post(path, form)).body as { id: string; status: string };
const key = (k: string): Record<string, string> => ({ 'Idempotency-Key': k });

describe('cancel and void', () => {
  it('cancels a payment intent with canceled_at and the reason', async () => {
    const pi = await create('/v1/payment_intents', { amount: 500, currency: 'usd' });
    expect(pi.status).toBe('requires_payment_method');
    const r = await api.post(`/v1/payment_intents/${pi.id}/cancel`, { cancellation_reason: 'duplicate' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ id: pi.id, object: 'payment_intent', status: 'canceled', cancellation_reason: 'duplicate' });
    expect(typeof r.body.canceled_at).toBe('number');
    expect(emulator.objects('payment_intents').find((o) => o.id === pi.id)).toMatchObject({ status: 'canceled' });
  });

  it('refuses to cancel a payment intent that succeeded, or one already canceled', async () => {
    const done = await create('/v1/payment_intents', { amount: 500, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' });
    expect(done.status).toBe('succeeded');
    const r = await api.post(`/v1/payment_intents/${done.id}/cancel`);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code: 'payment_intent_unexpected_state' });
    expect(r.body.error.message).toContain('status of succeeded');
    const pi = await create('/v1/payment_intents', { amount: 500, currency: 'usd' });
    await api.post(`/v1/payment_intents/${pi.id}/cancel`);
    expect((await api.post(`/v1/payment_intents/${pi.id}/cancel`)).body.error.code).toBe('payment_intent_unexpected_state');
  });

  it('cancels a setup intent (cancellation_reason null when none is given)', async () => {
    const si = await create('/v1/setup_intents', {});
    const r = await api.post(`/v1/setup_intents/${si.id}/cancel`);
    expect(r.body).toMatchObject({ id: si.id, object: 'setup_intent', status: 'canceled', cancellation_reason: null });
  });

  it('cancels a draft quote and records when in status_transitions', async () => {
    const q = await create('/v1/quotes', { customer: ids.customer });
    const r = await api.post(`/v1/quotes/${q.id}/cancel`);
    expect(r.body).toMatchObject({ id: q.id, object: 'quote', status: 'canceled' });
    expect(typeof r.body.status_transitions.canceled_at).toBe('number');
    expect((await api.post(`/v1/quotes/${q.id}/cancel`)).status).toBe(400);
  });

  it('cancels only a refund that waits for customer action', async () => {
    const waiting = await create('/v1/refunds', { charge: ids.charge, instructions_email: 'ada@example.com' });
    expect(waiting.status).toBe('requires_action');
    const r = await api.post(`/v1/refunds/${waiting.id}/cancel`);
    expect(r.body).toMatchObject({ id: waiting.id, object: 'refund', status: 'canceled' });
    const succeeded = await create('/v1/refunds', { charge: ids.charge });
    expect(succeeded.status).toBe('succeeded');
    const refused = await api.post(`/v1/refunds/${succeeded.id}/cancel`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('requires_action');
  });

  it('voids an issued credit note with voided_at, once', async () => {
    const cn = await create('/v1/credit_notes', { invoice: ids.invoice, amount: 100 });
    const r = await api.post(`/v1/credit_notes/${cn.id}/void`);
    expect(r.body).toMatchObject({ id: cn.id, object: 'credit_note', status: 'void' });
    expect(typeof r.body.voided_at).toBe('number');
    expect((await api.post(`/v1/credit_notes/${cn.id}/void`)).status).toBe(400);
  });

  it.each([
    ['/v1/payment_intents/pi_missing/cancel', 'payment intent'],
    ['/v1/setup_intents/seti_missing/cancel', 'setup intent'],
    ['/v1/quotes/qt_missing/cancel', 'quote'],
    ['/v1/refunds/re_missing/cancel', 'refund'],
    ['/v1/credit_notes/cn_missing/void', 'credit note'],
  ])('%s is a 404 resource_missing', async (path, name) => {
    const r = await api.post(path);
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing', param: 'id' });
    expect(r.body.error.message).toBe(`No such ${name}: '${path.split('/')[3]!}'`);
  });

  it('refuses unknown parameters and reasons, other verbs and other methods', async () => {
    const pi = await create('/v1/payment_intents', { amount: 500, currency: 'usd' });
    expect((await api.post(`/v1/payment_intents/${pi.id}/cancel`, { bogus: 'x' })).body.error).toMatchObject({ code: 'parameter_unknown', param: 'bogus' });
    expect((await api.post(`/v1/payment_intents/${pi.id}/cancel`, { cancellation_reason: 'bored' })).body.error).toMatchObject({ code: 'parameter_invalid_enum', param: 'cancellation_reason' });
    expect((await api.post(`/v1/payment_intents/${pi.id}/void`)).status).toBe(404);
    expect((await api.post(`/v1/customers/${ids.customer!}/cancel`)).status).toBe(404);
    expect((await api.get(`/v1/payment_intents/${pi.id}/cancel`)).status).toBe(404);
    expect(emulator.objects('payment_intents').find((o) => o.id === pi.id)).toMatchObject({ status: 'requires_payment_method' });
  });

  it('replays a cancel for the same idempotency key, and the stored refusal for a missing object', async () => {
    const pi = await create('/v1/payment_intents', { amount: 500, currency: 'usd' });
    const first = await api.post(`/v1/payment_intents/${pi.id}/cancel`, {}, key(`cancel-${pi.id}`));
    const again = await api.post(`/v1/payment_intents/${pi.id}/cancel`, {}, key(`cancel-${pi.id}`));
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.canceled_at).toBe(first.body.canceled_at);
    const missing = await api.post('/v1/refunds/re_gone/cancel', {}, key('cancel-gone'));
    const replay = await api.post('/v1/refunds/re_gone/cancel', {}, key('cancel-gone'));
    expect([missing.status, replay.status]).toEqual([404, 404]);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const mismatch = await api.post(`/v1/payment_intents/${pi.id}/cancel`, { cancellation_reason: 'abandoned' }, key(`cancel-${pi.id}`));
    expect(mismatch.body.error.type).toBe('idempotency_error');
  });
});
