// Decodes Stripe's bracket-notation form bodies and coerces string values to the types a schema asks for.
import qs from 'qs';

export type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  required?: string[];
};

const parseOptions = { depth: 20, arrayLimit: 1000, parameterLimit: 10_000, allowPrototypes: false, allowDots: false } as const;

/** `a[b][0]=x&c=` → `{ a: { b: ['x'] }, c: '' }`: every leaf stays a string. */
export function parseForm(text: string): Record<string, unknown> {
  if (!text) return {};
  return qs.parse(text, parseOptions) as Record<string, unknown>;
}

/**
 * Walks `value` along `schema`, turning "true"/"false" into booleans, numeric strings into numbers and
 * index-keyed objects into arrays where the schema says so. Values that do not convert are left as
 * they are, for the validator to name. Empty strings stay (they mean "unset").
 */
export function coerce(value: unknown, schema: Schema | undefined): unknown {
  if (!schema) return value;
  if (schema.anyOf) return coerceAnyOf(value, schema.anyOf);
  if (typeof value === 'string') return value === '' ? value : coerceString(value, schema.type) ?? value;
  if (Array.isArray(value)) return schema.type === 'array' ? value.map((v) => coerce(v, schema.items)) : value;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (schema.type === 'array') {
      const keys = Object.keys(obj);
      if (keys.every((k) => /^\d+$/.test(k))) {
        return keys.sort((a, b) => Number(a) - Number(b)).map((k) => coerce(obj[k], schema.items));
      }
      return value;
    }
    if (schema.type === 'object' || schema.properties) {
      const out: Record<string, unknown> = {};
      const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
      for (const [k, v] of Object.entries(obj)) out[k] = coerce(v, schema.properties?.[k] ?? extra);
      return out;
    }
  }
  return value;
}

function coerceString(text: string, type: string | undefined): unknown {
  switch (type) {
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : undefined;
    case 'integer':
      return /^-?\d+$/.test(text) ? Number(text) : undefined;
    case 'number':
      return /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text) ? Number(text) : undefined;
    case 'string':
      return text;
    default:
      return undefined;
  }
}

function coerceAnyOf(value: unknown, branches: Schema[]): unknown {
  if (value === '' && branches.some((b) => b.enum?.includes(''))) return value;
  if (typeof value === 'string') {
    for (const b of branches) {
      if (b.enum && !b.type) continue;
      const v = coerceString(value, b.type);
      if (v !== undefined && (!b.enum || b.enum.includes(v))) return v;
    }
    return value;
  }
  const wanted = Array.isArray(value) ? 'array' : 'object';
  const branch = branches.find((b) => b.type === wanted) ?? branches.find((b) => b.type === 'array' || b.type === 'object');
  return coerce(value, branch);
}
