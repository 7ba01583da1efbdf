// The connection specification (spec/spec.json): the single source of truth for config.
import { readPackageJson } from '../paths.js';

export type JsonSchema = Record<string, unknown>;

export const connectionSpecification = readPackageJson('spec', 'spec.json') as JsonSchema;

/** Dotted paths of every property marked `airbyte_secret` (oneOf branches included). */
export function secretPaths(schema: JsonSchema = connectionSpecification, prefix = ''): string[] {
  const out: string[] = [];
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const [name, sub] of Object.entries(props)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (sub.airbyte_secret === true) out.push(path);
    out.push(...secretPaths(sub, path));
  }
  for (const branch of (schema.oneOf ?? []) as JsonSchema[]) out.push(...secretPaths(branch, prefix));
  return [...new Set(out)];
}
