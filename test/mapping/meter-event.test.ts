// Tests for the record → v2 meter event mapping: payload forms, derived identifiers, timestamps, rejections.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalText, DERIVED_IDENTIFIER_PREFIX, deriveIdentifier, isoString, sha256Hex, toMeterEvent } from '../../src/mapping/meter-event.js';
import { canonicalJson } from '../../src/stripe/idempotency.js';

const stream = 'usage';

function event(data: Record<string, unknown>) {
  const result = toMeterEvent(data, { stream });
  if (!result.ok) throw new Error(`expected an event, got ${result.rejection.reason}`);
  return result.event;
}

describe('toMeterEvent', () => {
  it('maps a nested payload, stringifying numbers and booleans and dropping nulls', () => {
    const e = event({ event_name: 'api_calls', payload: { stripe_customer_id: 'cus_1', value: 3, region: 'eu', beta: true, gone: null }, identifier: 'id-1' });
    expect(e).toEqual({ event_name: 'api_calls', payload: { stripe_customer_id: 'cus_1', value: '3', region: 'eu', beta: 'true' }, identifier: 'id-1' });
  });

  it('accepts the flat stripe_customer_id and value fields', () => {
    const e = event({ event_name: 'api_calls', stripe_customer_id: 'cus_1', value: 2.5 });
    expect(e.payload).toEqual({ stripe_customer_id: 'cus_1', value: '2.5' });
  });

  it('fills only the payload keys the payload lacks from the flat fields', () => {
    const e = event({ event_name: 'e', payload: { value: '7' }, stripe_customer_id: 'cus_2', value: 99 });
    expect(e.payload).toEqual({ value: '7', stripe_customer_id: 'cus_2' });
  });

  it('derives a stable, prefixed identifier of at most 100 characters when none is given', () => {
    const a = event({ event_name: 'e', stripe_customer_id: 'cus_1', value: 1, timestamp: 1_700_000_000 });
    const b = event({ timestamp: 1_700_000_000, value: 1, stripe_customer_id: 'cus_1', event_name: 'e' });
    expect(a.identifier).toBe(b.identifier);
    expect(a.identifier.startsWith(DERIVED_IDENTIFIER_PREFIX)).toBe(true);
    expect(a.identifier).toMatch(/^dst-stripe-me-[0-9a-f]{64}$/);
    expect(a.identifier.length).toBeLessThanOrEqual(100);
  });

  it('derives different identifiers for different content or a different stream', () => {
    const data = { event_name: 'e', stripe_customer_id: 'cus_1', value: 1 };
    const base = deriveIdentifier(stream, data);
    expect(deriveIdentifier(stream, { ...data, value: 2 })).not.toBe(base);
    expect(deriveIdentifier('other', data)).not.toBe(base);
  });

  it('derives equal identifiers for equal records whatever their key order (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string(), fc.boolean())), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(deriveIdentifier(stream, reversed)).toBe(deriveIdentifier(stream, record));
      }),
    );
  });

  it('derives the identifier from the documented canonical JSON', () => {
    const data = { value: 1, event_name: 'e', stripe_customer_id: 'cus_1', extra: { b: [1, null], a: undefined } };
    expect(deriveIdentifier(stream, data)).toBe(`${DERIVED_IDENTIFIER_PREFIX}${sha256Hex(canonicalJson({ v: 1, stream, record: data }))}`);
  });

  it('derives the identifier from the documented canonical JSON for plain records of any shape (property)', () => {
    const key = fc.constantFrom('a', 'b', 'value', 'event_name', '10', '9', 'toString', 'record', 'stream', 'v');
    const records = fc.array(fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(records, fc.constantFrom('usage', 'other "stream"'), (list, name) =>
        list.every((record) => {
          const data = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
          return deriveIdentifier(name, data) === `${DERIVED_IDENTIFIER_PREFIX}${sha256Hex(canonicalJson({ v: 1, stream: name, record: data }))}`;
        }),
      ),
    );
  });

  it('canonicalText gives the same text as canonicalJson (property)', () => {
    const value = fc.oneof(fc.jsonValue(), fc.dictionary(fc.string(), fc.oneof(fc.constant(undefined), fc.date({ noInvalidDate: true }), fc.double(), fc.jsonValue())));
    fc.assert(fc.property(value, (v) => canonicalText(v) === canonicalJson(v)));
  });

  it('canonicalText gives canonicalJson\'s text for a run of records whose shapes change (property)', () => {
    // Successive records reuse or replace the kept property list: every one must still come out canonical.
    const key = fc.constantFrom('a', 'b', 'value', 'event_name', '10', '9', 'toString', 'constructor', 'valueOf', '__proto__');
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
    })).node;
    const records = fc.array(fc.dictionary(key, tree, { maxKeys: 6 }), { minLength: 1, maxLength: 12 });
    fc.assert(fc.property(records, (list) => list.every((record) => canonicalText(JSON.parse(JSON.stringify(record))) === canonicalJson(JSON.parse(JSON.stringify(record))))));
  });

  it.each([
    ['an own __proto__ member', '{"__proto__":{"x":1},"a":1}'],
    ['__proto__ in one object only', '{"a":{"__proto__":1},"b":{"c":2}}'],
    ['keys named like Object.prototype members', '{"toString":"t","inner":{"x":1},"list":[{"constructor":1},{"y":2}]}'],
    ['numeric keys', '{"10":1,"9":2,"a":{"1":true,"01":false}}'],
  ])('canonicalText is canonical for %s', (_name, text) => {
    expect(canonicalText(JSON.parse(text))).toBe(canonicalJson(JSON.parse(text)));
    // Again, now that a property list from another shape may be kept.
    canonicalText({ other: { shape: 1 } });
    expect(canonicalText(JSON.parse(text))).toBe(canonicalJson(JSON.parse(text)));
  });

  it.each([
    [1_700_000_000, '2023-11-14T22:13:20.000Z'],
    ['1700000000', '2023-11-14T22:13:20.000Z'],
    [1_700_000_000.5, '2023-11-14T22:13:20.500Z'],
    ['2024-03-01T10:00:00+02:00', '2024-03-01T08:00:00.000Z'],
    ['2024-03-01T10:00:00Z', '2024-03-01T10:00:00.000Z'],
    ['2024-03-01T10:00:00', '2024-03-01T10:00:00.000Z'],
    ['2024-03-01 10:00', '2024-03-01T10:00:00.000Z'],
  ])('turns timestamp %j into RFC 3339 %s', (timestamp, expected) => {
    expect(event({ event_name: 'e', stripe_customer_id: 'c', value: 1, timestamp }).timestamp).toBe(expected);
  });

  it('omits the timestamp when the record has none', () => {
    expect(event({ event_name: 'e', stripe_customer_id: 'c', value: 1, timestamp: null })).not.toHaveProperty('timestamp');
  });

  it.each([
    [{ stripe_customer_id: 'cus_secret', value: 1 }, 'event_name'],
    [{ event_name: '', stripe_customer_id: 'cus_secret', value: 1 }, 'event_name'],
    [{ event_name: 'e', payload: ['cus_secret'] }, 'payload'],
    [{ event_name: 'e', payload: { stripe_customer_id: 'cus_secret', value: 1, nested: { a: 1 } } }, 'payload.nested'],
    [{ event_name: 'e', value: 1 }, 'payload.stripe_customer_id'],
    [{ event_name: 'e', stripe_customer_id: '  ', value: 1 }, 'payload.stripe_customer_id'],
    [{ event_name: 'e', stripe_customer_id: 'cus_secret' }, 'payload.value'],
    [{ event_name: 'e', stripe_customer_id: 'cus_secret', value: 'lots' }, 'payload.value'],
    [{ event_name: 'e', stripe_customer_id: 'cus_secret', value: Number.NaN }, 'value'],
    [{ event_name: 'e', stripe_customer_id: { id: 'cus_secret' }, value: 1 }, 'stripe_customer_id'],
    [{ event_name: 'e', stripe_customer_id: 'cus_secret', value: 1, identifier: 'x'.repeat(101) }, 'identifier'],
    [{ event_name: 'e', stripe_customer_id: 'cus_secret', value: 1, identifier: 42 }, 'identifier'],
    [{ event_name: 'e', stripe_customer_id: 'cus_secret', value: 1, timestamp: 'not a date secret' }, 'timestamp'],
    [{ event_name: 'e', stripe_customer_id: 'cus_secret', value: 1, timestamp: true }, 'timestamp'],
  ])('rejects %j naming %s, without echoing values', (data, field) => {
    const result = toMeterEvent(data, { stream });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rejection.code).toBe('validation_failed');
    expect(result.rejection.param).toBe(field);
    expect(result.rejection.reason).toContain(field);
    expect(result.rejection.reason).not.toContain('secret');
    expect(result.rejection.reason).not.toContain('lots');
  });
});

describe('isoString (the per-event timestamp formatter)', () => {
  const viaDate = (ms: number): string | undefined => {
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  };

  it('matches Date#toISOString for any instant, including day, year and range edges', () => {
    for (const ms of [0, 999, 1000, 86_399_999, 86_400_000, 951_782_400_000, 1_796_470_169_123, 253_402_300_799_999, 253_402_300_800_000, -1, -86_400_001, 8.64e15, 8.64e15 + 1, 1.5, 59_999.9]) {
      expect(isoString(ms), String(ms)).toBe(viaDate(ms));
    }
    fc.assert(fc.property(fc.integer({ min: -1e13, max: 3e14 }), (ms) => isoString(ms) === viaDate(ms)));
  });

  it('gives the right day when consecutive events alternate between two days (the cached prefix changes)', () => {
    const a = Date.UTC(2026, 11, 4, 23, 59, 59, 7);
    const b = Date.UTC(2026, 11, 5, 0, 0, 0, 70);
    expect([isoString(a), isoString(b), isoString(a)]).toEqual(['2026-12-04T23:59:59.007Z', '2026-12-05T00:00:00.070Z', '2026-12-04T23:59:59.007Z']);
  });
});
