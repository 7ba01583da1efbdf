// Validates decoded bodies against schemas/ with ajv and turns the first failure into Stripe's 400 shape.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { invalid, type ApiError } from './errors.js';
import { coerce, type Schema } from './form.js';
import type { SchemaIndexEntry } from '../../src/mapping/schema-index.js';

const Ajv = AjvModule.default ?? AjvModule;
export const schemasDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas');

export type IndexEntry = SchemaIndexEntry;

export const resourceIndex = (JSON.parse(readFileSync(join(schemasDir, 'index.json'), 'utf8')) as { resources: Record<string, IndexEntry> }).resources;

const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false, coerceTypes: false });
const compiled = new Map<string, { schema: Schema; validate: ValidateFunction }>();

/** Reads and compiles a schema file once; later calls reuse the compiled validator. */
function load(file: string): { schema: Schema; validate: ValidateFunction } {
  let entry = compiled.get(file);
  if (!entry) {
    const schema = closeObjects(JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as Schema);
    entry = { schema, validate: ajv.compile(schema) };
    compiled.set(file, entry);
  }
  return entry;
}

/**
 * Validates a body; returns the typed body or throws a Stripe 400. Form bodies (v1) arrive as strings and
 * are coerced along the schema first; JSON bodies (v2) are taken as they are.
 */
export function validateBody(file: string, body: Record<string, unknown>, format: 'form' | 'json' = 'form'): Record<string, unknown> {
  const { schema, validate } = load(file);
  const typed = format === 'form' ? (coerce(body, schema) as Record<string, unknown>) : body;
  if (validate(typed)) return typed;
  throw toStripeError(validate.errors ?? [], typed);
}

/** Compiles every schema now (the emulator otherwise compiles each on first use). */
export function warmUp(): void {
  for (const e of Object.values(resourceIndex)) {
    load(e.create);
    if (e.update) load(e.update);
  }
}

/**
 * The generated schemas already close every object that is not a free-form map; this keeps any object
 * that lists properties and says nothing else closed too, as Stripe refuses unknown nested parameters.
 */
function closeObjects(schema: Schema): Schema {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const s = node as Schema;
    if (s.properties && s.additionalProperties === undefined) s.additionalProperties = false;
    for (const v of Object.values(s)) visit(v);
  };
  visit(schema);
  return schema;
}

const priority = (e: ErrorObject): number =>
  e.keyword === 'additionalProperties' ? 0 : e.keyword === 'required' ? 1 : e.keyword === 'type' ? 2 : 3;

function toStripeError(errors: ErrorObject[], body: unknown): ApiError {
  const relevant = errors.filter((e) => e.keyword !== 'anyOf');
  relevant.sort((a, b) => priority(a) - priority(b) || depth(b) - depth(a));
  const e = relevant[0] ?? errors[0];
  if (!e) return invalid('Invalid request body.');
  const segments = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'additionalProperties') {
    const param = bracket([...segments, String(e.params['additionalProperty'])]);
    return invalid(`Received unknown parameter: ${param}`, 'parameter_unknown', param);
  }
  if (e.keyword === 'required') {
    const param = bracket([...segments, String(e.params['missingProperty'])]);
    return invalid(`Missing required param: ${param}.`, 'parameter_missing', param);
  }
  const param = bracket(segments);
  if (valueAt(body, segments) === '') {
    return invalid(`You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`, 'parameter_invalid_empty', param);
  }
  if (e.keyword === 'type') {
    const type = String(e.params['type']);
    const code = `parameter_invalid_${type}`;
    const what = type === 'integer' ? 'an integer' : type === 'object' ? 'an object' : type === 'array' ? 'an array' : `a ${type}`;
    return invalid(`Invalid ${type}: ${param} must be ${what}.`, code, param);
  }
  if (e.keyword === 'enum') return invalid(`Invalid ${param}: must be one of ${(e.params['allowedValues'] as unknown[]).join(', ')}`, 'parameter_invalid_enum', param);
  if (e.keyword === 'maxLength') return invalid(`Invalid ${param}: must be at most ${String(e.params['limit'])} characters`, 'parameter_invalid_string', param);
  return invalid(`Invalid ${param}: ${e.message ?? 'invalid value'}`, 'parameter_invalid', param);
}

const depth = (e: ErrorObject): number => e.instancePath.split('/').length;

/** ['items', '0', 'price'] → 'items[0][price]'. */
export function bracket(segments: string[]): string {
  const [head, ...rest] = segments;
  return (head ?? '') + rest.map((s) => `[${s}]`).join('');
}

function valueAt(value: unknown, segments: string[]): unknown {
  let node = value;
  for (const s of segments) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[s] : undefined;
  return node;
}
