// One record against the index: unchanged, update, create, refusals, and an object removed since the read.
import { describe, expect, it } from 'vitest';
import { createExistingObjects } from '../../src/resync/existing-objects.js';
import { planIndexed, runIndexed, type IndexedWrite } from '../../src/resync/execute.js';
import type { Send, StripeOutcome, StripeRequest } from '../../src/core/stripe-request.js';

const listed = [
  { id: 'cus_1', name: 'Ada', metadata: { ext: 'e1' } },
  { id: 'cus_2', name: 'Bob', metadata: { ext: 'dup' } },
  { id: 'cus_3', name: 'Cy', metadata: { ext: 'dup' } },
];

function fake(answers: Record<string, StripeOutcome> = {}) {
  const sent: StripeRequest[] = [];
  const send: Send = async (request) => {
    sent.push(request);
    if (request.method === 'GET') return { kind: 'success', status: 200, body: { data: listed, has_more: false }, replayed: false, attempts: 1 };
    // Stripe answers with the whole object: the listed one (if any) with the sent fields applied.
    const id = request.path.split('/')[3];
    const before = listed.find((o) => o.id === id) ?? { id: 'cus_new', metadata: {} };
    return answers[`${request.method} ${request.path}`] ?? { kind: 'success', status: 200, body: { ...before, ...request.body, metadata: { ...before.metadata, ...(request.body?.['metadata'] as object) } }, replayed: false, attempts: 1 };
  };
  return { send, sent };
}

const logs: string[] = [];
const existing = (diff = true) => createExistingObjects({ stream: 's', resource: 'customers', list: { path: '/v1/customers', filters: {}, createdRanges: true }, matchingKey: 'ext', diff, log: (_l, t) => void logs.push(t) });
const post = (path: string, body: Record<string, unknown>): StripeRequest => ({ method: 'POST', path, body, format: 'form' });
const write = (value: string, name: string, over: Partial<IndexedWrite> = {}): IndexedWrite => ({
  existing: existing(),
  value,
  object: 'customer',
  matchingKey: 'ext',
  compare: { name, metadata: { ext: value } },
  whenFound: (id) => post(`/v1/customers/${id}`, { name }),
  foundAction: 'update',
  whenMissing: { kind: 'create', request: post('/v1/customers', { name, metadata: { ext: value } }) },
  fallback: async () => {
    throw new Error('no fallback expected');
  },
  ...over,
});

describe('runIndexed', () => {
  it('settles an equal record as unchanged without a write, after one list request', async () => {
    const f = fake();
    expect(await runIndexed(write('e1', 'Ada'), f.send)).toEqual({ kind: 'unchanged', id: 'cus_1' });
    expect(f.sent.map((r) => r.method)).toEqual(['GET']);
    expect(logs.at(-1)).toContain('read 3 existing customers');
  });

  it('updates a changed record, creates a missing one, refuses an ambiguous key', async () => {
    const shared = existing();
    const f = fake();
    expect((await runIndexed(write('e1', 'Ada L.', { existing: shared }), f.send)).kind).toBe('success');
    expect((await runIndexed(write('e9', 'New', { existing: shared }), f.send)).kind).toBe('success');
    expect(await runIndexed(write('dup', 'X', { existing: shared }), f.send)).toMatchObject({ kind: 'rejected', status: 409, rejection: { code: 'ambiguous_match', param: 'ext' } });
    expect(f.sent.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual(['GET /v1/customers', 'POST /v1/customers/cus_1', 'POST /v1/customers']);
    // What was written is remembered: the same records again send nothing.
    expect((await runIndexed(write('e1', 'Ada L.', { existing: shared }), f.send)).kind).toBe('unchanged');
    expect((await runIndexed(write('e9', 'New', { existing: shared }), f.send)).kind).toBe('unchanged');
  });

  it('with diff off, a found record is always written', async () => {
    const f = fake();
    expect((await runIndexed(write('e1', 'Ada', { existing: existing(false) }), f.send)).kind).toBe('success');
    expect(f.sent).toHaveLength(2);
  });

  it('an object removed since the read: upsert creates it again', async () => {
    const f = fake({ 'POST /v1/customers/cus_1': { kind: 'rejected', status: 404, rejection: { code: 'resource_missing', reason: 'gone' }, attempts: 1 } });
    expect((await runIndexed(write('e1', 'Changed'), f.send)).kind).toBe('success');
    expect(f.sent.map((r) => r.path.split('?')[0])).toEqual(['/v1/customers', '/v1/customers/cus_1', '/v1/customers']);
  });

  it('update of a missing key is refused without a write; delete of one is done', async () => {
    const f = fake();
    const shared = existing();
    expect(await runIndexed(write('e9', 'x', { existing: shared, whenMissing: { kind: 'reject' } }), f.send)).toMatchObject({ kind: 'rejected', status: 404, rejection: { code: 'resource_missing' } });
    expect(await runIndexed(write('e9', 'x', { existing: shared, whenMissing: { kind: 'done' }, foundAction: 'delete' }), f.send)).toEqual({ kind: 'unchanged' });
    expect(f.sent).toHaveLength(1);
  });

  it('falls back to per-record lookups when the read was refused', async () => {
    const send: Send = async () => ({ kind: 'rejected', status: 403, rejection: { code: 'permission_denied', reason: 'x' }, attempts: 1 });
    let fellBack = 0;
    const outcome = await runIndexed(write('e1', 'Ada', { fallback: async () => (fellBack++, { kind: 'success', status: 200, body: {}, replayed: false, attempts: 1 }) }), send);
    expect(outcome.kind).toBe('success');
    expect(fellBack).toBe(1);
    expect(logs.at(-1)).toContain('listing customers was refused (403 permission_denied)');
  });
});

describe('planIndexed', () => {
  it('plans without writing, and follows its own plan for a second record with the same key', async () => {
    const f = fake();
    const shared = existing();
    expect(await planIndexed(write('e1', 'Ada', { existing: shared }), f.send)).toEqual({ action: 'unchanged' });
    expect(await planIndexed(write('e1', 'Ada L.', { existing: shared }), f.send)).toEqual({ action: 'update', changed: ['name'] });
    expect(await planIndexed(write('e1', 'Ada L.', { existing: shared }), f.send)).toEqual({ action: 'unchanged' });
    expect(await planIndexed(write('e7', 'N', { existing: shared }), f.send)).toEqual({ action: 'create' });
    expect(await planIndexed(write('e7', 'N', { existing: shared }), f.send)).toEqual({ action: 'unchanged' });
    expect(await planIndexed(write('e1', '', { existing: shared, foundAction: 'delete', compare: undefined }), f.send)).toEqual({ action: 'delete' });
    expect(f.sent.every((r) => r.method === 'GET')).toBe(true);
  });
});
