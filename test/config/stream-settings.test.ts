// stream_settings: the entry a (stream, namespace) gets, defaults, and the config rules checked before any record.
import { describe, expect, it } from 'vitest';
import { configErrorFor, validateConfig } from '../../src/config/validate.js';
import { resolveStreamSettings, streamSettingsEntry, unmatchedEntryWarnings, type StreamSettings } from '../../src/config/stream-settings.js';
import { tempJson } from '../helpers/cli.js';
import { runInProcess, testSink } from '../helpers/run-connector.js';
import { catalogOf } from '../helpers/write-run.js';

const KEY = 'sk_test_streamSettings1';
const base = (stream_settings: unknown[]) => ({ api_key: KEY, configuration: { mode: 'template', resource_type: 'customers' }, stream_settings });

function problemText(raw: unknown): string {
  const result = validateConfig(raw);
  expect(result.ok).toBe(false);
  return result.ok ? '' : configErrorFor(result.problems).message;
}

describe('streamSettingsEntry', () => {
  const entries: StreamSettings[] = [
    { stream: '*', unmapped_fields: 'ignore' },
    { stream: '*', namespace: 'crm', unmapped_fields: 'metadata' },
    { stream: 'contacts', fields: { city: 'address.city' } },
    { stream: 'contacts', namespace: 'eu', coerce_types: false },
  ];

  it.each([
    ['contacts', 'eu', 3],
    ['contacts', 'us', 2],
    ['contacts', null, 2],
    ['accounts', 'crm', 1],
    ['accounts', undefined, 0],
    ['contacts', 'crm', 2],
  ])('%s in namespace %s gets entry %i', (stream, namespace, index) => {
    expect(streamSettingsEntry(entries, stream, namespace)).toBe(entries[index]);
  });

  it('is undefined without entries or without a matching one', () => {
    expect(streamSettingsEntry(undefined, 'contacts')).toBeUndefined();
    expect(streamSettingsEntry([{ stream: 'accounts' }], 'contacts')).toBeUndefined();
    expect(streamSettingsEntry([{ stream: 'contacts', namespace: 'eu' }], 'contacts')).toBeUndefined();
  });

  it('fills the defaults, and a stream with its own entry does not inherit from "*"', () => {
    expect(resolveStreamSettings(undefined, 'contacts')).toEqual({ stream: 'contacts', fields: {}, unmapped_fields: 'reject', coerce_types: true, naive_timestamp_zone: 'UTC' });
    const own = resolveStreamSettings([{ stream: '*', coerce_types: false, naive_timestamp_zone: 'Europe/Berlin' }, { stream: 'contacts', unmapped_fields: 'metadata' }], 'contacts');
    expect(own).toMatchObject({ unmapped_fields: 'metadata', coerce_types: true, naive_timestamp_zone: 'UTC' });
    expect(resolveStreamSettings([{ stream: '*', coerce_types: false }], 'orders')).toMatchObject({ stream: 'orders', coerce_types: false });
  });
});

describe('stream_settings in the config', () => {
  it('accepts entries and fills each entry\'s defaults', () => {
    const result = validateConfig(base([{ stream: 'contacts', fields: { city: 'address.city' } }, { stream: '*', unmapped_fields: 'metadata' }]));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.stream_settings?.[0]).toEqual({ stream: 'contacts', fields: { city: 'address.city' }, unmapped_fields: 'reject', coerce_types: true, naive_timestamp_zone: 'UTC' });
  });

  it.each([
    ['a duplicate entry', [{ stream: 'contacts' }, { stream: 'orders' }, { stream: 'contacts' }], 'stream_settings[2]: is a second entry for stream "contacts" (the first is stream_settings[0])'],
    ['a duplicate "*" in one namespace', [{ stream: '*', namespace: 'crm' }, { stream: '*', namespace: 'crm' }], 'stream_settings[1]: is a second entry for every stream ("*") in namespace "crm"'],
    ['an unknown zone', [{ stream: 'contacts', naive_timestamp_zone: 'Mars/Olympus' }], 'stream_settings[0].naive_timestamp_zone: must be an IANA time zone name'],
    ['two fields onto one Stripe field', [{ stream: 'contacts', fields: { full_name: 'name', display: 'name' } }], 'stream_settings[0].fields.display: maps to the same Stripe field "name" as "full_name"'],
    ['a misspelt setting', [{ stream: 'contacts', unmaped_fields: 'metadata' }], 'stream_settings.0.unmaped_fields: is not a known setting (did you mean "unmapped_fields"?)'],
    ['an unknown policy', [{ stream: 'contacts', unmapped_fields: 'keep' }], 'stream_settings.0.unmapped_fields: must be one of reject, metadata, ignore'],
    ['an entry without stream', [{ fields: {} }], 'stream_settings.0.stream: is required'],
  ])('refuses %s, naming the entry', (_what, entries, expected) => {
    expect(problemText(base(entries))).toContain(expected);
  });

  it('the same stream in two namespaces is two entries, not a duplicate', () => {
    expect(validateConfig(base([{ stream: 'contacts', namespace: 'eu' }, { stream: 'contacts', namespace: 'us' }, { stream: 'contacts' }])).ok).toBe(true);
  });

  it('an entry for a stream the catalog lacks is a note (a warning when a close name suggests a typo), never an error', () => {
    const warnings = unmatchedEntryWarnings([{ stream: 'contact' }, { stream: '*' }, { stream: 'orders', namespace: 'eu' }, { stream: 'orders' }], [{ name: 'contacts' }, { name: 'orders', namespace: 'us' }]);
    expect(warnings.map((w) => w.text)).toEqual([
      'stream_settings[0] names stream "contact", which this sync\'s catalog does not hold; the entry is not used (did you mean "contacts"?).',
      'stream_settings[2] names stream "orders" in namespace "eu", which this sync\'s catalog does not hold; the entry is not used (the catalog holds it in namespace "us").',
    ]);
    expect(warnings.map((w) => w.likelyTypo)).toEqual([true, true]);
    expect(unmatchedEntryWarnings([{ stream: 'invoices' }], [{ name: 'contacts' }])).toEqual([{ text: expect.stringContaining('"invoices"'), likelyTypo: false }]);
  });

  it('write refuses a duplicate entry with a config_error before reading any input', async () => {
    const config = tempJson('config.json', base([{ stream: 'customers' }, { stream: 'customers' }]));
    const catalog = tempJson('catalog.json', catalogOf([{ name: 'customers' }]));
    let read = false;
    async function* input(): AsyncGenerator<string> {
      read = true;
      yield '';
    }
    const sink = testSink();
    const result = await runInProcess({ argv: ['write', '--config', config, '--catalog', catalog], input: input(), sink });
    expect(result.code).toBe(1);
    expect(read).toBe(false);
    expect(result.messages[0]).toMatchObject({ type: 'TRACE', trace: { type: 'ERROR', error: { failure_type: 'config_error' } } });
    expect(result.messages[0]!.trace.error.message).toContain('stream_settings[1]: is a second entry for stream "customers"');
  });
});
