// Stage 4: values converted to the type the resource's request schema gives their field, where Stripe's meaning is unambiguous.
import type { Rejection } from '../../core/rejection.js';
import { isoToUnixSeconds } from './timestamps.js';

type Body = Record<string, unknown>;
type Schema = Record<string, unknown>;

/** What one field of the request schemas accepts (create and update merged). */
interface FieldType {
  /** Any string (not only an enum's values). */
  openString: boolean;
  stringEnum?: Set<string>;
  integer: boolean;
  number: boolean;
  boolean: boolean;
  /** Stripe marks it a Unix timestamp (`format: unix-time`). */
  unixTime: boolean;
  properties?: Map<string, FieldType>;
  items?: FieldType;
}

/** How a value was converted, for the per-field count in the log. */
export type ConversionKind = 'from ISO 8601' | 'from text' | 'from a number';

export interface ConversionContext {
  /** IANA zone of date-times without offset. */
  zone: string;
  /** Called once per converted value with the field's path (array indexes as `[]`) and the kind. */
  converted: (path: string, kind: ConversionKind) => void;
}

/** The merged type tree of a resource's create and update request schemas (build once per stream). */
export function fieldTypes(schemas: readonly Schema[]): FieldType {
  const root = emptyType();
  for (const schema of schemas) merge(root, schema);
  return root;
}

function emptyType(): FieldType {
  return { openString: false, integer: false, number: false, boolean: false, unixTime: false };
}

function merge(into: FieldType, schema: Schema): void {
  const anyOf = schema['anyOf'];
  if (Array.isArray(anyOf)) {
    for (const branch of anyOf as Schema[]) merge(into, branch);
    return;
  }
  switch (schema['type']) {
    case 'string': {
      const values = schema['enum'];
      if (Array.isArray(values)) for (const v of values) (into.stringEnum ??= new Set()).add(String(v));
      else into.openString = true;
      break;
    }
    case 'integer':
      into.integer = true;
      if (schema['format'] === 'unix-time') into.unixTime = true;
      break;
    case 'number':
      into.number = true;
      break;
    case 'boolean':
      into.boolean = true;
      break;
    case 'array':
      if (schema['items'] && typeof schema['items'] === 'object') merge((into.items ??= emptyType()), schema['items'] as Schema);
      break;
    case 'object': {
      // Free-form maps (metadata) are left alone: their values are text, normalised by the mapper.
      const properties = schema['properties'] as Record<string, Schema> | undefined;
      if (!properties) break;
      into.properties ??= new Map();
      for (const [name, child] of Object.entries(properties)) {
        let type = into.properties.get(name);
        if (!type) into.properties.set(name, (type = emptyType()));
        merge(type, child);
      }
      break;
    }
  }
}

const INTEGER_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?(?:\d+\.?\d*|\.\d+)$/;
const BOOLEAN_TEXT = /^(?:true|false)$/i;

/**
 * Converts the body's values to their field's type; the body is copied only where a value changes.
 * Values it cannot convert stay as they are, for validation to refuse with the field's path, except a
 * text in a timestamp field that is not an ISO 8601 date-time or date, refused here with that reason.
 */
export function convertTypes(body: Body, types: FieldType, context: ConversionContext): { body: Body } | { rejection: Rejection } {
  const result = convertObject(body, types, '', '', context);
  return result instanceof Refused ? { rejection: result.rejection } : { body: result as Body };
}

/** A value that cannot be what its field wants (a class, so the walk allocates nothing when all is well). */
class Refused {
  constructor(readonly rejection: Rejection) {}
}

/** `path` names the value in messages (`items[2].quantity`), `field` counts it (`items[].quantity`). */
function convertObject(object: Body, type: FieldType, path: string, field: string, context: ConversionContext): unknown {
  const properties = type.properties;
  if (!properties) return object;
  let copy: Body | undefined;
  for (const name in object) {
    const fieldType = properties.get(name);
    if (!fieldType) continue;
    const value = object[name];
    if (value === null || value === undefined) continue;
    // Right type already: nothing to build, not even the path.
    if (typeof value === 'string' ? fieldType.openString : typeof value === 'boolean' ? true : typeof value === 'number' ? fieldType.number || (fieldType.integer && Number.isInteger(value)) : false) continue;
    const result = convertValue(value, fieldType, path === '' ? name : `${path}.${name}`, field === '' ? name : `${field}.${name}`, context);
    if (result instanceof Refused) return result;
    if (result !== value) (copy ??= { ...object })[name] = result;
  }
  return copy ?? object;
}

function convertValue(value: unknown, type: FieldType, path: string, field: string, context: ConversionContext): unknown {
  switch (typeof value) {
    case 'string':
      return fromText(value, type, path, field, context);
    case 'number':
      if (type.number || (type.integer && Number.isInteger(value))) return value;
      if ((type.openString || type.stringEnum?.has(String(value))) && Number.isFinite(value)) {
        const text = String(value);
        if (/e/i.test(text)) return value;
        context.converted(field, 'from a number');
        return text;
      }
      return value;
    case 'object': {
      if (value === null) return value;
      if (Array.isArray(value)) {
        if (!type.items) return value;
        let copy: unknown[] | undefined;
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === null || item === undefined) continue;
          const result = convertValue(item, type.items, `${path}[${i}]`, `${field}[]`, context);
          if (result instanceof Refused) return result;
          if (result !== item) (copy ??= [...value])[i] = result;
        }
        return copy ?? value;
      }
      return convertObject(value as Body, type, path, field, context);
    }
    default:
      return value;
  }
}

function fromText(text: string, type: FieldType, path: string, field: string, context: ConversionContext): unknown {
  if (type.openString || type.stringEnum?.has(text)) return text;
  if (type.integer && INTEGER_TEXT.test(text)) {
    const n = Number(text);
    if (!Number.isSafeInteger(n)) return text;
    context.converted(field, 'from text');
    return n;
  }
  if (type.unixTime) {
    const seconds = isoToUnixSeconds(text, context.zone);
    if (seconds === undefined) {
      return new Refused({ code: 'invalid_field', param: path, reason: `field "${path}" is a timestamp: it takes Unix seconds, an ISO 8601 date-time (2026-12-31T00:00:00Z) or a date (2026-12-31)` });
    }
    context.converted(field, 'from ISO 8601');
    return seconds;
  }
  if (type.number && NUMBER_TEXT.test(text)) {
    context.converted(field, 'from text');
    return Number(text);
  }
  if (type.boolean && BOOLEAN_TEXT.test(text)) {
    context.converted(field, 'from text');
    return text.toLowerCase() === 'true';
  }
  return text;
}
