import { describe, expect, it } from 'vitest';
import { ReferenceResolver, providerKey, type Reference } from '../../src/pipeline/references.js';
import type { Send, StripeRequest } from '../../src/core/stripe-request.js';

const bySku: Reference = { path: 'product', resource: 'products', matchingKey: 'sku' };

/** A Stripe that lists the given products (one page) and counts requests. */
function stripe(products: Array<{ id: string; sku: string }>) {
  const requests: StripeRequest[] = [];
  const send: Send = async (request) => {
    requests.push(request);
    return { kind: 'success', status: 200, body: { object: 'list', has_more: false, data: products.map((p) => ({ id: p.id, created: 1, metadata: { sku: p.sku } })) }, replayed: false, attempts: 1 };
  };
  return { send, requests };
}

const resolver = (options: { providers?: string[]; maxWaiting?: number; read?: 'bulk' | 'lookup' } = {}) =>
  new ReferenceResolver({
    providers: new Set(options.providers ?? []),
    knownIds: () => new Map(),
    log: () => {},
    ...(options.maxWaiting === undefined ? {} : { maxWaiting: options.maxWaiting }),
    ...(options.read === undefined ? {} : { read: options.read }),
  });

describe('ReferenceResolver', () => {
  it('resolves from one bulk read shared by every record, passes ids through, and leaves the record unchanged', async () => {
    const { send, requests } = stripe([{ id: 'prod_a', sku: 'A' }, { id: 'prod_b', sku: 'B' }]);
    const r = resolver();
    const record = { product: 'A', unit_amount: 1 };
    const results = await Promise.all([r.resolve(record, [bySku], undefined, {}, { send }), r.resolve({ product: 'B' }, [bySku], undefined, {}, { send }), r.resolve({ product: 'prod_zzz' }, [bySku], undefined, {}, { send })]);
    expect(results).toEqual([{ data: { product: 'prod_a', unit_amount: 1 } }, { data: { product: 'prod_b' } }, { data: { product: 'prod_zzz' } }]);
    expect(record.product).toBe('A');
    expect(requests).toHaveLength(1);
  });

  it('with existing_objects.read lookup, searches each distinct key once instead of listing', async () => {
    const { send, requests } = stripe([{ id: 'prod_a', sku: 'A' }]);
    const r = resolver({ read: 'lookup' });
    await Promise.all([r.resolve({ product: 'A' }, [bySku], undefined, {}, { send }), r.resolve({ product: 'A' }, [bySku], undefined, {}, { send })]);
    expect(requests.map((q) => q.path.split('?')[0])).toEqual(['/v1/products/search']);
  });

  it('reads each connected account on its own, with its Stripe-Account', async () => {
    const { send, requests } = stripe([{ id: 'prod_a', sku: 'A' }]);
    const r = resolver();
    await r.resolve({ product: 'A' }, [bySku], 'acct_1', {}, { send });
    await r.resolve({ product: 'A' }, [bySku], 'acct_2', {}, { send });
    await r.resolve({ product: 'A' }, [bySku], 'acct_1', {}, { send });
    expect(requests.map((q) => q.stripeAccount)).toEqual(['acct_1', 'acct_2']);
  });

  it('waits for the record of this sync that writes the object, and takes its id', async () => {
    const { send } = stripe([]);
    const r = resolver({ providers: [providerKey('products', 'sku')] });
    const waits: boolean[] = [];
    const pending = r.resolve({ product: 'A' }, [bySku], undefined, {}, { send, onWait: (w) => waits.push(w) });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const settle = r.expect(undefined, 'products', 'sku', 'A');
    settle({ kind: 'written', id: 'prod_new' });
    expect(await pending).toEqual({ data: { product: 'prod_new' } });
    expect(waits).toEqual([true, false]);
    // Later records find it at once.
    expect(await r.resolve({ product: 'A' }, [bySku], undefined, {}, { send })).toEqual({ data: { product: 'prod_new' } });
  });

  it('refuses at the end of the input what no record ever wrote, and refuses at once past the waiting cap', async () => {
    const { send } = stripe([]);
    const r = resolver({ providers: [providerKey('products', 'sku')], maxWaiting: 1 });
    const first = r.resolve({ product: 'A' }, [bySku], undefined, {}, { send });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = await r.resolve({ product: 'B' }, [bySku], undefined, {}, { send });
    expect(second).toMatchObject({ rejection: { code: 'reference_unresolved', param: 'product' } });
    expect('rejection' in second && second.rejection.reason).toMatch(/1 records already wait/);
    r.endOfInput();
    expect(await first).toMatchObject({ rejection: { code: 'reference_unresolved', reason: expect.stringMatching(/^no products object with sku = #[0-9a-f]{10}$/) } });
  });

  it('refuses without waiting when no stream of the sync writes that resource by that key', async () => {
    const { send } = stripe([]);
    const r = resolver({ providers: [providerKey('products', 'other_key')] });
    expect(await r.resolve({ product: 'A' }, [bySku], undefined, {}, { send })).toMatchObject({ rejection: { code: 'reference_unresolved' } });
  });

  it('refuses a value that is neither a string nor a number', async () => {
    const { send } = stripe([]);
    expect(await resolver().resolve({ product: { nested: 1 } }, [bySku], undefined, {}, { send })).toMatchObject({ rejection: { code: 'invalid_field', param: 'product' } });
  });
});
