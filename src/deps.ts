// The production dependencies of the commands: the Stripe sink, the credential check, the destination catalog.
import type { ConnectorDeps } from './run.js';
import { configError } from './protocol/errors.js';

export async function defaultDeps(): Promise<ConnectorDeps> {
  return {
    createSink: () => {
      throw configError('write is not available yet: the Stripe client has not landed in this build.');
    },
    verify: async () => 'Configuration is valid (the Stripe credential call is not available in this build).',
    buildCatalog: () => ({ operations: [] }),
  };
}
