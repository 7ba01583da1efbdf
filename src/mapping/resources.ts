// The template-mode registry: each Stripe resource's endpoint, identifiers and supported operations.
import { readFileSync } from 'node:fs';
import type { Operation, ResourceType } from '../generated/config.js';
import { packagePath } from '../paths.js';
import { configError } from '../protocol/errors.js';
import type { DeleteStrategy, SchemaIndex, SchemaIndexEntry } from './schema-index.js';

export type { DeleteStrategy } from './schema-index.js';
export type TemplateOperation = Operation;

export const OPERATIONS: readonly TemplateOperation[] = ['create', 'update', 'upsert', 'delete'];

type IndexEntry = SchemaIndexEntry;

export interface ResourceDefinition {
  name: ResourceType;
  /** Collection path; nested resources hold `{<parent.param>}`. */
  path: string;
  /** Body encoding: form for /v1, JSON for /v2. */
  format: 'form' | 'json';
  object: string;
  idPrefix: string;
  /** Nested resources: the record field that names the parent (removed from the body). */
  parent?: { param: string; resource: string };
  /** The create body accepts `id` (products, plans, coupons). */
  customId: boolean;
  /** `GET <path>/search` exists, so upsert can match on an external key kept in metadata. */
  searchable: boolean;
  /** `GET` list path (same form as `path`), or undefined when Stripe cannot list the objects. */
  listPath?: string;
  /** The list takes a `created` filter (`created[gte]`, ...). */
  listCreatedFilter: boolean;
  /** Schema file names under schemas/. */
  createSchema: string;
  updateSchema?: string;
  /** How `delete` is done; undefined when Stripe cannot remove the object. */
  delete?: DeleteStrategy;
  operations: TemplateOperation[];
}

let registry: Map<string, ResourceDefinition> | undefined;
let schemaApiVersion: string | undefined;

function load(): Map<string, ResourceDefinition> {
  if (registry) return registry;
  const index = JSON.parse(readFileSync(packagePath('schemas', 'index.json'), 'utf8')) as SchemaIndex;
  schemaApiVersion = index.apiVersion;
  registry = new Map(Object.entries(index.resources).map(([name, entry]) => [name, define(name, entry)]));
  return registry;
}

/** The Stripe API version the generated schemas describe (schemas/index.json). */
export function schemasApiVersion(): string {
  load();
  return schemaApiVersion!;
}

function define(name: string, entry: IndexEntry): ResourceDefinition {
  const update = entry.update ?? undefined;
  const strategy = entry.delete ?? undefined;
  const operations: TemplateOperation[] = ['create'];
  if (update) operations.push('update', 'upsert');
  if (strategy) operations.push('delete');
  return {
    name: name as ResourceType,
    path: entry.path,
    format: entry.format,
    object: entry.object,
    idPrefix: entry.idPrefix,
    ...(entry.parent ? { parent: entry.parent } : {}),
    customId: entry.customId,
    searchable: entry.searchPath !== null,
    ...(entry.listPath ? { listPath: entry.listPath } : {}),
    listCreatedFilter: entry.listCreatedFilter,
    createSchema: entry.create,
    ...(update ? { updateSchema: update } : {}),
    ...(strategy ? { delete: strategy } : {}),
    operations,
  };
}

export function listResources(): ResourceDefinition[] {
  return [...load().values()];
}

export function findResource(name: string): ResourceDefinition | undefined {
  return load().get(name);
}

/** The resource, or a config error listing the known ones. */
export function getResource(name: string): ResourceDefinition {
  const found = findResource(name);
  if (!found) throw configError(`Unknown Stripe resource "${name}". Known resources: ${[...load().keys()].join(', ')}.`);
  return found;
}

export function supportedOperations(name: string): TemplateOperation[] {
  return [...getResource(name).operations];
}

/**
 * Throws a config error when the resource cannot do the operation with this matching key:
 * update, upsert or delete on an external key (any key but `id`, kept in metadata) needs Stripe's
 * search API to find existing objects.
 */
export function assertOperationSupported(resource: string, operation: string, matchingKey = 'id'): ResourceDefinition {
  const definition = getResource(resource);
  if (!(definition.operations as string[]).includes(operation)) {
    throw configError(
      `Operation "${operation}" is not supported for ${resource}. Supported: ${definition.operations.join(', ')}.`,
    );
  }
  if (operation !== 'create' && matchingKey !== 'id' && !definition.searchable) {
    throw configError(
      `${operation} of ${resource} can match only on "id"${definition.customId ? ' (a custom id)' : ''}: Stripe cannot search ${resource}, so the matching key "${matchingKey}" cannot find existing objects.`,
    );
  }
  return definition;
}

/** Reads a schema file from schemas/ (callers cache what they build from it). */
export function readResourceSchema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(packagePath('schemas', file), 'utf8')) as Record<string, unknown>;
}
