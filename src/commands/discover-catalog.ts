// Builds the destination catalog: one operation per Stripe resource and sync mode it supports.
import type { DestinationCatalog, DestinationOperation } from '../generated/protocol.js';
import { readResourceSchema, listResources, type ResourceDefinition, type TemplateOperation } from '../mapping/resources.js';
import { SYNC_MODE_OF } from '../mapping/stream-plan.js';
import { mappablePaths } from '../mapping/field-paths.js';
import { METADATA_LIMITS } from '../mapping/stages/route-unmapped.js';

/** How deep `discover` lists the paths a record field can map to (`shipping.address.line1` is 3). */
export const MAPPABLE_DEPTH = 3;

type Schema = Record<string, unknown>;

/**
 * Conventional external-key field offered for resources Stripe can search: the connector keeps its value
 * in `metadata[external_id]` and finds the object by it (any other field name works through
 * `matching_key` or the stream's primary key).
 */
export const EXTERNAL_KEY_FIELD = 'external_id';

export function buildDestinationCatalog(): DestinationCatalog {
  const operations: DestinationOperation[] = [];
  for (const resource of listResources()) {
    for (const operation of resource.operations) {
      const keys = matchingKeys(resource, operation);
      operations.push({
        object_name: resource.name,
        sync_mode: SYNC_MODE_OF[operation],
        json_schema: operationSchema(resource, operation),
        ...(keys ? { matching_keys: keys } : {}),
      });
    }
  }
  return { operations };
}

/** `[["id"]]`, plus `[["external_id"]]` where search can find an object by a metadata key. */
export function matchingKeys(resource: ResourceDefinition, operation: TemplateOperation): string[][] | undefined {
  if (operation === 'create') return undefined;
  return resource.searchable ? [['id'], [EXTERNAL_KEY_FIELD]] : [['id']];
}

/** The fields a record may hold for this operation, as a JSON schema. */
export function operationSchema(resource: ResourceDefinition, operation: TemplateOperation): Schema {
  const create = readResourceSchema(resource.createSchema);
  const update = resource.updateSchema ? readResourceSchema(resource.updateSchema) : undefined;
  const path = pathFields(resource);
  const keyFields: Schema = {
    id: { type: 'string', description: `The Stripe id of the ${resource.object}${resource.idPrefix ? ` (${resource.idPrefix}...)` : ''}.` },
    ...(resource.searchable
      ? { [EXTERNAL_KEY_FIELD]: { type: 'string', description: `Your system's key for the object, kept in metadata.${EXTERNAL_KEY_FIELD} when matched on.` } }
      : {}),
  };
  switch (operation) {
    case 'create':
      return objectSchema({ ...path.properties, ...properties(create) }, [...path.required, ...required(create)]);
    case 'update':
      return objectSchema({ ...path.properties, ...keyFields, ...properties(update) }, path.required);
    case 'upsert':
      return objectSchema({ ...path.properties, ...properties(create), ...properties(update), ...keyFields }, path.required);
    case 'delete':
      return objectSchema({ ...path.properties, ...keyFields }, path.required);
  }
}

function pathFields(resource: ResourceDefinition): { properties: Schema; required: string[] } {
  if (!resource.parent) return { properties: {}, required: [] };
  const { param, resource: parent } = resource.parent;
  return { properties: { [param]: { type: 'string', description: `The id of the parent ${parent} object (used in the path, not sent in the body).` } }, required: [param] };
}

/**
 * The operation's fields, plus every path below them a record field may be named by (`address.city`,
 * `items[0].price`, to depth 3) and `metadata.<key>` as a pattern, so a platform's mapping screen offers them.
 */
function objectSchema(props: Schema, requiredFields: string[]): Schema {
  const paths: Schema = {};
  for (const [path, schema] of mappablePaths({ type: 'object', properties: props }, MAPPABLE_DEPTH)) {
    if ((path.includes('.') || path.includes('[')) && isLeaf(schema)) paths[path] = schema;
  }
  const metadataKeys = Object.hasOwn(props, 'metadata')
    ? { patternProperties: { [`^metadata\\.[^\\[\\]]{1,${METADATA_LIMITS.keyLength}}$`]: { type: 'string', maxLength: METADATA_LIMITS.valueLength, description: 'One metadata key (metadata.<key>).' } } }
    : {};
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: false,
    properties: { ...props, ...paths },
    ...metadataKeys,
    ...(requiredFields.length > 0 ? { required: [...new Set(requiredFields)] } : {}),
  };
}

/** A schema no branch of which is an object with properties or an array of them (those are listed by their leaves). */
function isLeaf(schema: Schema): boolean {
  const branches = Array.isArray(schema['anyOf']) ? (schema['anyOf'] as Schema[]) : [schema];
  return branches.every((b) => b['properties'] === undefined && !(b['type'] === 'array' && typeof b['items'] === 'object' && (b['items'] as Schema)['properties'] !== undefined));
}

const properties = (schema: Schema | undefined): Schema => (schema?.['properties'] as Schema | undefined) ?? {};
const required = (schema: Schema): string[] => (schema['required'] as string[] | undefined) ?? [];
