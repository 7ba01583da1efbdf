// Reading the store back: a stream's objects, and their lines streamed through gunzip one at a time.
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseStoredKey } from './layout.js';
import { parseStoredLine, type StoredRejection } from './line.js';

export interface StreamListing {
  /** Part objects, oldest sync first. */
  parts: Array<{ key: string; sync: string }>;
  /** Claims left by syncs that were retrying when they stopped (a committed sync deletes its claim). */
  claims: Array<{ key: string; sync: string }>;
}

/** Every part and claim in a stream's folder (all pages). */
export async function listStream(client: S3Client, bucket: string, folder: string): Promise<StreamListing> {
  const listing: StreamListing = { parts: [], claims: [] };
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: folder, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      const parsed = object.Key === undefined ? undefined : parseStoredKey(folder, object.Key);
      if (!parsed) continue;
      (parsed.kind === 'part' ? listing.parts : listing.claims).push({ key: object.Key!, sync: parsed.sync });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const order = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  listing.parts.sort(order);
  listing.claims.sort(order);
  return listing;
}

/** The stored refusals of one part, in order; lines that are not of this format are skipped and counted. */
export async function* readPart(client: S3Client, bucket: string, key: string, onSkipped?: () => void): AsyncGenerator<StoredRejection> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = object.Body as Readable | undefined;
  if (!body) return;
  const gunzip = createGunzip();
  body.on('error', (error) => gunzip.destroy(error));
  const lines = createInterface({ input: body.pipe(gunzip), crlfDelay: Infinity });
  for await (const text of lines) {
    if (text.trim() === '') continue;
    const line = parseStoredLine(text);
    if (line) yield line;
    else onSkipped?.();
  }
}

export interface Claim {
  sync: string;
  started_at: string;
  /** The parts this sync retries; it deletes them, then this claim, once its own parts are stored. */
  sources: string[];
}

export async function putJson(client: S3Client, bucket: string, key: string, value: unknown): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(value), ContentType: 'application/json' }));
}

export async function readJson(client: S3Client, bucket: string, key: string): Promise<unknown> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const text = (await object.Body?.transformToString()) ?? '';
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function deleteObject(client: S3Client, bucket: string, key: string): Promise<void> {
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}
