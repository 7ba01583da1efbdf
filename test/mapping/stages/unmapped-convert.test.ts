// Stages 3 and 4: fields that are not Stripe fields (reject | metadata | ignore, within Stripe's metadata limits) and type conversion.
import { describe, expect, it } from 'vitest';
import { metadataLimitRejection, routeUnmapped } from '../../../src/mapping/stages/route-unmapped.js';
import { convertTypes, fieldTypes, type ConversionKind } from '../../../src/mapping/stages/convert.js';
import { isoToUnixSeconds } from '../../../src/mapping/stages/timestamps.js';
import { readResourceSchema } from '../../../src/mapping/resources.js';

const known = new Set(['email', 'name', 'metadata', 'crm_id']);

describe('routeUnmapped', () => {
  it('reject leaves the body for validation to name the field', () => {
    const body = { email: 'a@example.com', plan: 'pro' };
    expect((routeUnmapped(body, known, 'reject', () => {}) as { body: unknown }).body).toBe(body);
  });

  it('metadata keeps unknown fields as text metadata, beside the record\'s own metadata', () => {
    expect(routeUnmapped({ email: 'e', plan: 'pro', seats: 5, trial: true, gone: null, metadata: { source: 'crm' }, crm_id: 'c-1' }, known, 'metadata', () => {})).toEqual({
      body: { email: 'e', crm_id: 'c-1', metadata: { source: 'crm', plan: 'pro', seats: '5', trial: 'true' } },
    });
  });

  it('metadata refuses an object value and a key set twice', () => {
    expect(routeUnmapped({ address2: { a: 1 } }, known, 'metadata', () => {})).toMatchObject({ rejection: { param: 'address2' } });
    expect(routeUnmapped({ plan: 'x', metadata: { plan: 'y' } }, known, 'metadata', () => {})).toMatchObject({ rejection: { param: 'metadata.plan' } });
  });

  it('ignore drops unknown fields and names each', () => {
    const names: string[] = [];
    expect(routeUnmapped({ email: 'e', plan: 'pro', score: 3 }, known, 'ignore', (n) => names.push(n))).toEqual({ body: { email: 'e' } });
    expect(names).toEqual(['plan', 'score']);
  });
});

describe('metadataLimitRejection', () => {
  const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
  it('allows 50 keys, 40-character keys and 500-character values', () => {
    expect(metadataLimitRejection({ metadata: keys(50) })).toBeUndefined();
    expect(metadataLimitRejection({ metadata: { ['k'.repeat(40)]: 'v'.repeat(500) } })).toBeUndefined();
  });
  it.each([
    ['51 keys', { metadata: keys(51) }, 'metadata', 'would hold 51 keys'],
    ['a 41-character key', { metadata: { ['k'.repeat(41)]: 'v' } }, `metadata.${'k'.repeat(41)}`, 'is 41 characters long'],
    ['a 501-character value', { metadata: { note: 'v'.repeat(501) } }, 'metadata.note', 'is 501 characters long'],
    ['a bracket in a key', { metadata: { 'a[b]': 'v' } }, 'metadata.a[b]', 'square bracket'],
  ])('refuses %s, naming the key and never the value', (_what, body, param, reason) => {
    const rejection = metadataLimitRejection(body);
    expect(rejection).toMatchObject({ code: 'metadata_limit', param });
    expect(rejection!.reason).toContain(reason);
    expect(rejection!.reason).not.toContain('vvvv');
  });
});

