// `discover`: prints the destination catalog (one operation per resource and supported sync mode).
import { readJsonFile } from '../config/load.js';
import type { DestinationCatalog } from '../generated/protocol.js';
import { destinationCatalogMessage } from '../protocol/messages.js';
import type { Emitter } from '../protocol/emitter.js';

export type CatalogBuilder = () => DestinationCatalog | Promise<DestinationCatalog>;

export async function runDiscover(options: { configPath: string; emitter: Emitter; build: CatalogBuilder; onConfig?: (config: unknown) => void }): Promise<number> {
  options.onConfig?.(await readJsonFile(options.configPath, 'config'));
  options.emitter.emit(destinationCatalogMessage(await options.build()));
  return 0;
}
