// Tests the manual-mode mapper: method, format, body, idempotency key, object key and rejections.
import { describe, expect, it } from 'vitest';
import { createManualMapper, manualConfigWarnings, type IdempotencyKeyFn, type ManualConfig } from '../../src/mapping/manual.js';
import { ConnectorError } from '../../src/protocol/errors.js';

const calls: Parameters<IdempotencyKeyFn>[] = [];
const keyFn: IdempotencyKeyFn = (operation, resource, data) => {
  calls.push([operation, resource, data]);
  return { key: `key-${operation}-${String(data.id ?? 'none')}` };
};

const mapper = (configuration: Omit<ManualConfig, 'mode'>, idempotencyKey: IdempotencyKeyFn = keyFn) =>
  createManualMapper({ configuration: { mode: 'manual', ...configuration }, idempotencyKey, apiBaseUrl: 'http://127.0.0.1:12111' });

describe('createManualMapper', () => {
  it('creates a customer from a flat row with the whole record as a form body', () => {
    const record = { email: 'ada@example.com', name: 'Ada', id: 'row-1' };
    expect(mapper({ url: '/v1/customers' })(record)).toEqual({
      kind: 'request',
      request: { method: 'POST', path: '/v1/customers', format: 'form', host: 'api', body: record, idempotencyKey: 'key-POST-row-1' },
      objectKey: '/v1/customers',
      operation: 'POST',
    });
  });

  it('passes method and the URL template to the idempotency key function', () => {
    calls.length = 0;
    const record = { customer: 'cus_1', amount: 5, id: 'x' };
    mapper({ url: '/v1/customers/{message.customer}/balance_transactions', body: '{"amount": {message.amount}, "currency": "usd"}' })(record);
    expect(calls).toEqual([['POST', '/v1/customers/{message.customer}/balance_transactions', record]]);
  });

  it('updates metadata on the object the record names', () => {
    const result = mapper({ url: '/v1/customers/{message.id}', body: '{"metadata": {"tier": "{message.tier}"}}' })({ id: 'cus_9', tier: 'gold' });
    expect(result).toMatchObject({
      kind: 'request',
      request: { method: 'POST', path: '/v1/customers/cus_9', body: { metadata: { tier: 'gold' } } },
      objectKey: '/v1/customers/cus_9',
    });
  });

  it.each<[Partial<ManualConfig>, 'form' | 'json']>([
    [{ url: '/v1/customers' }, 'form'],
    [{ url: '/v2/billing/meter_event_session' }, 'json'],
    [{ url: '/v1/customers', content_format: 'json' }, 'json'],
    [{ url: '/v2/billing/meter_event_session', content_format: 'form' }, 'form'],
    [{ url: '/v2/billing/meter_event_session', content_format: 'auto' }, 'json'],
  ])('%j is sent as %s', (configuration, format) => {
    const result = mapper({ url: '/v1/x', ...configuration })({ id: 1 });
    expect(result.kind === 'request' && result.request.format).toBe(format);
  });

  it.each<[ManualConfig['method'], string, boolean]>([
    ['POST', '/v1/customers/{message.id}', true],
    ['POST', '/v2/core/events', true],
    ['DELETE', '/v1/customers/{message.id}', false],
    ['DELETE', '/v2/core/things/{message.id}', true],
    ['GET', '/v1/customers/{message.id}', false],
    ['PATCH', '/v1/customers/{message.id}', false],
    ['PUT', '/v1/customers/{message.id}', false],
  ])('%s %s carries an idempotency key: %s', (method, url, expected) => {
    const result = mapper({ method, url })({ id: 'obj_1' });
    expect(result.kind).toBe('request');
    if (result.kind === 'request') {
      expect(result.request.idempotencyKey !== undefined).toBe(expected);
      expect(result.operation).toBe(method);
    }
  });

  it.each<ManualConfig['method']>(['GET', 'DELETE'])('%s sends no body and ignores even an invalid body template', (method) => {
    const result = mapper({ method, url: '/v1/customers/{message.id}', body: '{not json' })({ id: 'cus_1' });
    expect(result.kind === 'request' && result.request.body).toBeUndefined();
    expect(result.kind === 'request' && result.request.path).toBe('/v1/customers/cus_1');
  });

  it('sends no key when the key function gives none', () => {
    const result = mapper({ url: '/v1/customers' }, () => ({}))({ a: 1 });
    expect(result.kind === 'request' && 'idempotencyKey' in result.request).toBe(false);
  });

  it('rejects the record when the key cannot be derived', () => {
    const result = mapper({ url: '/v1/customers' }, () => ({ error: 'record has no primary key' }))({ a: 1 });
    expect(result).toEqual({ kind: 'rejected', rejection: { code: 'idempotency_key_unavailable', reason: 'record has no primary key' } });
  });

  it.each([
    [{ url: '/v1/customers/{message.id}' }, { name: 'x' }, 'id'],
    [{ url: '/v1/customers', body: '{"email": "{message.contact.email}"}' }, { contact: {} }, 'contact.email'],
    [{ url: '/v1/invoiceitems', body: '{"price": {message.lines[0].price}}' }, { lines: [] }, 'lines[0].price'],
  ])('rejects a record missing a required field (%j)', (configuration, record, param) => {
    expect(mapper(configuration)(record)).toEqual({
      kind: 'rejected',
      rejection: { code: 'missing_field', reason: `record has no field at message.${param}`, param },
    });
  });

  it('rejects a value that would make a dot segment, naming the path only', () => {
    const result = mapper({ url: '/v1/customers/{message.id}' })({ id: '..' });
    expect(result).toMatchObject({ kind: 'rejected', rejection: { code: 'invalid_field', param: 'id' } });
    expect(result.kind === 'rejected' && result.rejection.reason).toContain('message.id');
  });

  it('keeps the meter events host in the object key', () => {
    const result = mapper({ url: 'https://meter-events.stripe.com/v2/billing/meter_event_stream', body: '{"events": [{"event_name": "api_call", "payload": {"value": "{message.value}"}}]}' })({ value: 3 });
    expect(result).toMatchObject({
      kind: 'request',
      request: { host: 'meter_events', format: 'json', body: { events: [{ event_name: 'api_call', payload: { value: 3 } }] } },
      objectKey: 'meter_events:/v2/billing/meter_event_stream',
    });
  });

  it.each([
    [{ url: 'https://example.com/v1/customers' }],
    [{ url: '/v1/customers', body: '{"a": }' }],
    [{ url: '/v1/customers', body: '[1]' }],
  ])('throws a config error at creation for %j', (configuration) => {
    expect(() => mapper(configuration)).toThrow(ConnectorError);
  });
});

describe('manualConfigWarnings', () => {
  it.each<[Partial<ManualConfig>, number]>([
    [{ method: 'GET', body: '{"a": 1}' }, 1],
    [{ method: 'DELETE', body: '{"a": 1}' }, 1],
    [{ method: 'GET' }, 0],
    [{ method: 'GET', body: '{message.json}' }, 0],
    [{ method: 'POST', body: '{"a": 1}' }, 0],
  ])('%j → %i warnings', (configuration, count) => {
    expect(manualConfigWarnings({ mode: 'manual', url: '/v1/x', ...configuration })).toHaveLength(count);
  });
});
