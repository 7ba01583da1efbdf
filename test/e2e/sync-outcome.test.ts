// How a sync ends, through the built CLI against the emulator: refused records, unknown streams, and
// what the rejection lines say about primary keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { builtMain, hasBuild, runCli, tempJson } from '../helpers/cli.js';
import { parseLines } from '../helpers/protocol-schema.js';
import { catalogOf, recordLine, stateLine } from '../helpers/write-run.js';
import { primaryKeyHash } from '../../src/pipeline/rejections.js';

const KEY = 'sk_test_emulatorOutcome1';
let emulator: Emulator;
beforeAll(async () => {
  if (!hasBuild) throw new Error(`${builtMain} is missing: run \`npm run build\` first`);
  emulator = await startEmulator({ rateLimit: null });
});
afterAll(async () => emulator?.stop());

const good = (i: number) => recordLine('people', { email: `person${i}@example.com` });
// `nickname` is not a customer field: refused before any request.
const bad = (i: number) => recordLine('people', { email: `person${i}@example.com`, nickname: 'x' });

async function write(config: Record<string, unknown>, messages: object[], streams = [{ name: 'people', primary_key: [['email']] }]) {
  emulator.reset();
  const configPath = tempJson('config.json', { api_key: KEY, api_base_url: emulator.url, requests_per_second: 1000, configuration: { mode: 'template', resource_type: 'customers' }, ...config });
  const catalogPath = tempJson('catalog.json', catalogOf(streams));
  const input = messages.map((m) => JSON.stringify(m)).join('\n') + '\n';
  const result = await runCli(['write', '--config', configPath, '--catalog', catalogPath], { input });
  return { ...result, messages: parseLines(result.stdout) };
}

const errorsOf = (messages: Array<Record<string, any>>) => messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');

describe('a sync in which every record is refused', () => {
  it('exits non-zero with a TRACE error naming the counts and reasons, after every state', async () => {
    const input = Array.from({ length: 20 }, (_, i) => [bad(i), ...(i % 5 === 4 ? [stateLine('people', i + 1)] : [])]).flat();
    const r = await write({}, input);
    expect(r.code, r.stderr).toBe(1);
    const errors = errorsOf(r.messages);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.trace.error.failure_type).toBe('config_error');
    expect(errors[0]!.trace.error.message).toContain('20 of 20 records (100 %) were rejected and none was written');
    expect(errors[0]!.trace.error.message).toContain('validation_failed on nickname (20)');
    const states = r.messages.filter((m) => m.type === 'STATE');
    expect(states).toHaveLength(4);
    expect(r.messages.indexOf(errors[0]!)).toBeGreaterThan(r.messages.indexOf(states.at(-1)!));
    expect(r.messages.at(-1)).toBe(errors[0]);
  });

  it('succeeds when max_rejected_percent is 100 (never fail)', async () => {
    const r = await write({ max_rejected_percent: 100 }, [bad(0), bad(1), stateLine('people', 1)]);
    expect(r.code).toBe(0);
    expect(errorsOf(r.messages)).toEqual([]);
  });

  it('with a threshold, fails only above it', async () => {
    const input = [good(0), good(1), good(2), bad(3), stateLine('people', 1)];
    expect((await write({ max_rejected_percent: 25 }, input)).code).toBe(0);
    const over = await write({ max_rejected_percent: 20 }, input);
    expect(over.code).toBe(1);
    expect(errorsOf(over.messages)[0]!.trace.error.message).toContain('1 of 4 records (25 %) was rejected, more than max_rejected_percent (20 %)');
  });
});

describe('records of streams not in the catalog', () => {
  const input = [good(0), recordLine('orders', { id: 1 }), recordLine('orders', { id: 2 }), stateLine('people', 1)];

  it('are counted per stream and fail the sync by default, after the states', async () => {
    const r = await write({}, input);
    expect(r.code).toBe(1);
    const logs = r.messages.filter((m) => m.type === 'LOG').map((m) => m.log.message as string);
    expect(logs).toContain('Stream "orders" is not in the configured catalog: 2 records not written.');
    const [error] = errorsOf(r.messages);
    expect(error!.trace.error.message).toContain('"orders" (2)');
    expect(r.messages.findIndex((m) => m.type === 'STATE')).toBeLessThan(r.messages.indexOf(error!));
    expect(emulator.count('customers')).toBe(1);
  });

  it('with unknown_streams: skip, are only counted', async () => {
    const r = await write({ unknown_streams: 'skip' }, input);
    expect(r.code).toBe(0);
    expect(r.messages.some((m) => m.type === 'LOG' && m.log.message === 'Stream "orders" is not in the configured catalog: 2 records not written.')).toBe(true);
  });
});

describe('primary keys in rejection lines', () => {
  it('are a hash and the field names by default: no value in any output', async () => {
    const r = await write({ max_rejected_percent: 100 }, [bad(7), stateLine('people', 1)]);
    const warn = r.messages.find((m) => m.type === 'LOG' && m.log.level === 'WARN')!.log.message as string;
    expect(warn).toContain(`primary key email #${primaryKeyHash(['person7@example.com'])}`);
    expect(r.stdout + r.stderr).not.toContain('person7@example.com');
  });

  it('show their values with log_primary_key_values', async () => {
    const r = await write({ max_rejected_percent: 100, log_primary_key_values: true }, [bad(7), stateLine('people', 1)]);
    const warn = r.messages.find((m) => m.type === 'LOG' && m.log.level === 'WARN')!.log.message as string;
    expect(warn).toContain('primary key email ["person7@example.com"]');
  });
});
