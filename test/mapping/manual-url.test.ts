// Tests the manual-mode URL: allowed hosts, compile-time checks, and that record values cannot escape their slot.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/protocol/errors.js';
import { compileUrl, renderUrl } from '../../src/mapping/manual-url.js';

const BASE = 'http://127.0.0.1:12111';

describe('compileUrl', () => {
  it.each([
    ['/v1/customers', 'api', 'v1'],
    ['/v2/billing/meter_event_session', 'api', 'v2'],
    ['https://api.stripe.com/v1/customers/{message.id}', 'api', 'v1'],
    ['HTTPS://API.STRIPE.COM:443/v1/customers', 'api', 'v1'],
    ['https://meter-events.stripe.com/v2/billing/meter_event_stream', 'meter_events', 'v2'],
    [`${BASE}/v1/customers`, 'api', 'v1'],
  ])('accepts %s', (url, host, version) => {
    const compiled = compileUrl(url, { apiBaseUrl: BASE });
    expect(compiled.host).toBe(host);
    expect(compiled.version).toBe(version);
  });

  it.each([
    ['https://evil.example.com/v1/customers', 'host'],
    ['http://api.stripe.com/v1/customers', 'host'],
    ['https://api.stripe.com.evil.com/v1/customers', 'host'],
    ['https://{message.host}/v1/customers', 'host'],
    ['https://user@api.stripe.com/v1/customers', 'credentials'],
    ['//evil.example.com/v1/customers', '/v1/'],
    ['v1/customers', '/v1/'],
    ['http://127.0.0.1:9999/v1/customers', 'host'],
    ['/v3/customers', '/v1/ or /v2/'],
    ['/{message.version}/customers', '/v1/ or /v2/'],
    ['/v1', '/v1/ or /v2/'],
    ['/v1/customers#frag', 'fragment'],
    ['/v1/customers/../balance', '"." or ".."'],
    ['/v1/customers/./x', '"." or ".."'],
    ['/v1//customers', 'empty'],
    ['/v1/customers/', 'empty'],
    ['/v1/customers/a b', 'percent-encoded'],
    ['/v1/customers?q=a b', 'percent-encoded'],
    ['/v1/customers/{message.}', 'column 24'],
    ['/v1/customers/{oops}', 'literal brace'],
  ])('refuses %s', (url, reason) => {
    let caught: unknown;
    try {
      compileUrl(url, { apiBaseUrl: BASE });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConnectorError);
    expect((caught as ConnectorError).failureType).toBe('config_error');
    expect((caught as ConnectorError).message).toContain(reason);
    expect((caught as ConnectorError).message).toContain('configuration.url');
  });

  it('refuses a base-URL host when no base URL is configured', () => {
    expect(() => compileUrl(`${BASE}/v1/customers`, {})).toThrow(/not allowed/);
  });
});

