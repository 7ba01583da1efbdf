// Stage 3: top-level fields that are not Stripe fields of the resource: refused (default), kept as metadata, or dropped.
import type { Rejection } from '../../core/rejection.js';

type Body = Record<string, unknown>;

export type UnmappedPolicy = 'reject' | 'metadata' | 'ignore';

/** Stripe's metadata limits (docs.stripe.com/api/metadata): 50 keys, keys of 40 characters without `[` `]`, values of 500. */
export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const;

/**
 * `reject` leaves the body as it is (validation then names the unknown field, as without stream_settings).
 * `metadata` moves each unknown field to `metadata.<field>` (text, numbers and booleans as text; an object
 * or array is refused). `ignore` drops it and calls `dropped` with its name. `known` holds the resource's
 * fields and the fields the mapper reads itself (matching key, parent id).
 */
export function routeUnmapped(body: Body, known: ReadonlySet<string>, policy: UnmappedPolicy, dropped: (field: string) => void): { body: Body } | { rejection: Rejection } {
  if (policy === 'reject') return { body };
  let unknown: string[] | undefined;
  for (const name in body) if (!known.has(name)) (unknown ??= []).push(name);
  if (!unknown) return { body };
  const out: Body = { ...body };
  if (policy === 'ignore') {
    for (const name of unknown) {
      delete out[name];
      dropped(name);
    }
    return { body: out };
  }
  const current = out['metadata'];
  if (current !== undefined && current !== null && (typeof current !== 'object' || Array.isArray(current))) {
    return { rejection: { code: 'invalid_field', param: 'metadata', reason: 'field "metadata" must be an object to take the fields that are not Stripe fields' } };
  }
  const metadata: Body = { ...((current as Body | null | undefined) ?? {}) };
  for (const name of unknown) {
    const value = out[name];
    delete out[name];
    if (value === null || value === undefined) continue;
    if (typeof value === 'object') return { rejection: { code: 'invalid_field', param: name, reason: `field "${name}" holds an object or array, and metadata values are text: map its parts with stream_settings fields` } };
    if (Object.hasOwn(metadata, name)) return { rejection: { code: 'invalid_field', param: `metadata.${name}`, reason: `"metadata.${name}" is set twice: by the record's metadata and by its field "${name}"` } };
    metadata[name] = typeof value === 'string' ? value : String(value);
  }
  out['metadata'] = metadata;
  return { body: out };
}

/**
 * A body whose metadata breaks Stripe's limits is refused with the key named (never its value); nothing
 * is cut short. Undefined when the metadata fits or there is none.
 */
export function metadataLimitRejection(body: Body): Rejection | undefined {
  const metadata = body['metadata'];
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) return undefined;
  let count = 0;
  for (const key in metadata) {
    count += 1;
    if (key.includes('[') || key.includes(']')) return { code: 'metadata_limit', param: `metadata.${key}`, reason: `metadata key "${key}" holds a square bracket, which Stripe does not allow in keys` };
    // UTF-16 length is at least the character count: only a long key needs counting.
    if (key.length > METADATA_LIMITS.keyLength && [...key].length > METADATA_LIMITS.keyLength) {
      return { code: 'metadata_limit', param: `metadata.${key}`, reason: `metadata key "${key}" is ${[...key].length} characters long; Stripe allows at most ${METADATA_LIMITS.keyLength}` };
    }
    const value = (metadata as Body)[key];
    if (typeof value === 'string' && value.length > METADATA_LIMITS.valueLength && [...value].length > METADATA_LIMITS.valueLength) {
      return { code: 'metadata_limit', param: `metadata.${key}`, reason: `the value of metadata key "${key}" is ${[...value].length} characters long; Stripe allows at most ${METADATA_LIMITS.valueLength}` };
    }
  }
  if (count > METADATA_LIMITS.keys) return { code: 'metadata_limit', param: 'metadata', reason: `metadata would hold ${count} keys; Stripe allows at most ${METADATA_LIMITS.keys}` };
  return undefined;
}
