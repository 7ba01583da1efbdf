// External-key operations: search or memory, then update, create (deterministic key), reject or nothing.
import { describe, expect, it } from 'vitest';
import { createTemplateMapper } from '../../src/mapping/template.js';
import type { MappedRequest } from '../../src/core/mapped-request.js';
import type { Send, StripeOutcome, StripeRequest } from '../../src/core/stripe-request.js';
import { externalCreateKey, searchQuery, searchRequest } from '../../src/mapping/upsert.js';

const ok = (body: unknown): StripeOutcome => ({ kind: 'success', status: 200, body, replayed: false, attempts: 1 });

/** A fake Stripe: answers searches with `found` ids and writes with an object id. */
function fakeSend(found: string[]): { send: Send; sent: StripeRequest[] } {
  const sent: StripeRequest[] = [];
  const send: Send = async (request) => {
    sent.push(request);
    if (request.method === 'GET') return ok({ object: 'search_result', data: found.map((id) => ({ id })) });
    return ok({ id: request.path.split('/')[3] ?? 'cus_new' });
  };
  return { send, sent };
}

function mapped(operation: 'upsert' | 'update' | 'delete', knownIds = new Map<string, string>(), record: Record<string, unknown> = { crm_id: 'c-1', name: 'Ada' }): MappedRequest {
  const result = createTemplateMapper({ resource: 'customers', operation, matchingKey: 'crm_id', idempotencyKey: () => ({ key: 'k' }), knownIds })(
    operation === 'delete' ? { crm_id: record['crm_id'] } : record,
  );
  if (result.kind !== 'request' || !result.execute) throw new Error('expected an execute step');
  return result;
}

describe('external-key upsert', () => {
  it('updates the object search finds, keeping the key in metadata', async () => {
    const { send, sent } = fakeSend(['cus_9']);
    const outcome = await mapped('upsert').execute!(send);
    expect(outcome.kind).toBe('success');
    expect(sent.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual(['GET /v1/customers/search', 'POST /v1/customers/cus_9']);
    expect(sent[1]!.body).toEqual({ name: 'Ada', metadata: { crm_id: 'c-1' } });
  });

  it('creates with a key derived from (resource, matching key, value) only, and remembers the id', async () => {
    const knownIds = new Map<string, string>();
    const { send, sent } = fakeSend([]);
    const first = mapped('upsert', knownIds);
    expect(first.objectKey).toBe('customers:c-1');
    await first.execute!(send);
    expect(sent[1]).toMatchObject({ method: 'POST', path: '/v1/customers', idempotencyKey: externalCreateKey('customers', 'crm_id', 'c-1') });
    expect(sent[1]!.body).toEqual({ name: 'Ada', metadata: { crm_id: 'c-1' } });
    // Same key, other content: the created object is found in memory, no search, an update.
    await mapped('upsert', knownIds, { crm_id: 'c-1', name: 'Ada L.' }).execute!(send);
    expect(sent.slice(2).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/customers/cus_new']);
    expect(externalCreateKey('customers', 'crm_id', 'c-1')).toBe(externalCreateKey('customers', 'crm_id', 'c-1'));
    expect(externalCreateKey('customers', 'crm_id', 'c-1')).not.toBe(externalCreateKey('customers', 'crm_id', 'c-2'));
  });

  it('refuses several matches', async () => {
    const outcome = await mapped('upsert').execute!(fakeSend(['cus_1', 'cus_2']).send);
    expect(outcome).toMatchObject({ kind: 'rejected', rejection: { code: 'ambiguous_match', param: 'crm_id' } });
  });

  it('refuses a create that lacks required fields only when nothing matched', async () => {
    const result = () =>
      createTemplateMapper({ resource: 'prices', operation: 'upsert', matchingKey: 'sku', idempotencyKey: () => ({ key: 'k' }) })({ sku: 's-1', nickname: 'Std' }) as MappedRequest;
    expect((await result().execute!(fakeSend(['price_1']).send)).kind).toBe('success');
    expect(await result().execute!(fakeSend([]).send)).toMatchObject({ kind: 'rejected', rejection: { code: 'validation_failed', param: 'currency' } });
  });

  it('update by external key refuses a missing object; delete counts it done', async () => {
    expect(await mapped('update').execute!(fakeSend([]).send)).toMatchObject({ kind: 'rejected', status: 404, rejection: { code: 'resource_missing' } });
    const { send, sent } = fakeSend([]);
    expect(await mapped('delete').execute!(send)).toMatchObject({ kind: 'success', status: 404 });
    expect(sent).toHaveLength(1);
  });

  it('delete by external key deletes what search finds', async () => {
    const { send, sent } = fakeSend(['cus_4']);
    await mapped('delete').execute!(send);
    expect(sent[1]).toMatchObject({ method: 'DELETE', path: '/v1/customers/cus_4' });
  });

  it.each([
    ['crm_id', 'c-1', "metadata['crm_id']:'c-1'"],
    ['k', "o'brien\\x", "metadata['k']:'o\\'brien\\\\x'"],
  ])('quotes the search query for %s', (key, value, query) => {
    expect(searchQuery(key, value)).toBe(query);
    expect(new URLSearchParams(searchRequest('/v1/customers', key, value).path.split('?')[1]).get('query')).toBe(query);
  });
});
