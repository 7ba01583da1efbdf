// `check` proves the rejected-records bucket is writable (marker written and deleted) and names S3's refusal, never the secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { defaultDeps } from '../../src/deps.js';
import { runInProcess } from '../helpers/run-connector.js';
import { tempJson } from '../helpers/cli.js';
import { TEST_KEY } from '../helpers/write-run.js';
import { S3_KEY_ID, S3_SECRET, startS3Server, type S3TestServer } from '../helpers/s3-server.js';
import { startSigV4Proxy } from '../helpers/sigv4-proxy.js';

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

async function check(store: Record<string, unknown>) {
  const config = tempJson('config.json', { api_key: TEST_KEY, api_base_url: emulator.url, configuration: { mode: 'template', resource_type: 'customers' }, rejected_records: store });
  const r = await runInProcess({ argv: ['check', '--config', config], deps: defaultDeps() });
  const status = r.messages.find((m) => m.type === 'CONNECTION_STATUS')!.connectionStatus;
  return { ...r, status: status.status as string, message: String(status.message) };
}

describe('check with a rejected-records store', () => {
  it('succeeds when the bucket takes a marker, and leaves nothing behind', async () => {
    const r = await check(s3.settings({ path_prefix: 'checks/' }));
    expect(r.status, r.message).toBe('SUCCEEDED');
    expect(r.message).toContain(`Rejected-records store s3://${s3.bucket}/checks/ is writable`);
    expect(await s3.list('checks/')).toEqual([]);
  });

  it('names an unknown access key id (InvalidAccessKeyId), never the secret', async () => {
    const secret = 'wrongSecretCanary1234567890';
    const r = await check(s3.settings({ access_key_id: 'AKIAUNKNOWNKEY000000', secret_access_key: secret }));
    expect(r.status).toBe('FAILED');
    expect(r.message).toContain('InvalidAccessKeyId');
    expect(r.message).toContain('rejected_records.access_key_id');
    expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it('names a wrong secret (SignatureDoesNotMatch) from a server that checks signatures, never the secret', async () => {
    const proxy = await startSigV4Proxy(s3.url, S3_SECRET);
    try {
      const good = await check(s3.settings({ endpoint: proxy.url }));
      expect(good.status, good.message).toBe('SUCCEEDED');
      expect(proxy.refused).toBe(0);
      const secret = 'aVeryWrongSecretCanary42';
      const r = await check(s3.settings({ endpoint: proxy.url, access_key_id: S3_KEY_ID, secret_access_key: secret }));
      expect(r.status).toBe('FAILED');
      expect(r.message).toContain('SignatureDoesNotMatch (HTTP 403)');
      expect(r.message).toContain('rejected_records.secret_access_key');
      expect(proxy.refused).toBeGreaterThan(0);
      expect(r.stdout + r.stderr).not.toContain(secret);
    } finally {
      await proxy.close();
    }
  });

  it('names a bucket that does not exist (NoSuchBucket)', async () => {
    const r = await check(s3.settings({ bucket: 'no-such-bucket' }));
    expect(r.status).toBe('FAILED');
    expect(r.message).toMatch(/NoSuchBucket.*rejected_records\.bucket/);
  });

  it('names an unreachable store', async () => {
    const r = await check(s3.settings({ endpoint: 'http://127.0.0.1:1' }));
    expect(r.status).toBe('FAILED');
    expect(r.message).toContain('ECONNREFUSED');
  });

  it('refuses a key id without its secret as a config error naming both fields', async () => {
    const r = await check({ bucket: s3.bucket, endpoint: s3.url, access_key_id: S3_KEY_ID });
    expect(r.status).toBe('FAILED');
    expect(r.message).toContain('rejected_records.secret_access_key is empty while rejected_records.access_key_id is set');
  });
});
