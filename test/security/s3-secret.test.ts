// The rejected-records store's secret access key is a secret like the API key: masked by the redactor, never printed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { createRedactor, MASK } from '../../src/config/redact.js';
import { secretPaths } from '../../src/config/spec.js';
import { defaultDeps } from '../../src/deps.js';
import { tempJson } from '../helpers/cli.js';
import { runInProcess } from '../helpers/run-connector.js';
import { catalogOf, recordLine, stateLine, TEST_KEY } from '../helpers/write-run.js';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js';

const SECRET = 'CANARYs3SecretAccessKey0123456789';
let emulator: Emulator;
let s3: S3TestServer;
beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: null });
  s3 = await startS3Server();
});
afterAll(async () => {
  await emulator?.stop();
  await s3?.close();
});

describe('rejected_records.secret_access_key', () => {
  it('is one of the spec\'s secret paths, and the redactor masks it', () => {
    expect(secretPaths()).toContain('rejected_records.secret_access_key');
    const redact = createRedactor({ api_key: TEST_KEY, rejected_records: { bucket: 'b', secret_access_key: SECRET } });
    expect(redact(`signed with ${SECRET}.`)).toBe(`signed with ${MASK}.`);
  });

  it('appears in no output of a write whose store refuses the key, nor of check', async () => {
    const store = { ...s3.settings(), access_key_id: 'AKIACANARYUNKNOWN', secret_access_key: SECRET };
    const config = tempJson('config.json', { api_key: TEST_KEY, api_base_url: emulator.url, configuration: { mode: 'template', resource_type: 'customers' }, rejected_records: store });
    const catalog = tempJson('catalog.json', catalogOf([{ name: 'crm' }]));
    const write = await runInProcess({ argv: ['write', '--config', config, '--catalog', catalog], input: [recordLine('crm', { email: 'a@example.com', colour: 'x' }), stateLine('crm', 1)], deps: defaultDeps() });
    const check = await runInProcess({ argv: ['check', '--config', config], deps: defaultDeps() });
    expect(write.code).toBe(1);
    for (const out of [write.stdout, write.stderr, check.stdout, check.stderr]) expect(out).not.toContain('CANARY' + 's3Secret');
    expect(write.stdout + check.stdout).toContain('InvalidAccessKeyId');
  });
});
