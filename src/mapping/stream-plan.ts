// Data activation: what one configured stream writes (resource, operation, matching key), from the catalog or the config.
import type { Config, ResourceType } from '../generated/config.js';
import type { ConfiguredAirbyteStream, DestinationSyncMode } from '../generated/protocol.js';
import { ConnectorError, configError } from '../protocol/errors.js';
import { assertOperationSupported, findResource, type TemplateOperation } from './resources.js';

export interface StreamPlan {
  resource: ResourceType;
  operation: TemplateOperation;
  matchingKey: string;
}

/** Airbyte's sync mode for each template operation (and back). */
export const SYNC_MODE_OF: Readonly<Record<TemplateOperation, DestinationSyncMode>> = {
  create: 'append',
  update: 'update',
  upsert: 'append_dedup',
  delete: 'soft_delete',
};

const OPERATION_OF: Readonly<Partial<Record<DestinationSyncMode, TemplateOperation>>> = {
  append: 'create',
  update: 'update',
  append_dedup: 'upsert',
  soft_delete: 'delete',
};

/**
 * A stream that names a destination object (data activation) writes that resource with the operation
 * of its sync mode, matching on its single-field primary key (or `id`); any other stream writes the
 * config's resource and operation. Throws a config error naming the stream for anything unsupported.
 */
export function planStream(config: Config, stream: ConfiguredAirbyteStream): StreamPlan {
  const name = stream.stream.name;
  const configuration = config.configuration;
  if (configuration.mode !== 'template') throw configError(`Stream "${name}": stream plans apply to template mode only.`);
  const objectName = stream.destination_object_name;
  let plan: StreamPlan;
  if (objectName === undefined || objectName === '') {
    plan = {
      resource: configuration.resource_type,
      operation: configuration.operation ?? 'create',
      matchingKey: configuration.matching_key?.trim() || 'id',
    };
  } else {
    if (!findResource(objectName)) throw configError(`Stream "${name}": destination object "${objectName}" is not a Stripe resource this connector writes.`);
    const operation = OPERATION_OF[stream.destination_sync_mode];
    if (!operation) throw configError(`Stream "${name}": destination sync mode "${stream.destination_sync_mode}" is not supported (Stripe objects cannot be overwritten as a whole).`);
    plan = { resource: objectName as ResourceType, operation, matchingKey: operation === 'create' ? 'id' : matchingKeyOf(name, stream.primary_key, configuration.matching_key) };
  }
  try {
    assertOperationSupported(plan.resource, plan.operation, plan.matchingKey);
  } catch (error) {
    if (error instanceof ConnectorError) throw configError(`Stream "${name}": ${error.message}`, error.internalMessage, error);
    throw error;
  }
  return plan;
}

function matchingKeyOf(stream: string, primaryKey: string[][] | undefined, fallback: string | undefined): string {
  if (!primaryKey || primaryKey.length === 0) return fallback?.trim() || 'id';
  const [first] = primaryKey;
  if (primaryKey.length > 1 || !first || first.length !== 1 || !first[0]) {
    throw configError(`Stream "${stream}": the primary key must be one top-level field to match Stripe objects on (e.g. [["id"]] or [["external_id"]]).`);
  }
  return first[0];
}
