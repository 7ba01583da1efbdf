import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';

const KEY = 'sk_test_emulatorKey123';
const base = () => ({ api_key: KEY, configuration: { mode: 'template', resource_type: 'customers' } });
const without = (obj: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(obj).filter(([k]) => k !== key));

describe('validateConfig', () => {
  it('accepts a minimal template config and fills defaults', () => {
    const result = validateConfig(base());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.configuration).toMatchObject({ mode: 'template', operation: 'create', matching_key: 'id', meter_events_api: 'v1' });
    expect(result.config.on_record_error).toBe('skip');
    expect(result.config.max_concurrency).toBeUndefined();
  });

  it('fills manual-mode defaults', () => {
    const result = validateConfig({ api_key: KEY, configuration: { mode: 'manual', url: '/v1/customers' } });
    expect(result.ok && result.config.configuration).toEqual({ mode: 'manual', url: '/v1/customers', method: 'POST', content_format: 'auto', body: '{message.json}' });
  });

  it.each(['sk_test_abc', 'sk_live_abc', 'rk_test_abc', 'rk_live_abc'])('accepts key shape %s', (api_key) => {
    expect(validateConfig({ ...base(), api_key }).ok).toBe(true);
  });

  it.each([
    ['api_key missing', without(base(), 'api_key'), 'api_key', 'is required'],
    ['configuration missing', without(base(), 'configuration'), 'configuration', 'is required'],
    ['resource_type missing', { api_key: KEY, configuration: { mode: 'template' } }, 'configuration.resource_type', 'is required'],
    ['url missing in manual', { api_key: KEY, configuration: { mode: 'manual' } }, 'configuration.url', 'is required'],
    ['api_key wrong type', { ...base(), api_key: 42 }, 'api_key', 'must be of type string'],
    ['bad key shape', { ...base(), api_key: 'hello_world' }, 'api_key', 'must look like sk_test_'],
    ['publishable key', { ...base(), api_key: 'pk_test_abcdef' }, 'api_key', 'publishable key'],
    ['unknown mode', { api_key: KEY, configuration: { mode: 'magic' } }, 'configuration', 'mode must be "template" or "manual"'],
    ['unknown resource', { api_key: KEY, configuration: { mode: 'template', resource_type: 'unicorns' } }, 'configuration.resource_type', 'must be one of customers'],
    ['unknown operation', { api_key: KEY, configuration: { mode: 'template', resource_type: 'customers', operation: 'explode' } }, 'configuration.operation', 'must be one of create'],
    ['unknown key in template', { api_key: KEY, configuration: { mode: 'template', resource_type: 'customers', method: 'POST' } }, 'configuration.method', 'is not a known setting'],
    ['bad method', { api_key: KEY, configuration: { mode: 'manual', url: '/v1/x', method: 'FETCH' } }, 'configuration.method', 'must be one of POST'],
    ['bad content format', { api_key: KEY, configuration: { mode: 'manual', url: '/v1/x', content_format: 'xml' } }, 'configuration.content_format', 'must be one of'],
    ['max_concurrency wrong type', { ...base(), max_concurrency: 'lots' }, 'max_concurrency', 'must be of type integer'],
    ['max_concurrency too big', { ...base(), max_concurrency: 100000 }, 'max_concurrency', '<= 1000'],
    ['requests_per_second zero', { ...base(), requests_per_second: 0 }, 'requests_per_second', '> 0'],
    ['on_record_error bad', { ...base(), on_record_error: 'ignore' }, 'on_record_error', 'must be one of skip, fail'],
    ['dry_run wrong type', { ...base(), dry_run: 'yes' }, 'dry_run', 'must be of type boolean'],
    ['stripe_account bad', { ...base(), stripe_account: 'acme' }, 'stripe_account', 'must look like acct_'],
    ['api_version bad', { ...base(), api_version: 'latest' }, 'api_version', 'must look like YYYY-MM-DD'],
    ['api_base_url not a url', { ...base(), api_base_url: 'localhost:12111' }, 'api_base_url', 'must look like https://host'],
    ['api_base_url plain http to a remote host', { ...base(), api_base_url: 'http://example.com' }, 'api_base_url', 'plain http is allowed only for localhost'],
    ['api_base_url with a path', { ...base(), api_base_url: 'https://proxy.example.com/stripe' }, 'api_base_url', 'must look like https://host'],
    ['webhook without url', { ...base(), response_webhook: {} }, 'response_webhook.url', 'is required'],
    ['webhook plain http remote', { ...base(), response_webhook: { url: 'http://hooks.example.com/x' } }, 'response_webhook.url', 'plain http is allowed only for localhost'],
    ['webhook bad scheme', { ...base(), response_webhook: { url: 'ftp://x' } }, 'response_webhook.url', 'must look like https://'],
    ['idempotency field without name', { ...base(), idempotency_key: { source: 'field' } }, 'idempotency_key.field', 'is required when'],
    ['idempotency bad source', { ...base(), idempotency_key: { source: 'random' } }, 'idempotency_key.source', 'must be one of auto'],
  ])('%s: names %s', (_name, config, field, rule) => {
    const result = validateConfig(config);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const problem = result.problems.find((p) => p.field === field);
    expect(problem, JSON.stringify(result.problems)).toBeDefined();
    expect(problem!.rule).toContain(rule);
  });

  it('never echoes a value in its messages', () => {
    const secret = 'pk_live_SECRETVALUE123';
    const result = validateConfig({ api_key: secret, configuration: { mode: 'template', resource_type: 'SECRET_RESOURCE' }, stripe_account: 'SECRET_ACCOUNT' });
    expect(result.ok).toBe(false);
    const text = JSON.stringify(result);
    expect(text).not.toContain('SECRET');
  });

  it('accepts loopback http base urls', () => {
    for (const api_base_url of ['http://127.0.0.1:12111', 'http://localhost:8080/', 'http://[::1]:9000']) {
      expect(validateConfig({ ...base(), api_base_url }).ok, api_base_url).toBe(true);
    }
  });

  it('refuses a non-object config', () => {
    expect(validateConfig([1, 2])).toEqual({ ok: false, problems: [{ field: '(root)', rule: 'the config must be a JSON object' }] });
  });
});
