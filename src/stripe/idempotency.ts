// Deterministic Idempotency-Keys derived from a record, so a re-run sync creates nothing twice.
import { createHash } from 'node:crypto';

export type IdempotencyKeySource = 'auto' | 'content' | 'primary_key' | 'field' | 'off';

export interface IdempotencyKeyInput {
  source: IdempotencyKeySource;
  stream: string;
  namespace?: string;
  /** create, update, upsert, delete, or a manual method; part of the key so operations never collide. */
  operation: string;
  /** The Stripe resource or path template the request targets. */
  resource: string;
  /** The record's primary key values, when the catalog declares one. */
  primaryKey?: unknown[];
  record: Record<string, unknown>;
  /** With source `field`: the dotted path of the field that holds the key. */
  field?: string;
  /**
   * Set when a record Stripe answered with a definite 4xx is sent again by a later sync (rejected-records
   * store): a new key, since Stripe replays the stored refusal for the old one. Absent: the key is unchanged.
   */
  retry?: string;
}

export type IdempotencyKeyResult = { key?: string } | { error: string };

/** Stripe's limit on the header value. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * Derives the key: `dst-stripe-<operation>-<sha256 hex>` over the canonical JSON of
 * (stream, namespace, operation, resource, basis, value). At most 101 characters.
 * `auto` uses the primary key when every part of it is present, else the content.
 * Errors name the setting or field path, never a value.
 */
export function deriveIdempotencyKey(input: IdempotencyKeyInput): IdempotencyKeyResult {
  switch (input.source) {
    case 'off':
      return {};
    case 'content':
      return { key: keyFor(input, 'content', input.record) };
    case 'auto':
      return hasPrimaryKey(input.primaryKey)
        ? { key: keyFor(input, 'primary_key', input.primaryKey) }
        : { key: keyFor(input, 'content', input.record) };
    case 'primary_key':
      if (!hasPrimaryKey(input.primaryKey)) {
        return {
          error: `idempotency_key.source is primary_key but the record of stream ${input.stream} has no complete primary key`,
        };
      }
      return { key: keyFor(input, 'primary_key', input.primaryKey) };
    case 'field': {
      if (!input.field) return { error: 'idempotency_key.source is field but idempotency_key.field is not set' };
      const value = valueAtPath(input.record, input.field);
      if (value === undefined || value === null || value === '') {
        return { error: `idempotency key field ${input.field} is missing or empty in the record` };
      }
      return { key: keyFor(input, 'field', value) };
    }
    default:
      return { error: `idempotency_key.source ${String(input.source)} is not supported` };
  }
}

function hasPrimaryKey(primaryKey: unknown[] | undefined): primaryKey is unknown[] {
  return Array.isArray(primaryKey) && primaryKey.length > 0 && primaryKey.every((part) => part !== undefined && part !== null);
}

function keyFor(input: IdempotencyKeyInput, basis: string, value: unknown): string {
  const parts = {
    v: 1,
    stream: input.stream,
    namespace: input.namespace ?? null,
    operation: input.operation,
    resource: input.resource,
    basis,
    value,
    ...(input.retry === undefined ? {} : { retry: input.retry }),
  };
  const hex = createHash('sha256').update(canonicalJson(parts)).digest('hex');
  const tag = input.operation.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 24) || 'op';
  return `dst-stripe-${tag}-${hex}`;
}

/** A dotted path (`payload.customer.id`) into a record; undefined when any step is missing. */
function valueAtPath(record: Record<string, unknown>, path: string): unknown {
  let current: unknown = record;
  for (const step of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, step)) return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/**
 * JSON with object keys sorted at every level, so equal content gives equal text whatever the key order.
 * `undefined` members are dropped (as in JSON), Dates use their ISO form, non-finite numbers become null.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Date) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const members = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${members.join(',')}}`;
}