describe('isoToUnixSeconds', () => {
  it.each([
    ['2026-12-31T00:00:00Z', 'UTC', 1798675200],
    ['2026-12-31', 'Europe/Berlin', 1798675200],
    ['2026-12-31T01:00:00+01:00', 'UTC', 1798675200],
    ['2026-12-31T01:00:00+0100', 'UTC', 1798675200],
    ['2026-12-31T00:00:00.999999Z', 'UTC', 1798675200],
    ['2026-12-31T00:00:00', 'UTC', 1798675200],
    ['2026-12-31 01:00:00', 'Europe/Berlin', 1798675200],
    ['2026-07-01T02:00:00', 'Europe/Berlin', Date.UTC(2026, 6, 1) / 1000],
    ['2026-07-01T00:00:00', 'America/New_York', Date.UTC(2026, 6, 1, 4) / 1000],
  ])('%s in %s', (text, zone, seconds) => {
    expect(isoToUnixSeconds(text, zone)).toBe(seconds);
  });
  it.each(['2026-13-45', '2026-02-30', '2026-12-31T24:00:00Z', '31/12/2026', 'tomorrow', '2026-12-31T00:00:00+25:00', ''])('refuses %j', (text) => {
    expect(isoToUnixSeconds(text, 'UTC')).toBeUndefined();
  });
});

describe('convertTypes', () => {
  const subscriptions = fieldTypes([readResourceSchema('subscriptions.create.json'), readResourceSchema('subscriptions.update.json')]);
  const customers = fieldTypes([readResourceSchema('customers.create.json'), readResourceSchema('customers.update.json')]);
  const run = (body: Record<string, unknown>, types = subscriptions, zone = 'UTC') => {
    const seen: Array<[string, ConversionKind]> = [];
    const result = convertTypes(body, types, { zone, converted: (path, kind) => seen.push([path, kind]) });
    return { result, seen };
  };

  it('converts ISO timestamps to Unix seconds and integer text to integers, counting by field', () => {
    const { result, seen } = run({ customer: 'cus_1', trial_end: '2026-12-31T00:00:00Z', items: [{ price: 'p', quantity: '3' }, { price: 'q', quantity: '-5' }] });
    expect(result).toEqual({ body: { customer: 'cus_1', trial_end: 1798675200, items: [{ price: 'p', quantity: 3 }, { price: 'q', quantity: -5 }] } });
    expect(seen).toEqual([['trial_end', 'from ISO 8601'], ['items[].quantity', 'from text'], ['items[].quantity', 'from text']]);
  });

  it('keeps values of the right type, and the special value "now"', () => {
    const body = { trial_end: 'now', items: [{ quantity: 2 }] };
    const { result, seen } = run(body);
    expect((result as { body: unknown }).body).toBe(body);
    expect(seen).toEqual([]);
  });

  it.each(['10.5', '1e3', 'ten', ' 3'])('never rounds or guesses an integer: %j stays for validation to refuse', (quantity) => {
    expect(run({ items: [{ quantity }] }).result).toEqual({ body: { items: [{ quantity }] } });
  });

  it('refuses text in a timestamp field that is no date, naming the path', () => {
    const { result } = run({ trial_end: '2026-13-45' });
    expect(result).toMatchObject({ rejection: { param: 'trial_end' } });
    expect(JSON.stringify(result)).not.toContain('2026-13-45');
  });

  it('booleans from "true"/"false" in any case, nothing else', () => {
    expect(run({ cancel_at_period_end: 'TRUE' }).result).toEqual({ body: { cancel_at_period_end: true } });
    expect(run({ cancel_at_period_end: 'False' }).result).toEqual({ body: { cancel_at_period_end: false } });
    expect(run({ cancel_at_period_end: 'yes' }).result).toEqual({ body: { cancel_at_period_end: 'yes' } });
  });

  it('numbers to text in string fields, without exponent', () => {
    expect(run({ phone: 4915112345678, address: { postal_code: 10115 } }, customers).result).toEqual({ body: { phone: '4915112345678', address: { postal_code: '10115' } } });
    expect(run({ phone: 1e21 }, customers).result).toEqual({ body: { phone: 1e21 } });
  });

  it('number fields take numeric text', () => {
    const prices = fieldTypes([readResourceSchema('subscriptions.create.json')]);
    expect(run({ application_fee_percent: '12.5' }, prices).result).toEqual({ body: { application_fee_percent: 12.5 } });
  });

  it('date-times without offset are read in the configured zone', () => {
    expect(run({ trial_end: '2026-12-31T01:00:00' }, subscriptions, 'Europe/Berlin').result).toEqual({ body: { trial_end: 1798675200 } });
  });
});
