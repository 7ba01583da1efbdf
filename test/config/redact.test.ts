import { describe, expect, it } from 'vitest';
import { collectSecrets, createRedactor, MASK } from '../../src/config/redact.js';

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

  it('leaves other text alone', () => {
    expect(createRedactor(config)('customers: 3 written, 1 rejected')).toBe('customers: 3 written, 1 rejected');
  });
});

describe('collectSecrets', () => {
  it('finds the strings under every airbyte_secret path of the spec', () => {
    expect(collectSecrets({ api_key: 'sk_test_one', response_webhook: { headers: { a: 'first-secret', b: 'second-secret' } }, stripe_account: 'acct_notSecret' }).sort()).toEqual(['first-secret', 'second-secret', 'sk_test_one']);
  });

  it('adds the credential of a "Scheme credential" value, if it is at least 4 characters long', () => {
    expect(collectSecrets({ response_webhook: { headers: { a: 'Bearer tok-1234', b: '  Token xyz ', c: 'two words here', d: 'abc' } } })).toEqual(['Bearer tok-1234', 'tok-1234', '  Token xyz ', 'two words here']);
  });
});
