// A real S3-compatible server (s3rver) on 127.0.0.1 for the rejected-records store tests, and ways to read it back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import S3rver from 's3rver';

/** s3rver's own key pair; it refuses any other access key id (it does not check signatures). */
export const S3_KEY_ID = 'S3RVER';
export const S3_SECRET = 'S3RVER';

export interface S3TestServer {
  url: string;
  bucket: string;
  /** The `rejected_records` setting pointing at this server. */
  settings(extra?: Record<string, unknown>): Record<string, unknown>;
  /** Keys under a prefix (unsigned requests, which s3rver serves). */
  list(prefix?: string): Promise<string[]>;
  /** An object's body. */
  get(key: string): Promise<Buffer>;
  /** Every stored rejection line under a prefix (part objects, gunzipped). */
  lines(prefix?: string): Promise<Array<Record<string, any>>>;
  close(): Promise<void>;
}

export async function startS3Server(bucket = 'rejected-test'): Promise<S3TestServer> {
  const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const url = `http://127.0.0.1:${port}`;
  let closed = false;
  const list = async (prefix = ''): Promise<string[]> => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const query = new URLSearchParams({ 'list-type': '2', prefix, ...(token ? { 'continuation-token': token } : {}) });
      const text = await (await fetch(`${url}/${bucket}?${query}`)).text();
      for (const m of text.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(decodeXml(m[1]!));
      token = /<IsTruncated>true<\/IsTruncated>/.test(text) ? /<NextContinuationToken>([^<]*)</.exec(text)?.[1] : undefined;
    } while (token);
    return keys.sort();
  };
  const get = async (key: string): Promise<Buffer> => {
    const res = await fetch(`${url}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`);
    if (res.status !== 200) throw new Error(`GET ${key}: ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  };
  return {
    url,
    bucket,
    settings: (extra = {}) => ({ bucket, endpoint: url, region: 'us-east-1', access_key_id: S3_KEY_ID, secret_access_key: S3_SECRET, ...extra }),
    list,
    get,
    async lines(prefix = '') {
      const out: Array<Record<string, any>> = [];
      for (const key of await list(prefix)) {
        if (!key.endsWith('.jsonl.gz')) continue;
        for (const line of gunzipSync(await get(key)).toString('utf8').split('\n')) if (line.trim()) out.push(JSON.parse(line));
      }
      return out;
    },
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

function decodeXml(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'");
}
