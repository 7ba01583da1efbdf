// The store failing: unreachable at the start or in the middle of a sync. The sync fails as transient, no state
// passes a refusal that was not stored, and nothing claims to be stored that was not.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { defaultDeps } from '../../src/deps.js';
import { runInProcess } from '../helpers/run-connector.js';
import { tempJson } from '../helpers/cli.js';
import { catalogOf, recordLine, stateLine, TEST_KEY, writeToEmulator } from '../helpers/write-run.js';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js';

let emulator: Emulator;
let s3: S3TestServer;
beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: null });
});
afterAll(async () => {
  await emulator?.stop();
  await s3?.close();
});
beforeEach(async () => {
  emulator.reset();
  await s3?.close();
  s3 = await startS3Server();
});

const customer = (i: number, valid = true) => recordLine('crm', { email: `p${i}@example.com`, metadata: { crm_id: `c${i}`, ...(valid ? { sync_key: `k${i}` } : {}) } });
const configFor = (store: Record<string, unknown>) => ({
  api_key: TEST_KEY,
  api_base_url: emulator.url,
  requests_per_second: 2000,
  configuration: { mode: 'template', resource_type: 'customers' },
  idempotency_key: { source: 'field', field: 'metadata.sync_key' },
  max_rejected_percent: 100,
  rejected_records: store,
});
const run = (config: Record<string, unknown>, input: AsyncIterable<string>) =>
  runInProcess({
    argv: ['write', '--config', tempJson('config.json', config), '--catalog', tempJson('catalog.json', catalogOf([{ name: 'crm', primary_key: [['metadata', 'crm_id']] }]))],
    input,
    deps: defaultDeps(),
  });
const lines = (messages: object[]) => messages.map((m) => JSON.stringify(m) + '\n');
const logs = (r: { messages: Array<Record<string, any>> }) => r.messages.filter((m) => m.type === 'LOG').map((m) => String(m.log.message));

describe('a rejected-records store that fails', () => {
  it('unreachable mid-sync: the sync fails as transient, states after the unstored refusal are held, nothing is reported stored', async () => {
    const server = s3;
    async function* input(): AsyncGenerator<string> {
      yield* lines([customer(1), stateLine('crm', 1), customer(2, false), stateLine('crm', 2), customer(3), stateLine('crm', 3)]);
      // The bucket goes away while the sync runs: its open object can no longer be completed.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await server.close();
      yield* lines([customer(4, false), stateLine('crm', 4), customer(5), stateLine('crm', 5)]);
    }
    const r = await run(configFor(s3.settings()), input());
    expect(r.code).toBe(1);
    const trace = r.messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')!.trace.error;
    expect(trace.failure_type).toBe('transient_error');
    expect(trace.message).toMatch(/rejected-records store s3:\/\/rejected-test\/ could not (complete an object|store a refused record): (ECONNREFUSED|ECONNRESET|EPIPE)/);
    // State 1 came before the first refusal; every later one waits on a refusal S3 never held.
    const states = r.messages.filter((m) => m.type === 'STATE').map((m) => m.state.stream.stream_state.cursor);
    expect(states).toEqual([1]);
    expect(logs(r).some((l) => /stored in \d+ object/.test(l))).toBe(false);
    // The valid records were written; the refused ones come again from the source on the re-run.
    expect(emulator.count('customers')).toBe(3);
  });

  it('unreachable at the start: the sync fails as transient before any request to Stripe, no state released', async () => {
    const r = await run(configFor(s3.settings({ endpoint: 'http://127.0.0.1:1' })), (async function* () {
      yield* lines([customer(1), stateLine('crm', 1)]);
    })());
    expect(r.code).toBe(1);
    const trace = r.messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')!.trace.error;
    expect(trace.failure_type).toBe('transient_error');
    expect(trace.message).toContain('could not be read: ECONNREFUSED');
    expect(r.messages.filter((m) => m.type === 'STATE')).toEqual([]);
    expect(emulator.requestLog().filter((q) => q.method === 'POST')).toEqual([]);
  });

  it('refused credentials at the start are a config error naming the field', async () => {
    const r = await run(configFor(s3.settings({ access_key_id: 'AKIAUNKNOWN', secret_access_key: 'canarySecretXYZ123' })), (async function* () {
      yield* lines([customer(1), stateLine('crm', 1)]);
    })());
    expect(r.code).toBe(1);
    const trace = r.messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')!.trace.error;
    expect(trace.failure_type).toBe('config_error');
    expect(trace.message).toContain('InvalidAccessKeyId');
    expect(r.stdout + r.stderr).not.toContain('canarySecretXYZ123');
  });

  it('with no refusal the sync writes nothing to the store', async () => {
    const r = await writeToEmulator({ url: emulator.url, config: { ...configFor(s3.settings()), api_key: TEST_KEY }, streams: [{ name: 'crm', primary_key: [['metadata', 'crm_id']] }], messages: [customer(1), customer(2), stateLine('crm', 1)] });
    expect(r.code).toBe(0);
    expect(await s3.list()).toEqual([]);
  });
});
