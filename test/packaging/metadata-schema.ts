// Compiles Airbyte's bundled metadata schema with ajv, repairing the two ways the bundle trips a draft-07 validator.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const VALUE_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);

/**
 * The bundle inlines each sub-file with its own `$id`, yet keeps refs like `#/properties/data/...` that
 * mean the root: nested `$id`/`$schema` are dropped so those refs resolve. It also writes
 * `type: ConnectorMetric` (a definition name, not a JSON type) under `generated.metrics`; such types are
 * dropped. Returns the JSON pointers of the dropped types.
 */
export function repairBundledSchema(node: unknown, pointer = '', isRoot = true): string[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => repairBundledSchema(item, `${pointer}/${i}`, false));
  if (!node || typeof node !== 'object') return [];
  const schema = node as Record<string, unknown>;
  const dropped: string[] = [];
  if (!isRoot) {
    delete schema.$id;
    delete schema.$schema;
  }
  if (typeof schema.type === 'string' && !JSON_TYPES.has(schema.type)) {
    dropped.push(pointer);
    delete schema.type;
  }
  for (const [key, value] of Object.entries(schema)) {
    if (!VALUE_KEYWORDS.has(key)) dropped.push(...repairBundledSchema(value, `${pointer}/${key}`, false));
  }
  return dropped;
}

export function loadMetadataValidator(sharedDir: string): { validate: ValidateFunction; schemaDraft: unknown; repaired: string[] } {
  const path = join(sharedDir, 'airbyte', 'metadata-schema', 'ConnectorMetadataDefinitionV0.bundled.json');
  const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const repaired = repairBundledSchema(schema);
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv); // ajv-formats is CommonJS: under NodeNext its plugin is the `default` property
  return { validate: ajv.compile(schema), schemaDraft: schema.$schema, repaired };
}
