// `check` of the rejected-records store: proves the bucket is writable by writing and deleting a marker object.
import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Config } from '../generated/config.js';
import { checkMarkerKey } from './layout.js';
import { createS3Client, storeError } from './s3-client.js';
import { storeLocation, storeSettings } from './settings.js';

/** Resolves to a sentence for check's message; throws a ConnectorError naming the S3 error code (never a secret). */
export async function checkRejectedRecordsStore(config: Config): Promise<string> {
  const settings = storeSettings(config);
  if (!settings) return '';
  const location = storeLocation(settings);
  const client = await createS3Client(settings);
  const key = checkMarkerKey(settings.prefix, randomUUID());
  try {
    try {
      await client.send(new PutObjectCommand({ Bucket: settings.bucket, Key: key, Body: 'destination-stripe check: this object is deleted at once\n', ContentType: 'text/plain' }));
    } catch (error) {
      throw storeError('be written', location, error);
    }
    try {
      await client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: key }));
    } catch (error) {
      throw storeError(`delete its check marker ${key}`, location, error);
    }
  } finally {
    client.destroy();
  }
  return `Rejected-records store ${location} is writable (a marker object was written and deleted)${settings.retry ? '; stored records are retried on the next sync' : ''}.`;
}
