// The production dependencies of the commands, loaded on first use so `spec` starts without the HTTP stack.
import type { ConnectorDeps } from './run.js';

export function defaultDeps(): ConnectorDeps {
  return {
    createSink: async ({ config, catalog, emitter, tally }) => {
      const { createSinkForConfig } = await import('./stripe-sink-factory.js');
      return createSinkForConfig({ config, catalog, emitter, tally, tty: process.stderr.isTTY ? process.stderr : null });
    },
    verify: async (config) => {
      const stripe = await (await import('./commands/verify-credentials.js')).verifyCredentials(config);
      // The AWS SDK loads only when a rejected-records store is configured.
      if (!config.rejected_records) return stripe;
      return `${stripe} ${await (await import('./rejected/check-store.js')).checkRejectedRecordsStore(config)}`;
    },
    buildCatalog: async () => (await import('./commands/discover-catalog.js')).buildDestinationCatalog(),
  };
}
