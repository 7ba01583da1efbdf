// The production dependencies of the commands: the Stripe sink, the credential check, the destination catalog.
import type { ConnectorDeps } from './run.js';
import { createSinkForConfig } from './stripe-sink-factory.js';
import { verifyCredentials } from './commands/verify-credentials.js';
import { buildDestinationCatalog } from './commands/discover-catalog.js';

export function defaultDeps(): ConnectorDeps {
  return {
    createSink: ({ config, catalog, emitter }) => createSinkForConfig({ config, catalog, emitter, tty: process.stderr.isTTY ? process.stderr : null }),
    verify: verifyCredentials,
    buildCatalog: buildDestinationCatalog,
  };
}
