// The rejected_records setting, with its defaults applied and its cross-field rules checked.
import type { Config } from '../generated/config.js';
import { configError } from '../protocol/errors.js';

export const DEFAULT_MAX_RETRY_SYNCS = 5;

export interface StoreSettings {
  bucket: string;
  /** Key prefix, empty or ending in `/`. */
  prefix: string;
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  roleArn?: string;
  retry: boolean;
  maxRetrySyncs: number;
  retryAll: boolean;
}

/** Undefined when no store is configured; a config_error naming the field when the setting cannot work. */
export function storeSettings(config: Pick<Config, 'rejected_records'>): StoreSettings | undefined {
  const s = config.rejected_records;
  if (!s) return undefined;
  const id = s.access_key_id?.trim() ?? '';
  const secret = s.secret_access_key ?? '';
  if ((id === '') !== (secret === '')) {
    throw configError(`rejected_records.${id === '' ? 'access_key_id' : 'secret_access_key'} is empty while rejected_records.${id === '' ? 'secret_access_key' : 'access_key_id'} is set: give both, or neither to use the default credential chain (environment, web identity, instance profile).`);
  }
  const prefix = (s.path_prefix ?? '').replace(/^\/+/, '');
  const endpoint = s.endpoint?.trim() || undefined;
  if (endpoint !== undefined) {
    try {
      new URL(endpoint);
    } catch {
      throw configError('rejected_records.endpoint is not a URL: give e.g. https://minio.example.com:9000, or leave it empty for AWS S3.');
    }
  }
  return {
    bucket: s.bucket,
    prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`,
    region: s.region?.trim() || undefined,
    endpoint,
    credentials: id === '' ? undefined : { accessKeyId: id, secretAccessKey: secret },
    roleArn: s.role_arn?.trim() || undefined,
    retry: s.retry ?? true,
    maxRetrySyncs: s.max_retry_syncs ?? DEFAULT_MAX_RETRY_SYNCS,
    retryAll: s.retry_all_rejected ?? false,
  };
}

/** `s3://bucket/prefix`, for logs and messages. */
export const storeLocation = (settings: Pick<StoreSettings, 'bucket' | 'prefix'>): string => `s3://${settings.bucket}/${settings.prefix}`;
