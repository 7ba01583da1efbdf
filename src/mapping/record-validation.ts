// Checks a record body against its resource's generated request schema; rejections name fields, never values.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Rejection } from '../core/rejection.js';
import { getResource, readResourceSchema } from './resources.js';

export type SchemaKind = 'create' | 'update';

export interface ValidationOptions {
  /** Report missing required fields (off for the create half of an upsert, checked only when it creates). */
  required?: boolean;
  /** How many problems the reason lists. Default 3. */
  maxProblems?: number;
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function validatorFor(resource: string, kind: SchemaKind): ValidateFunction {
  const cacheKey = `${resource}:${kind}`;
  const cached = compiled.get(cacheKey);
  if (cached) return cached;
  const definition = getResource(resource);
  const file = kind === 'create' ? definition.createSchema : definition.updateSchema;
  if (!file) throw new Error(`${resource} has no ${kind} schema`);
  ajv ??= createAjv();
  const validate = ajv.compile(readResourceSchema(file));
  compiled.set(cacheKey, validate);
  return validate;
}

/**
 * Types are strict (no coercion): "1000" is not an integer and 5 is not a string, so a record that
 * would reach Stripe with a different meaning is refused with a clear message. The one leniency is
 * metadata (see `normalizeMetadata`). Formats: `unix-time` (any integer) and `decimal` (a decimal string).
 */
function createAjv(): Ajv {
  const instance = new Ajv({ strict: false, allErrors: true, coerceTypes: false, logger: false });
  instance.addFormat('unix-time', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  instance.addFormat('decimal', { type: 'string', validate: (s: string) => /^-?\d+(\.\d+)?$/.test(s) });
  return instance;
}

const fieldSets = new Map<string, ReadonlySet<string>>();

/** The top-level fields a resource's schema accepts (read once per resource and kind: upserts ask for every record). */
export function schemaFields(resource: string, kind: SchemaKind): ReadonlySet<string> {
  const cacheKey = `${resource}:${kind}`;
  const cached = fieldSets.get(cacheKey);
  if (cached) return cached;
  const definition = getResource(resource);
  const file = kind === 'create' ? definition.createSchema : definition.updateSchema;
  const properties = file ? (readResourceSchema(file)['properties'] as Record<string, unknown> | undefined) : undefined;
  const fields: ReadonlySet<string> = new Set(Object.keys(properties ?? {}));
  fieldSets.set(cacheKey, fields);
  return fields;
}

/**
 * Validates `body` (already stripped of path fields). `null` means "unset this field" in Stripe: in update
 * bodies it is checked as `""`, which the schemas accept where Stripe lets the field be unset; create bodies
 * should have had their nulls dropped by `dropNulls` first. Returns undefined when valid.
 */
export function validateBody(resource: string, kind: SchemaKind, body: Record<string, unknown>, options: ValidationOptions = {}): Rejection | undefined {
  const validate = validatorFor(resource, kind);
  const subject = kind === 'update' ? (nullsAsEmpty(body) as Record<string, unknown>) : body;
  if (validate(subject)) return undefined;
  const problems = describeErrors(validate.errors ?? [], options.required ?? true, subject);
  if (problems.length === 0) return undefined;
  const shown = problems.slice(0, options.maxProblems ?? 3);
  const more = problems.length - shown.length;
  return {
    code: 'validation_failed',
    param: shown[0]!.param,
    reason: `${resource} ${kind}: ${shown.map((p) => p.reason).join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`,
  };
}

/**
 * Update bodies: `null` goes on the wire as an empty value, which unsets the field, so it is validated as
 * `""`: the schemas accept `""` exactly where Stripe lets a field be unset (`Emptyable` in the types).
 */
function nullsAsEmpty(value: unknown): unknown {
  if (value === null) return '';
  if (Array.isArray(value)) return value.map(nullsAsEmpty);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, nullsAsEmpty(v)]));
  return value;
}

/** A copy without null members, at any depth of objects (array items are kept). */
export function dropNulls(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (child === null || child === undefined) continue;
    out[key] = isPlainObject(child) ? dropNulls(child) : child;
  }
  return out;
}

/**
 * Metadata values are always strings in Stripe and numbers and booleans encode to the same text, so
 * `metadata: {score: 5}` becomes `{score: "5"}` (warehouses rarely keep metadata as text).
 */
export function normalizeMetadata(body: Record<string, unknown>): Record<string, unknown> {
  const metadata = body['metadata'];
  if (!isPlainObject(metadata)) return body;
  const fixed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) {
    fixed[key] = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  }
  return { ...body, metadata: fixed };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

