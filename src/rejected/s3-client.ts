// The S3 client of the rejected-records store (AWS's SDK), and S3 failures in words that name no secret.
import { S3Client } from '@aws-sdk/client-s3';
import { ConnectorError, configError, transientError } from '../protocol/errors.js';
import type { StoreSettings } from './settings.js';

// The SDK warns on stderr that its releases after January 2027 need Node 22; the runtime is the image's concern, not the user's.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

export async function createS3Client(settings: StoreSettings): Promise<S3Client> {
  const base = settings.credentials;
  const credentials = settings.roleArn
    ? (await import('@aws-sdk/credential-providers')).fromTemporaryCredentials({
        params: { RoleArn: settings.roleArn, RoleSessionName: 'destination-stripe-rejected-records' },
        ...(base ? { masterCredentials: base } : {}),
        clientConfig: { region: settings.region ?? 'us-east-1' },
      })
    : base;
  return new S3Client({
    region: settings.region ?? (process.env['AWS_REGION'] || process.env['AWS_DEFAULT_REGION'] || 'us-east-1'),
    ...(settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: true } : {}),
    ...(credentials ? { credentials } : {}),
    // The store's calls are few and large; the SDK's own retries (3 attempts, backoff) cover blips.
    maxAttempts: 3,
  });
}

/** What S3 said, by its error code (never the request's credentials): `AccessDenied (HTTP 403)`, `ECONNREFUSED`. */
export function s3ErrorCode(error: unknown): string {
  const e = error as { name?: unknown; Code?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown }; cause?: unknown } | undefined;
  const status = typeof e?.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const network = typeof e?.code === 'string' ? e.code : typeof (e?.cause as { code?: unknown } | undefined)?.code === 'string' ? String((e!.cause as { code: string }).code) : undefined;
  const name = typeof e?.Code === 'string' ? e.Code : typeof e?.name === 'string' && e.name !== 'Error' ? e.name : undefined;
  const code = network ?? name ?? 'UnknownError';
  return status === undefined ? code : `${code} (HTTP ${status})`;
}

/** Errors that a person must fix (keys, bucket, permissions), as opposed to a store that is briefly unreachable. */
const SETUP_CODES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'NoSuchBucket', 'InvalidBucketName', 'AuthorizationHeaderMalformed', 'PermanentRedirect', 'CredentialsProviderError', 'ExpiredToken', 'InvalidToken', 'AllAccessDisabled']);

export function isSetupError(error: unknown): boolean {
  const code = s3ErrorCode(error).split(' ', 1)[0] ?? '';
  return SETUP_CODES.has(code);
}

/** A ConnectorError for a failed store call: config_error for setup problems, transient_error otherwise. */
export function storeError(what: string, location: string, error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const code = s3ErrorCode(error);
  const hint = hintFor(code);
  const message = `The rejected-records store ${location} could not ${what}: ${code}.${hint ? ` ${hint}` : ''}`;
  const internal = `${message} ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  return isSetupError(error) ? configError(message, internal, error) : transientError(message, internal, error);
}

function hintFor(code: string): string | undefined {
  const name = code.split(' ', 1)[0];
  switch (name) {
    case 'InvalidAccessKeyId':
      return 'Check rejected_records.access_key_id.';
    case 'SignatureDoesNotMatch':
      return 'Check rejected_records.secret_access_key.';
    case 'NoSuchBucket':
      return 'Check rejected_records.bucket (the connector never creates it) and region.';
    case 'AccessDenied':
      return 'The credentials lack a permission the store needs (s3:PutObject, s3:GetObject, s3:ListBucket, s3:DeleteObject on the prefix).';
    case 'CredentialsProviderError':
      return 'No credentials were found: set rejected_records.access_key_id and secret_access_key, or give the connector an instance profile or web identity.';
    default:
      return undefined;
  }
}
