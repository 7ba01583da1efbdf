import { describe, expect, it } from 'vitest';
import { accountIds, accountKey, onAccount, takeAccount } from '../../src/mapping/connect-account.js';
import type { MappedRequest } from '../../src/core/mapped-request.js';
import type { StripeRequest } from '../../src/core/stripe-request.js';

describe('takeAccount', () => {
  it('takes a valid account out of the record', () => {
    expect(takeAccount({ acct: 'acct_1AbC', name: 'n' }, 'acct')).toEqual({ account: 'acct_1AbC', data: { name: 'n' } });
  });

  it('leaves no account for an absent, null or empty field (the field never stays in the data)', () => {
    expect(takeAccount({ name: 'n' }, 'acct')).toEqual({ data: { name: 'n' } });
    expect(takeAccount({ acct: null, name: 'n' }, 'acct')).toEqual({ data: { name: 'n' } });
    expect(takeAccount({ acct: '', name: 'n' }, 'acct')).toEqual({ data: { name: 'n' } });
  });

  it.each([['cus_123'], ['acct_'], ['acct_12 3'], ['acct_1/../x'], [42]])('refuses %s, naming the field and not the value', (value) => {
    const taken = takeAccount({ acct: value }, 'acct');
    expect(taken).toMatchObject({ rejection: { code: 'invalid_field', param: 'acct' } });
    if ('rejection' in taken && String(value) !== 'acct_') expect(taken.rejection.reason).not.toContain(String(value));
  });
});

describe('onAccount', () => {
  const create: StripeRequest = { method: 'POST', path: '/v1/customers', body: { name: 'n' }, format: 'form', idempotencyKey: 'dst-stripe-create-abc' };
  const update: StripeRequest = { method: 'POST', path: '/v1/customers/cus_1', body: { name: 'n' }, format: 'form', idempotencyKey: 'dst-stripe-update-abc' };

  it('scopes every request, the object key and the idempotency keys to the account', async () => {
    const seen: StripeRequest[] = [];
    const mapped: MappedRequest = {
      kind: 'request',
      request: create,
      objectKey: '/v1/customers#k',
      operation: 'upsert',
      onMissing: update,
      execute: async (send) => {
        await send({ method: 'GET', path: '/v1/customers?limit=100', format: 'form' });
        return send(create);
      },
    };
    const scoped = onAccount(mapped, 'acct_A');
    expect(scoped.objectKey).toBe('acct_A /v1/customers#k');
    expect(scoped.request).toMatchObject({ stripeAccount: 'acct_A', idempotencyKey: 'dst-stripe-create-abc.acct_A' });
    expect(scoped.onMissing).toMatchObject({ stripeAccount: 'acct_A', idempotencyKey: 'dst-stripe-update-abc.acct_A' });
    await scoped.execute!(async (request) => {
      seen.push(request);
      return { kind: 'success', status: 200, body: {}, replayed: false, attempts: 1 };
    });
    expect(seen.map((r) => r.stripeAccount)).toEqual(['acct_A', 'acct_A']);
    // The same inner request is the same scoped object: the sink tells a create by identity.
    expect(seen[1]).toBe(scoped.request);
    expect(mapped.request.stripeAccount).toBeUndefined();
  });

  it('keeps keys within Stripe\'s 255 characters, distinct per account', () => {
    const long = 'k'.repeat(250);
    expect(accountKey(long, 'acct_A').length).toBeLessThanOrEqual(255);
    expect(accountKey(long, 'acct_A')).not.toBe(accountKey(long, 'acct_B'));
    expect(accountKey('short', 'acct_A')).not.toBe(accountKey('short', 'acct_B'));
  });

  it('gives each account its own view of the id memory', () => {
    const memory = new Map<string, string>();
    accountIds(memory, 'acct_A').set('k', 'cus_a');
    accountIds(memory, 'acct_B').set('k', 'cus_b');
    expect(accountIds(memory, 'acct_A').get('k')).toBe('cus_a');
    expect(accountIds(memory, 'acct_B').get('k')).toBe('cus_b');
    expect(memory.get('k')).toBeUndefined();
  });
});
