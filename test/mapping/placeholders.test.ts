// Tests the placeholder language: path lookups, body templates (types, optional keys, errors with positions).
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/protocol/errors.js';
import { scanPlaceholder } from '../../src/mapping/placeholder-parse.js';
import { compileBodyTemplate, getPath, lineColumn, parseTextTemplate, renderBody } from '../../src/mapping/placeholders.js';

const steps = (text: string) => {
  const scan = scanPlaceholder(text, 0);
  if (!scan.ok) throw new Error(scan.reason);
  return scan.placeholder;
};

describe('scanPlaceholder', () => {
  it.each([
    ['{message.json}', [], 'json', false],
    ['{message.email}', [{ key: 'email' }], 'email', false],
    ['{message.address.city}', [{ key: 'address' }, { key: 'city' }], 'address.city', false],
    ['{message.items[0].price}', [{ key: 'items' }, { index: 0 }, { key: 'price' }], 'items[0].price', false],
    ['{message["odd key"]}', [{ key: 'odd key' }], '["odd key"]', false],
    ['{message.tier?}', [{ key: 'tier' }], 'tier', true],
    ['{message["json"]}', [{ key: 'json' }], '["json"]', false],
    ['{message.json.a}', [{ key: 'json' }, { key: 'a' }], 'json.a', false],
    ['{message.a-b_c$}', [{ key: 'a-b_c$' }], 'a-b_c$', false],
  ])('%s', (text, expected, display, optional) => {
    const placeholder = steps(text);
    expect(placeholder.steps).toEqual(expected);
    expect(placeholder.display).toBe(display);
    expect(placeholder.optional).toBe(optional);
  });

  it.each([
    ['{message}', 'whole record'],
    ['{message.}', 'field name'],
    ['{message.a', 'not closed'],
    ['{message[x]}', 'array index'],
    ['{message[1}', '"]"'],
    ['{message.a?x}', '"}" after "?"'],
    ['{message.a b}', 'expected'],
  ])('refuses %s', (text, reason) => {
    const scan = scanPlaceholder(text, 0);
    expect(scan.ok).toBe(false);
    if (!scan.ok) expect(scan.reason).toContain(reason);
  });
});

describe('getPath', () => {
  const record = JSON.parse('{"a": {"b": [10, {"c": null}]}, "__proto__": {"x": 1}, "list": []}') as Record<string, unknown>;
  it.each([
    [[{ key: 'a' }, { key: 'b' }, { index: 0 }], 10],
    [[{ key: 'a' }, { key: 'b' }, { index: 1 }, { key: 'c' }], null],
    [[{ key: 'a' }, { key: 'b' }, { index: 5 }], undefined],
    [[{ key: 'a' }, { index: 0 }], undefined],
    [[{ key: 'a' }, { key: 'b' }, { key: '0' }], undefined],
    [[{ key: '__proto__' }], undefined],
    [[{ key: '__proto__' }, { key: 'x' }], undefined],
    [[{ key: 'constructor' }], undefined],
    [[{ key: 'toString' }], undefined],
    [[{ key: 'list' }, { key: 'length' }], undefined],
    [[{ key: 'missing' }], undefined],
    [[], record],
  ])('%j', (path, expected) => {
    expect(getPath(record, path)).toBe(expected);
  });
});

