// Builds the rejected-records store of a write from the config: client, settings, key origins, and the earlier syncs' records.
import type { Config } from '../generated/config.js';
import type { ConfiguredAirbyteCatalog } from '../generated/protocol.js';
import { streamScope } from '../protocol/catalog.js';
import type { KeyOrigins } from '../pipeline/key-origins.js';
import { createS3Client } from './s3-client.js';
import { storeSettings } from './settings.js';
import { RejectedRecordsStore } from './store.js';

export interface OpenStoreOptions {
  config: Config;
  catalog: ConfiguredAirbyteCatalog;
  /** Each stream's key origins (buildStreamMappers). */
  keyOrigins: Map<string, KeyOrigins>;
  log: (level: 'INFO' | 'WARN', text: string) => void;
}

export async function openRejectedRecordsStore(options: OpenStoreOptions): Promise<RejectedRecordsStore | undefined> {
  const settings = storeSettings(options.config);
  if (!settings) return undefined;
  const client = await createS3Client(settings);
  const origins = (stream: string, namespace: string | undefined) => options.keyOrigins.get(streamScope(stream, namespace));
  const store = new RejectedRecordsStore({
    client,
    settings,
    catalog: options.catalog,
    log: options.log,
    logPrimaryKeyValues: options.config.log_primary_key_values ?? false,
    origins: {
      keyOrigin: (stream, namespace, data) => origins(stream, namespace)?.keyOrigin(data),
      pinKeyOrigin: (stream, namespace, data, origin, retry) => origins(stream, namespace)?.pin(data, origin, retry),
    },
  });
  try {
    await store.prepare();
  } catch (error) {
    client.destroy();
    throw error;
  }
  return store;
}
