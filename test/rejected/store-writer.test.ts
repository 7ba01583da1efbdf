// This sync's part objects against a real S3-compatible server: rotation by size, multipart beyond 5 MiB, and which refusals are stored.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../src/rejected/s3-client.js';
import { storeSettings } from '../../src/rejected/settings.js';
import { StoreWriter } from '../../src/rejected/store-writer.js';
import { storedLine } from '../../src/rejected/line.js';
import { listStream, readPart } from '../../src/rejected/store-reader.js';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js';

let s3: S3TestServer;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => s3?.close());

const line = (i: number, data: Record<string, unknown> = { i }) =>
  storedLine({ recordId: `w:${i}`, stream: 'crm', line: i, syncStartedAt: 't', storedAt: 't', rejection: { code: 'validation_failed', reason: 'r' }, attempt: 1, data });

describe('StoreWriter', () => {
  it('completes a part once it passes the size cap, and tells which checkpoints S3 does not hold yet', async () => {
    const settings = storeSettings({ rejected_records: s3.settings({ path_prefix: 'rot/' }) as never })!;
    const client = await createS3Client(settings);
    const stored: number[] = [];
    const writer = new StoreWriter({ client, bucket: s3.bucket, prefix: 'rot/', location: 'here', sync: { startedAt: '2026-12-05T00:00:00.000Z', id: 'rot' }, maxObjectBytes: 2_000, onStored: (p) => stored.push(p.lines) });
    expect(writer.lowestUnstored()).toBe(Infinity);
    for (let i = 1; i <= 60; i++) await writer.add(line(i), 100 + i);
    expect(writer.lowestUnstored()).toBeLessThanOrEqual(160);
    await writer.close();
    expect(writer.lowestUnstored()).toBe(Infinity);
    expect(stored.length).toBeGreaterThan(1);
    expect(stored.reduce((a, b) => a + b, 0)).toBe(60);
    const listing = await listStream(client, s3.bucket, 'rot/stream=crm/');
    expect(listing.parts.map((p) => p.key)).toEqual(writer.storedKeys.slice().sort());
    const back: number[] = [];
    for (const part of listing.parts) for await (const l of readPart(client, s3.bucket, part.key)) back.push(l.line);
    expect(back).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    client.destroy();
  });

  it('streams a part larger than one upload part (multipart) and reads it back whole', async () => {
    const settings = storeSettings({ rejected_records: s3.settings({ path_prefix: 'big/' }) as never })!;
    const client = await createS3Client(settings);
    const writer = new StoreWriter({ client, bucket: s3.bucket, prefix: 'big/', location: 'here', sync: { startedAt: '2026-12-05T00:00:00.000Z', id: 'big' } });
    // Random text does not compress: about 7 MiB compressed passes lib-storage's 5 MiB part size.
    const lines = 1_000;
    for (let i = 1; i <= lines; i++) await writer.add(line(i, { blob: randomBytes(7_500).toString('base64') }));
    await writer.close();
    expect(writer.storedKeys).toHaveLength(1);
    let count = 0;
    for await (const l of readPart(client, s3.bucket, writer.storedKeys[0]!)) count += l.line === count + 1 ? 1 : 0;
    expect(count).toBe(lines);
    client.destroy();
  });
});