describe('renderBody', () => {
  const record = {
    email: 'ada@example.com',
    amount: 1200,
    active: true,
    tier: 'gold',
    note: null,
    address: { city: 'Paris', zip: '75001' },
    items: [{ price: 'price_1', quantity: 2 }],
    'odd key': 'x',
  };

  it.each<[string, Record<string, unknown>]>([
    ['{"email": "{message.email}"}', { email: 'ada@example.com' }],
    ['{"amount": {message.amount}}', { amount: 1200 }],
    ['{"amount": "{message.amount}"}', { amount: 1200 }],
    ['{"active": "{message.active}"}', { active: true }],
    ['{"address": "{message.address}"}', { address: { city: 'Paris', zip: '75001' } }],
    ['{"city": {message.address.city}}', { city: 'Paris' }],
    ['{"price": "{message.items[0].price}"}', { price: 'price_1' }],
    ['{"label": "{message.tier} / {message.amount}"}', { label: 'gold / 1200' }],
    ['{"label": "addr={message.address}"}', { label: 'addr={"city":"Paris","zip":"75001"}' }],
    ['{"label": "n={message.note}"}', { label: 'n=' }],
    ['{"note": {message.note}}', { note: null }],
    ['{"metadata": {"tier": "{message.tier}", "crm": "static"}}', { metadata: { tier: 'gold', crm: 'static' } }],
    ['{"x": "{message.nope?}", "y": 1}', { y: 1 }],
    ['{"x": {message.nope?}, "y": [1, {message.nope?}, 2]}', { y: [1, 2] }],
    ['{"x": "a{message.nope?}b"}', { x: 'ab' }],
    ['{"braces": "{{literal}} and {{{message.tier}}}"}', { braces: '{literal} and {gold}' }],
    ['{"odd": {message["odd key"]}}', { odd: 'x' }],
    ['{"meta_{message.tier}": 1}', { meta_gold: 1 }],
    ['{"n": -1.5e2, "t": true, "f": false, "z": null, "s": "a\\"b\\u00e9\\n"}', { n: -150, t: true, f: false, z: null, s: 'a"bé\n' }],
    ['{}', {}],
    ['{message.address}', { city: 'Paris', zip: '75001' }],
  ])('%s', (template, expected) => {
    const rendered = renderBody(compileBodyTemplate(template), record);
    expect(rendered).toEqual({ ok: true, body: expected });
  });

  it('yields the record itself for {message.json}', () => {
    const rendered = renderBody(compileBodyTemplate('  {message.json}\n'), record);
    expect(rendered.ok && rendered.body).toBe(record);
  });

  it.each([
    ['{"x": "{message.nope}"}', 'nope'],
    ['{"x": {message.address.street}}', 'address.street'],
    ['{"x": "a {message.items[3].price} b"}', 'items[3].price'],
    ['{"meta_{message.nope}": 1}', 'nope'],
    ['{"a": [{"b": {message.deep.er}}]}', 'deep.er'],
  ])('reports the missing path of %s', (template, missing) => {
    expect(renderBody(compileBodyTemplate(template), record)).toEqual({ ok: false, missing });
  });

  it('refuses a whole-body placeholder that is not an object', () => {
    expect(renderBody(compileBodyTemplate('{message.tier}'), record)).toMatchObject({ ok: false, invalid: 'tier' });
  });

  it('keeps a template key named __proto__ as data', () => {
    const rendered = renderBody(compileBodyTemplate('{"__proto__": {"polluted": true}}'), record);
    expect(rendered.ok && Object.keys(rendered.body)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('renders each record independently (no shared state between calls)', () => {
    const compiled = compileBodyTemplate('{"m": {"t": "{message.tier}"}}');
    const first = renderBody(compiled, { tier: 'a' });
    const second = renderBody(compiled, { tier: 'b' });
    expect(first).toEqual({ ok: true, body: { m: { t: 'a' } } });
    expect(second).toEqual({ ok: true, body: { m: { t: 'b' } } });
  });
});

describe('compileBodyTemplate errors', () => {
  it.each([
    ['', 1, 1, 'empty'],
    ['[1, 2]', 1, 1, 'must be a JSON object'],
    ['"text"', 1, 1, 'must be a JSON object'],
    ['{"a": 1,}', 1, 9, 'quoted key'],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, '"," or "}"'],
    ['{\n  "a": }', 2, 8, 'JSON value'],
    ['{"a": "x {oops} y"}', 1, 10, 'literal brace'],
    ['{"a": "x } y"}', 1, 10, 'literal brace'],
    ['{"a": {message.}}', 1, 16, 'field name'],
    ['{"a": "{message.a"}', 1, 18, 'in a placeholder'],
    ['{"a": 1} extra', 1, 10, 'after the end'],
    ['{"a": tru}', 1, 7, 'JSON value'],
    ['{"a": "\\x"}', 1, 8, 'escape'],
    ['{"a": "unterminated', 1, 7, 'not closed'],
    ['{"a" 1}', 1, 6, '":"'],
    ['{"a": [1 2]}', 1, 10, '"," or "]"'],
    ['{"a": 01}', 1, 8, '"," or "}"'],
    ['{"x": 1,\n "x": 2}', 2, 2, 'the key "x" appears twice'],
  ])('%j → line %i, column %i', (template, line, column, reason) => {
    let caught: unknown;
    try {
      compileBodyTemplate(template);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConnectorError);
    const error = caught as ConnectorError;
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain(`line ${line}, column ${column}`);
    expect(error.message).toContain(reason);
    expect(error.message).toContain('configuration.body');
  });
});

describe('lineColumn', () => {
  it.each([
    ['abc', 0, 1, 1],
    ['abc', 2, 1, 3],
    ['a\nbc', 3, 2, 2],
    ['a\r\nbc', 4, 2, 2],
    ['\n\n', 2, 3, 1],
  ])('%j @ %i', (text, offset, line, column) => {
    expect(lineColumn(text, offset)).toEqual({ line, column });
  });
});

describe('parseTextTemplate', () => {
  it('splits text, placeholders and escaped braces', () => {
    const scan = parseTextTemplate('a{{b}}{message.x}c');
    expect(scan.ok && scan.parts.map((part) => (typeof part === 'string' ? part : part.display))).toEqual(['a{b}', 'x', 'c']);
  });
  it.each([['a{b'], ['a}b'], ['{message.x']])('refuses %j', (text) => {
    expect(parseTextTemplate(text).ok).toBe(false);
  });
});