interface Problem {
  param: string;
  reason: string;
}

/** `/items/0/price` → `items[0][price]` (Stripe's own param notation). */
export function bracketPath(segments: string[]): string {
  const [head = '', ...rest] = segments;
  return head + rest.map((s) => `[${s}]`).join('');
}

/** `/items/0/price` → `items[0].price`: the record's own notation, for messages. */
export function fieldPath(segments: string[]): string {
  return segments.map((s, i) => (/^\d+$/.test(s) && i > 0 ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/**
 * Turns ajv errors into field-level problems. Union schemas (`anyOf [object, enum [""]]`) report one
 * error per branch; only the deepest errors are kept, and type errors at one path are merged
 * ("must be object or string"). Messages use schema facts only, never the record's values.
 */
function describeErrors(errors: ErrorObject[], required: boolean, subject: unknown): Problem[] {
  const relevant = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && (required || e.keyword !== 'required'));
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of relevant) {
    const segments = pointerSegments(error.instancePath);
    if (error.keyword === 'additionalProperties') segments.push(String(error.params['additionalProperty']));
    if (error.keyword === 'required') segments.push(String(error.params['missingProperty']));
    const key = JSON.stringify(segments);
    byPath.set(key, [...(byPath.get(key) ?? []), error]);
  }
  // An error at a path is noise when a deeper error explains the same value (another anyOf branch).
  const paths = [...byPath.keys()].map((k) => JSON.parse(k) as string[]);
  const problems: Problem[] = [];
  for (const segments of paths) {
    const shadowed = paths.some((other) => other.length > segments.length && segments.every((s, i) => other[i] === s));
    const group = byPath.get(JSON.stringify(segments))!;
    if (shadowed && group.every((e) => e.keyword !== 'required' && e.keyword !== 'additionalProperties')) continue;
    problems.push(describeGroup(bracketPath(segments), fieldPath(segments), group, isEmptyAt(subject, segments)));
  }
  return problems;
}

/** `param` is Stripe's bracket notation (`address[planet]`), `field` the record's (`address.planet`). */
function describeGroup(param: string, field: string, group: ErrorObject[], empty: boolean): Problem {
  const first = group.find((e) => e.keyword === 'additionalProperties' || e.keyword === 'required') ?? group[0]!;
  if (first.keyword === 'additionalProperties') return { param, reason: `unknown field "${field}"` };
  if (first.keyword === 'required') return { param, reason: `missing required field "${field}"` };
  if (empty) return { param, reason: `field "${field}" cannot be unset (null or "")` };
  const types = group.filter((e) => e.keyword === 'type').map((e) => String(e.params['type']));
  // A value that fails every branch of `anyOf [X, enum [""]]`: the "" branch adds nothing useful.
  const meaningful = group.filter((e) => !(e.keyword === 'enum' && isEmptyStringEnum(e)));
  if (types.length > 0) return { param, reason: `field "${field}" must be ${[...new Set(types)].join(' or ')}` };
  const error = meaningful[0] ?? first;
  return { param, reason: `field "${field}" ${ruleText(error)}` };
}

/** Whether the value at `segments` is "" (an unset: the value itself is never read into a message). */
function isEmptyAt(subject: unknown, segments: string[]): boolean {
  let node = subject;
  for (const s of segments) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[s] : undefined;
  return node === '';
}

function isEmptyStringEnum(error: ErrorObject): boolean {
  const allowed = error.params['allowedValues'];
  return Array.isArray(allowed) && allowed.length === 1 && allowed[0] === '';
}

function ruleText(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'enum':
      return `must be one of: ${(p['allowedValues'] as unknown[]).map((v) => (v === '' ? '""' : String(v))).join(', ')}`;
    case 'maxLength':
      return `must be at most ${String(p['limit'])} characters`;
    case 'minLength':
      return `must be at least ${String(p['limit'])} characters`;
    case 'maxItems':
      return `must have at most ${String(p['limit'])} items`;
    case 'minItems':
      return `must have at least ${String(p['limit'])} items`;
    case 'maximum':
    case 'minimum':
    case 'exclusiveMaximum':
    case 'exclusiveMinimum':
      return `must be ${String(p['comparison'])} ${String(p['limit'])}`;
    case 'format':
      return `must be a ${String(p['format'])} value`;
    case 'pattern':
      return 'does not match the expected pattern';
    default:
      return `is invalid (${error.keyword})`;
  }
}
