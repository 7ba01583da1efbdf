// What the types cannot say: whether a number is an integer (and a Unix time), and how long a string may be.
// Stripe's 2023-08-16 OpenAPI spec in ../shared says it for the fields it already had; the generator takes
// only that from it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from './stripe-types.js';

type Json = JsonObject[string];

export class LegacySpec {
  private readonly spec: JsonObject;
  private readonly paths: Map<string, JsonObject>;

  private constructor(spec: JsonObject) {
    this.spec = spec;
    const paths = spec['paths'] as Record<string, JsonObject>;
    this.paths = new Map(Object.entries(paths).map(([path, item]) => [normalize(path), item]));
  }

  static load(sharedDir: string): LegacySpec | undefined {
    const file = join(sharedDir, 'stripe', 'openapi', 'spec3.json');
    return existsSync(file) ? new LegacySpec(JSON.parse(readFileSync(file, 'utf8')) as JsonObject) : undefined;
  }

  /** The form body schema of `POST <path>` in the 2023 spec, or undefined when it had none. */
  postBody(path: string): JsonObject | undefined {
    const operation = this.paths.get(normalize(path))?.['post'] as JsonObject | undefined;
    const content = ((operation?.['requestBody'] as JsonObject | undefined)?.['content'] ?? {}) as Record<string, JsonObject>;
    const schema = content['application/x-www-form-urlencoded']?.['schema'];
    return schema && typeof schema === 'object' && !Array.isArray(schema) ? (schema as JsonObject) : undefined;
  }

  /**
   * Makes `number` an `integer` (with `format: unix-time` where it was one) wherever the 2023 schema
   * has the same field as an integer, and copies `maxLength` onto free strings (not enums) that had one.
   * Changes `ours` in place.
   */
  refine(ours: JsonObject, theirs: Json, seen: string[] = []): void {
    const resolved = this.resolve(theirs, seen);
    if (!resolved) return;
    const { node, refs } = resolved;
    const alternatives = Array.isArray(node['anyOf']) ? (node['anyOf'] as Json[]).map((b) => this.resolve(b, refs)).filter((b) => b !== undefined) : [resolved];
    if (Array.isArray(ours['anyOf'])) {
      for (const branch of ours['anyOf'] as JsonObject[]) this.refine(branch, node, refs);
      return;
    }
    for (const { node: alt, refs: altRefs } of alternatives) {
      if (ours['type'] === 'number' && alt['type'] === 'integer') {
        ours['type'] = 'integer';
        if (alt['format'] === 'unix-time') ours['format'] = 'unix-time';
      }
      if (ours['type'] === 'string' && alt['type'] === 'string' && ours['enum'] === undefined && ours['format'] === undefined && typeof alt['maxLength'] === 'number') {
        ours['maxLength'] = alt['maxLength'];
      }
      if (ours['type'] === 'array' && alt['type'] === 'array' && ours['items'] && typeof ours['items'] === 'object') {
        this.refine(ours['items'] as JsonObject, alt['items'] ?? null, altRefs);
      }
      if (ours['type'] === 'object' && (alt['type'] === 'object' || alt['properties'])) {
        const props = (ours['properties'] ?? {}) as Record<string, JsonObject>;
        const theirProps = (alt['properties'] ?? {}) as Record<string, Json>;
        for (const [key, schema] of Object.entries(props)) if (key in theirProps) this.refine(schema, theirProps[key]!, altRefs);
        if (typeof ours['additionalProperties'] === 'object' && ours['additionalProperties'] && typeof alt['additionalProperties'] === 'object') {
          this.refine(ours['additionalProperties'] as JsonObject, alt['additionalProperties'], altRefs);
        }
      }
    }
  }

  private resolve(node: Json, refs: string[]): { node: JsonObject; refs: string[] } | undefined {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
    const ref = node['$ref'];
    if (typeof ref !== 'string') return { node, refs };
    if (refs.includes(ref) || !ref.startsWith('#/')) return undefined;
    let target: Json = this.spec;
    for (const key of ref.slice(2).split('/')) target = target && typeof target === 'object' && !Array.isArray(target) ? (target[key] ?? null) : null;
    return this.resolve(target, [...refs, ref]);
  }
}

/** `/v1/customers/{customer}/tax_ids/{id}` → `/v1/customers/{}/tax_ids/{}`. */
function normalize(path: string): string {
  return path.replace(/\{[^}]*\}/g, '{}');
}
