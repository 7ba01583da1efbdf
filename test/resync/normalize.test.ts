// The diff's normalisation, table by table: what counts as equal to what Stripe stores, and what does not.
import { describe, expect, it } from 'vitest';
import { ExistingIndex } from '../../src/resync/existing-index.js';
import { NOT_RETURNED, fieldNames, recordFieldText, storedFieldText } from '../../src/resync/normalize.js';

/** Does sending `body` leave `stored` as it is, field by field? */
function changed(body: Record<string, unknown>, stored: Record<string, unknown>): string[] {
  const index = new ExistingIndex({ fields: fieldNames(body), matchingKey: 'id' });
  index.add({ id: 'obj_1', ...stored });
  const found = index.find('obj_1');
  if (found?.kind !== 'found') throw new Error('not indexed');
  return index.changedFields(found.slot, body);
}

describe('field names', () => {
  it('are top-level keys with metadata split per key', () => {
    expect(fieldNames({ name: 'a', metadata: { tier: 'gold', external_id: 'e1' }, address: { city: 'x' } })).toEqual(['name', 'metadata[tier]', 'metadata[external_id]', 'address']);
    expect(fieldNames({ metadata: null, skipped: undefined })).toEqual(['metadata']);
  });
});

describe('equal to what Stripe stores', () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['the same string', { name: 'Ada' }, { name: 'Ada' }],
    ['an integer amount', { balance: 1000 }, { balance: 1000 }],
    ['1000.0 as 1000', { unit_amount: 1000.0 }, { unit_amount: 1000 }],
    ['a boolean', { tax_exempt_flag: true }, { tax_exempt_flag: true }],
    ['a metadata number as Stripe\'s string', { metadata: { seats: 5 } }, { metadata: { seats: '5' } }],
    ['a metadata boolean as Stripe\'s string', { metadata: { vip: false } }, { metadata: { vip: 'false' } }],
    ['clearing with "" a field Stripe holds as null', { description: '' }, { description: null }],
    ['clearing with null a field Stripe holds as null', { description: null }, { description: null }],
    ['clearing a metadata key Stripe does not hold', { metadata: { old: '' } }, { metadata: {} }],
    ['clearing a metadata key with null', { metadata: { old: null } }, { metadata: { other: 'x' } }],
    ['a nested object whose unset members Stripe holds as null', { address: { city: 'Paris', line1: null } }, { address: { city: 'Paris', line1: null, postal_code: null } }],
    ['a nested object in another key order', { address: { city: 'Paris', country: 'FR' } }, { address: { country: 'FR', city: 'Paris' } }],
    ['an array of strings', { preferred_locales: ['fr', 'en'] }, { preferred_locales: ['fr', 'en'] }],
    ['a decimal amount with a trailing zero', { unit_amount_decimal: '10.50' }, { unit_amount_decimal: '10.5' }],
    ['a number sent as text (the same form text on the wire)', { balance: '1000' }, { balance: 1000 }],
    ['other metadata keys the record does not set', { metadata: { tier: 'gold' } }, { metadata: { tier: 'gold', owner: 'crm' } }],
  ];
  for (const [what, body, stored] of cases) {
    it(what, () => expect(changed(body, stored)).toEqual([]));
  }
});

describe('different, or not sure to be equal (treated as changed)', () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>, string[]][] = [
    ['another string', { name: 'Ada' }, { name: 'Ada L.' }, ['name']],
    ['another amount', { balance: 1000 }, { balance: 1001 }, ['balance']],
    ['true against false', { livemode_flag: true }, { livemode_flag: false }, ['livemode_flag']],
    ['a new metadata value', { metadata: { tier: 'gold' } }, { metadata: { tier: 'silver' } }, ['metadata[tier]']],
    ['a metadata key Stripe lacks', { metadata: { tier: 'gold' } }, { metadata: {} }, ['metadata[tier]']],
    ['clearing a metadata key Stripe holds', { metadata: { tier: '' } }, { metadata: { tier: 'gold' } }, ['metadata[tier]']],
    ['clearing a field Stripe holds', { phone: '' }, { phone: '+33' }, ['phone']],
    ['a nested object Stripe holds with more members (replace or merge: not sure)', { address: { city: 'Paris' } }, { address: { city: 'Paris', line1: '1 rue' } }, ['address']],
    ['a field Stripe does not return (write-only)', { payment_method: 'pm_1' }, {}, ['payment_method']],
    ['clearing a field Stripe does not return', { source: '' }, {}, ['source']],
    ['an array in another order', { preferred_locales: ['en', 'fr'] }, { preferred_locales: ['fr', 'en'] }, ['preferred_locales']],
    ['a shorter array', { preferred_locales: ['fr'] }, { preferred_locales: ['fr', 'en'] }, ['preferred_locales']],
    ['a decimal with another value', { unit_amount_decimal: '10.51' }, { unit_amount_decimal: '10.5' }, ['unit_amount_decimal']],
    ['an expanded object where the record names an id', { default_source: 'card_1' }, { default_source: { id: 'card_1', object: 'card' } }, ['default_source']],
  ];
  for (const [what, body, stored, expected] of cases) {
    it(what, () => expect(changed(body, stored)).toEqual(expected));
  }

  it('a field the index does not hash (not set by the stream\'s first record) is changed', () => {
    const index = new ExistingIndex({ fields: ['name'], matchingKey: 'id' });
    index.add({ id: 'cus_1', name: 'a', email: 'x@example.com' });
    const found = index.find('cus_1');
    expect(found?.kind).toBe('found');
    if (found?.kind !== 'found') return;
    expect(index.changedFields(found.slot, { name: 'a', email: 'x@example.com' })).toEqual(['email']);
  });
});

describe('canonical texts', () => {
  it('a missing field of a Stripe object is NOT_RETURNED, never a record value', () => {
    expect(storedFieldText({}, 'email')).toBe(NOT_RETURNED);
    expect(storedFieldText({ metadata: null }, 'metadata[a]')).toBe(NOT_RETURNED);
    expect(recordFieldText({}, 'email')).not.toBe(NOT_RETURNED);
  });

  it('never hold the field\'s name twice or depend on object key order', () => {
    expect(recordFieldText({ a: { y: 1, x: 2 } }, 'a')).toBe(recordFieldText({ a: { x: 2, y: 1 } }, 'a'));
  });
});
