// Form decoding (bracket notation) and schema-driven coercion, as pure tables and over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coerce, parseForm, type Schema } from './form.js';
import { startEmulator, type Emulator } from './server.js';
import { client } from './test-client.js';

describe('parseForm', () => {
  it.each([
    ['', {}],
    ['a=1', { a: '1' }],
    ['a[b][c]=x', { a: { b: { c: 'x' } } }],
    ['items[0][price]=p&items[1][price]=q', { items: [{ price: 'p' }, { price: 'q' }] }],
    ['metadata[k]=', { metadata: { k: '' } }],
    ['metadata=', { metadata: '' }],
    ['name=Ada+Lovelace&email=a%40b.c', { name: 'Ada Lovelace', email: 'a@b.c' }],
    ['a[b][c][d][e][f][g][h][i][j][k]=deep', { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { k: 'deep' } } } } } } } } } } }],
  ])('%j', (text, expected) => {
    expect(parseForm(text)).toEqual(expected);
  });
});

const schema: Schema = {
  type: 'object',
  properties: {
    n: { type: 'integer' },
    x: { type: 'number' },
    b: { type: 'boolean' },
    s: { type: 'string' },
    list: { type: 'array', items: { type: 'object', properties: { q: { type: 'integer' } } } },
    clearable: { anyOf: [{ type: 'object', properties: { on: { type: 'boolean' } } }, { type: 'string', enum: [''] }] },
    either: { anyOf: [{ type: 'integer' }, { type: 'string', enum: ['max'] }] },
    meta: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

describe('coerce', () => {
  it.each([
    [{ n: '42' }, { n: 42 }],
    [{ n: '-7' }, { n: -7 }],
    [{ n: 'abc' }, { n: 'abc' }],
    [{ x: '12.5' }, { x: 12.5 }],
    [{ b: 'true' }, { b: true }],
    [{ b: 'false' }, { b: false }],
    [{ b: 'yes' }, { b: 'yes' }],
    [{ s: '123' }, { s: '123' }],
    [{ n: '' }, { n: '' }],
    [{ list: [{ q: '2' }] }, { list: [{ q: 2 }] }],
    [{ list: { 1: { q: '5' }, 0: { q: '4' } } }, { list: [{ q: 4 }, { q: 5 }] }],
    [{ clearable: '' }, { clearable: '' }],
    [{ clearable: { on: 'true' } }, { clearable: { on: true } }],
    [{ either: '3' }, { either: 3 }],
    [{ either: 'max' }, { either: 'max' }],
    [{ meta: { k: '1' } }, { meta: { k: '1' } }],
  ])('%j → %j', (input, expected) => {
    expect(coerce(input, schema)).toEqual(expected);
  });
});

describe('form bodies over HTTP', () => {
  let emulator: Emulator;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    emulator = await startEmulator({ rateLimit: null });
    api = client(emulator.url);
  });
  afterAll(() => emulator.stop());

  it('decodes nested objects, indexed arrays, booleans, numbers and drops empty values on create', async () => {
    const raw = 'name=Ada&balance=-250&address[city]=Paris&address[line1]=&preferred_locales[0]=fr&preferred_locales[1]=en&invoice_settings[custom_fields][0][name]=PO&invoice_settings[custom_fields][0][value]=7&description=&metadata[k]=v';
    const r = await api.call('POST', '/v1/customers', { raw });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      name: 'Ada',
      balance: -250,
      address: { city: 'Paris', line1: '' },
      preferred_locales: ['fr', 'en'],
      invoice_settings: { custom_fields: [{ name: 'PO', value: '7' }] },
      description: null,
      metadata: { k: 'v' },
    });
    const p = await api.call('POST', '/v1/tax_rates', { raw: 'display_name=VAT&inclusive=true&percentage=19.5' });
    expect(p.body).toMatchObject({ inclusive: true, percentage: 19.5 });
  });

  it.each([
    ['balance=abc', 'parameter_invalid_integer', 'balance'],
    ['balance=', 'parameter_invalid_empty', 'balance'],
    ['address[bogus]=1', 'parameter_unknown', 'address[bogus]'],
    ['invoice_settings[custom_fields][0][name]=PO', 'parameter_missing', 'invoice_settings[custom_fields][0][value]'],
  ])('%s → %s on %s', async (raw, code, param) => {
    const r = await api.call('POST', '/v1/customers', { raw });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code, param });
  });

  it('refuses a boolean that is not true/false', async () => {
    const r = await api.call('POST', '/v1/tax_rates', { raw: 'display_name=VAT&inclusive=maybe&percentage=1' });
    expect(r.body.error).toMatchObject({ code: 'parameter_invalid_boolean', param: 'inclusive' });
  });

  it('refuses a JSON body on /v1', async () => {
    const r = await api.call('POST', '/v1/customers', { json: { name: 'Ada' } });
    expect(r.status).toBe(400);
    expect(r.body.error.type).toBe('invalid_request_error');
    expect(r.body.error.message).toMatch(/form-encoded/);
  });

  it('parses query strings the same way on GET', async () => {
    await api.post('/v1/customers', { email: 'q@example.com' });
    const r = await api.get('/v1/customers?email=q%40example.com&limit=5');
    expect(r.body.data.map((c: { email: string }) => c.email)).toEqual(['q@example.com']);
    expect((await api.get('/v1/customers?limit=500')).body.error).toMatchObject({ param: 'limit' });
  });
});

describe('authentication', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ rateLimit: null });
  });
  afterAll(() => emulator.stop());

  it.each([
    ['Bearer sk_test_emulator', 200],
    ['Bearer rk_test_emulator', 200],
    [`Basic ${Buffer.from('sk_test_emulator:').toString('base64')}`, 200],
    ['Bearer sk_live_emulator', 401],
    ['Bearer pk_test_emulator', 401],
    ['Bearer nonsense', 401],
    ['', 401],
  ])('%s → %i', async (authorization, status) => {
    const r = await fetch(`${emulator.url}/v1/balance`, { headers: authorization ? { Authorization: authorization } : {} });
    expect(r.status).toBe(status);
    const body = (await r.json()) as { error?: { type: string; message: string } };
    if (status === 401) {
      expect(body.error?.type).toBe('invalid_request_error');
      const key = authorization.split(' ')[1];
      if (key && !key.startsWith('c2t')) expect(body.error?.message).not.toContain(key); // never echoes the key
    }
  });

  it('accepts live keys with livemode set when started live', async () => {
    const live = await startEmulator({ live: true, rateLimit: null });
    try {
      const l = await client(live.url, 'sk_live_emulator').post('/v1/customers', {});
      const t = await client(live.url, 'sk_test_emulator').post('/v1/customers', {});
      expect([l.body.livemode, t.body.livemode]).toEqual([true, false]);
    } finally {
      await live.stop();
    }
  });
});
