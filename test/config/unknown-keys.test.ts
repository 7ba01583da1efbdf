// Unknown keys are refused at every level of the config, with their path and a "did you mean".
import { describe, expect, it } from 'vitest';
import { configErrorFor, validateConfig } from '../../src/config/validate.js';
import { connectionSpecification, type JsonSchema } from '../../src/config/spec.js';
import { tempJson } from '../helpers/cli.js';
import { runInProcess, testSink } from '../helpers/run-connector.js';
import { catalogOf } from '../helpers/write-run.js';

const KEY = 'sk_test_unknownKeys1';
const base = () => ({ api_key: KEY, configuration: { mode: 'template', resource_type: 'customers' } });

function message(raw: unknown): string {
  const result = validateConfig(raw);
  expect(result.ok).toBe(false);
  return result.ok ? '' : configErrorFor(result.problems).message;
}

/** Every object schema in the spec with properties: its JSON pointer and schema (oneOf branches included). */
function objectSchemas(schema: JsonSchema, pointer = ''): Array<[string, JsonSchema]> {
  const out: Array<[string, JsonSchema]> = [];
  if (schema.properties) out.push([pointer || '/', schema]);
  for (const [name, sub] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) out.push(...objectSchemas(sub, `${pointer}/properties/${name}`));
  ((schema.oneOf ?? []) as JsonSchema[]).forEach((branch, i) => out.push(...objectSchemas(branch, `${pointer}/oneOf/${i}`)));
  if (schema.items && typeof schema.items === 'object') out.push(...objectSchemas(schema.items as JsonSchema, `${pointer}/items`));
  return out;
}

describe('unknown keys', () => {
  it('the spec says additionalProperties: false on every object with properties, oneOf branches included', () => {
    const objects = objectSchemas(connectionSpecification);
    expect(objects.length).toBeGreaterThanOrEqual(5);
    for (const [pointer, schema] of objects) expect(schema.additionalProperties, pointer).toBe(false);
  });

  it.each([
    ['top level', { ...base(), dryrun: true }, 'dryrun: is not a known setting (did you mean "dry_run"?)'],
    ['template configuration', { api_key: KEY, configuration: { ...base().configuration, matchingkey: 'id' } }, 'configuration.matchingkey: is not a known setting (did you mean "matching_key"?)'],
    ['manual configuration', { api_key: KEY, configuration: { mode: 'manual', url: '/v1/customers', bdy: '{}' } }, 'configuration.bdy: is not a known setting (did you mean "body"?)'],
    ['idempotency_key', { ...base(), idempotency_key: { source: 'field', feild: 'x' } }, 'idempotency_key.feild: is not a known setting (did you mean "field"?)'],
    ['response_webhook', { ...base(), response_webhook: { url: 'https://hooks.example.com/x', timeout: 5 } }, 'response_webhook.timeout: is not a known setting (did you mean "timeout_seconds"?)'],
    ['no close name', { ...base(), colour: 'blue' }, 'colour: is not a known setting'],
  ])('refused at the %s, with the path', (_where, raw, expected) => {
    const text = message(raw);
    expect(text).toContain(expected);
    if (!expected.includes('did you mean')) expect(text).not.toContain('did you mean');
  });

  it('the headers map of the webhook still takes any header name', () => {
    expect(validateConfig({ ...base(), response_webhook: { url: 'https://hooks.example.com/x', headers: { 'X-Anything': 'v' } } }).ok).toBe(true);
  });

  it('check fails naming the key', async () => {
    const config = tempJson('config.json', { ...base(), dryrun: true });
    let verified = false;
    const result = await runInProcess({ argv: ['check', '--config', config], deps: { verify: async () => ((verified = true), 'ok') } });
    const status = result.messages.find((m) => m.type === 'CONNECTION_STATUS')!;
    expect(status.connectionStatus.status).toBe('FAILED');
    expect(status.connectionStatus.message).toContain('dryrun: is not a known setting (did you mean "dry_run"?)');
    expect(verified).toBe(false);
  });

  it('write fails with a config_error before reading any input', async () => {
    const config = tempJson('config.json', { ...base(), dryrun: true });
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
    expect(sink.seen).toEqual([]);
    expect(result.messages).toHaveLength(1);
    expect(result.messages[0]).toMatchObject({ type: 'TRACE', trace: { type: 'ERROR', error: { failure_type: 'config_error' } } });
    expect(result.messages[0]!.trace.error.message).toContain('dryrun');
  });
});