describe('renderUrl', () => {
  const render = (url: string, record: Record<string, unknown>) => renderUrl(compileUrl(url, { apiBaseUrl: BASE }), record);

  it.each<[string, Record<string, unknown>, string]>([
    ['/v1/customers', {}, '/v1/customers'],
    ['/v1/customers/{message.id}', { id: 'cus_123' }, '/v1/customers/cus_123'],
    ['/v1/customers/{message.customer}/balance_transactions', { customer: 'cus_1' }, '/v1/customers/cus_1/balance_transactions'],
    ['/v1/invoices/{message.inv.id}/lines', { inv: { id: 'in_1' } }, '/v1/invoices/in_1/lines'],
    ['/v1/products/{message.id}', { id: 42 }, '/v1/products/42'],
    ['/v1/products/{message.id}', { id: '../../v1/charges' }, '/v1/products/..%2F..%2Fv1%2Fcharges'],
    ['/v1/products/{message.id}', { id: 'a?b=c#d' }, '/v1/products/a%3Fb%3Dc%23d'],
    ['/v1/products/{message.id}', { id: '//evil.com' }, '/v1/products/%2F%2Fevil.com'],
    ['/v1/products/{message.id}', { id: 'a%2Fb' }, '/v1/products/a%252Fb'],
    ['/v1/products/{message.id}', { id: 'a\r\nX-Evil: 1' }, '/v1/products/a%0D%0AX-Evil%3A%201'],
    ['/v1/products/{message.id}', { id: '\uff0e\uff0e' }, '/v1/products/%EF%BC%8E%EF%BC%8E'],
    ['/v1/products/{message.id}', { id: '\u2024\u2024' }, '/v1/products/%E2%80%A4%E2%80%A4'],
    ['/v1/products/{message.id}', { id: '...' }, '/v1/products/...'],
    ['/v1/products/prod_{message.id}', { id: 'x' }, '/v1/products/prod_x'],
    ['/v1/customers/search?query={message.q}', { q: "email:'a@b.c'&limit=1" }, "/v1/customers/search?query=email%3A'a%40b.c'%26limit%3D1"],
    ['/v1/customers?limit=3&email={message.email?}', {}, '/v1/customers?limit=3&email='],
    ['/v1/customers?email={message.email}', { email: 'a+b@x.io' }, '/v1/customers?email=a%2Bb%40x.io'],
  ])('%s with %j', (url, record, path) => {
    expect(render(url, record)).toMatchObject({ ok: true, path, host: 'api' });
  });

  it('keeps the object path without the query', () => {
    expect(render('/v1/customers/{message.id}?expand[]=x', { id: 'cus_1' })).toEqual({
      ok: true,
      path: '/v1/customers/cus_1?expand[]=x',
      objectPath: '/v1/customers/cus_1',
      host: 'api',
    });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['/v1/customers/{message.id}', {}, { missing: 'id' }],
    ['/v1/customers/{message.id}', { id: null }, { missing: 'id' }],
    ['/v1/customers?e={message.a.b}', { a: {} }, { missing: 'a.b' }],
    ['/v1/customers/{message.id}', { id: '' }, { invalid: 'id' }],
    ['/v1/customers/{message.id?}', {}, { invalid: 'id' }],
    ['/v1/customers/{message.id}', { id: '.' }, { invalid: 'id' }],
    ['/v1/customers/{message.id}', { id: '..' }, { invalid: 'id' }],
    ['/v1/customers/{message.a}{message.b}', { a: '.', b: '.' }, { invalid: 'a' }],
    ['/v1/customers/%2{message.id}', { id: 'e' }, { invalid: 'id' }],
    ['/v1/customers/{message.id}', { id: { x: 1 } }, { invalid: 'id' }],
    ['/v1/customers/{message.id}', { id: '\ud800' }, { invalid: 'id' }],
  ])('%s with %j fails', (url, record, failure) => {
    expect(render(url, record)).toMatchObject({ ok: false, ...failure });
  });

  it('keeps the meter events host', () => {
    expect(render('https://meter-events.stripe.com/v2/billing/meter_event_stream', {})).toMatchObject({
      ok: true,
      host: 'meter_events',
      path: '/v2/billing/meter_event_stream',
    });
  });
});

describe('renderUrl with any value (property)', () => {
  const templates = [
    '/v1/customers/{message.v}',
    '/v1/customers/{message.v}/balance_transactions',
    '/v1/customers/x{message.v}y?limit=2',
    '/v1/customers/search?query={message.v}&limit=1',
    'https://meter-events.stripe.com/v2/{message.v}/events',
  ];
  const count = (text: string, char: string) => text.split(char).length - 1;

  it.each(templates)('%s keeps host, segment count and query shape', (template) => {
    const compiled = compileUrl(template);
    const literal = template.replace(/^https:\/\/[^/]+/, '');
    const [literalPath = '', literalQuery] = literal.split('?');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constantFrom('..', '.', '/', '?', '#', '%2F', '%2e%2e')), (value) => {
        const rendered = renderUrl(compiled, { v: value });
        if (!rendered.ok) return;
        expect(rendered.host).toBe(compiled.host);
        const [path = '', query] = rendered.path.split('?');
        expect(path.split('/').length).toBe(literalPath.split('/').length);
        expect(count(rendered.path, '?')).toBe(count(literal, '?'));
        expect(count(rendered.path, '#')).toBe(0);
        expect(query === undefined).toBe(literalQuery === undefined);
        if (query !== undefined) expect(count(query, '&')).toBe(count(literalQuery ?? '', '&'));
        const segments = new URL(`https://api.stripe.com${rendered.path}`).pathname.split('/');
        expect(segments.length).toBe(literalPath.split('/').length);
        expect(segments.slice(0, 2)).toEqual(literalPath.split('/').slice(0, 2));
      }),
      { numRuns: 300 },
    );
  });
});
