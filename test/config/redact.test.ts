import { describe, expect, it } from 'vitest';
import { collectSecrets, createRedactor, MASK, SECRET_KEY_PATTERN, STRIPE_KEY_PATTERN } from '../../src/config/redact.js';

describe('createRedactor', () => {
  const config = {
    api_key: 'sk_test_Configured_key_123',
    configuration: { mode: 'template', resource_type: 'customers' },
    response_webhook: { url: 'https://hooks.example.com/x', headers: { authorization: 'Bearer TOKEN-abc-123' } },
  };

  it('masks the configured secrets, including webhook header values', () => {
    const redact = createRedactor(config);
    expect(redact('key sk_test_Configured_key_123, header Bearer TOKEN-abc-123')).toBe(`key ${MASK}, header ${MASK}`);
  });

  it.each([
    ['sk_live_abc123', MASK],
    ['rk_test_with_underscores_42', MASK],
    ['pk_test_public', MASK],
    ['x=sk_test_abc&y=1', `x=${MASK}&y=1`],
  ])('masks anything shaped like a Stripe key, configured or not: %s', (text, expected) => {
    expect(createRedactor()(text)).toBe(expected);
  });

  it('masks the credential of a webhook header without its scheme, as a record or Stripe might echo it', () => {
    expect(createRedactor(config)('unknown field "TOKEN-abc-123"')).toBe(`unknown field "${MASK}"`);
  });

  it('masks a longer secret whole even when a shorter one is part of it', () => {
    const redact = createRedactor({ response_webhook: { headers: { a: 'tok-1234', b: 'tok-1234-and-more' } } });
    expect(redact('x tok-1234-and-more y tok-1234 z')).toBe(`x ${MASK} y ${MASK} z`);
  });

  it('the mask is a run of asterisks that cannot be mistaken for data', () => {
    expect(MASK).toMatch(/^\*{8,}$/);
  });

  it('leaves other text alone', () => {
    expect(createRedactor(config)('customers: 3 written, 1 rejected')).toBe('customers: 3 written, 1 rejected');
  });
});

describe('collectSecrets', () => {
  it('finds the strings under every airbyte_secret path of the spec', () => {
    expect(collectSecrets({ api_key: 'sk_test_one', response_webhook: { headers: { a: 'first-secret', b: 'second-secret' } }, stripe_account: 'acct_notSecret' }).sort()).toEqual(['first-secret', 'second-secret', 'sk_test_one']);
  });

  it.each([
    ['a missing webhook', { api_key: 'sk_test_only' }, ['sk_test_only']],
    ['a null webhook', { api_key: 'sk_test_only', response_webhook: null }, ['sk_test_only']],
    ['null headers', { response_webhook: { headers: null } }, []],
    ['a header value that is not a string', { response_webhook: { headers: { a: 42, b: null, c: ['list-secret'] } } }, ['list-secret']],
    ['secrets shorter than 4 characters', { api_key: 'abc', response_webhook: { headers: { a: 'abcd' } } }, ['abcd']],
  ])('copes with %s', (_name, config, expected) => {
    expect(collectSecrets(config)).toEqual(expected);
  });

  it('adds the credential of a "Scheme credential" value, if it is at least 4 characters long', () => {
    expect(collectSecrets({ response_webhook: { headers: { a: 'Bearer tok-1234', b: '  Token wxyz ', c: 'two words here', d: 'abc', e: 'Basic xyz', f: 'Bearer  tok-5678' } } })).toEqual([
      'Bearer tok-1234',
      'tok-1234',
      '  Token wxyz ',
      'wxyz',
      'two words here',
      'Basic xyz',
      'Bearer  tok-5678',
      'tok-5678',
    ]);
  });
});

describe('key patterns', () => {
  const all = (pattern: RegExp, text: string): string[] => [...text.matchAll(pattern)].map((m) => m[0]);
  const text = 'a sk_live_abc_123 b rk_test_XYZ9 c pk_live_pub1 d sk_prod_x e xsk_test_no f sk_test_';

  it('STRIPE_KEY_PATTERN finds secret, restricted and publishable keys whole, with _ in the tail', () => {
    expect(all(STRIPE_KEY_PATTERN, text)).toEqual(['sk_live_abc_123', 'rk_test_XYZ9', 'pk_live_pub1']);
  });

  it('SECRET_KEY_PATTERN finds only secret and restricted keys, whole', () => {
    expect(all(SECRET_KEY_PATTERN, text)).toEqual(['sk_live_abc_123', 'rk_test_XYZ9']);
  });
});
