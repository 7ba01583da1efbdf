// How a record's field compares with what Stripe holds: both sides reduced to the form leaves Stripe would store.
//
// A request body reaches Stripe as form pairs (`address[city]=Paris`), every value a string; an empty
// value clears a field. So a field is compared as the set of its non-empty leaves, each rendered the
// way the form encoder sends it (numbers as decimal text, booleans as true/false). Stripe answers
// null for a field that is not set, and never keeps an empty string, so nulls and "" drop out on both
// sides. Metadata merges key by key, so each metadata key the record sets is a field of its own.
// Anything not sure to be equal is different: a wrongly skipped write is lost, a needless one costs a request.

/** What a field of a Stripe object canonicalises to when the object does not carry it at all. Never equal to a record's value. */
export const NOT_RETURNED = '\u0000not-returned';

/** The names of the fields a body sets: its top-level keys, with `metadata` split into `metadata[<key>]`. */
export function fieldNames(body: Record<string, unknown>): string[] {
  const names: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    if (key === 'metadata' && isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) if (v !== undefined) names.push(metadataField(k));
    } else names.push(key);
  }
  return names;
}

export const metadataField = (key: string): string => `metadata[${key}]`;

/** `metadata[<key>]` → key; anything else → undefined. */
function metadataKeyOf(field: string): string | undefined {
  return field.startsWith('metadata[') && field.endsWith(']') ? field.slice(9, -1) : undefined;
}

/** The canonical text of one field as the record would leave it in Stripe. */
export function recordFieldText(body: Record<string, unknown>, field: string): string {
  const metadataKey = metadataKeyOf(field);
  if (metadataKey !== undefined) {
    const metadata = body['metadata'];
    return isPlainObject(metadata) ? canonical(leaves(metadata[metadataKey], field)) : canonical([]);
  }
  return canonical(leaves(body[field], field));
}

/** The canonical text of one field of a Stripe object (as listed or returned); NOT_RETURNED when the object lacks it. */
export function storedFieldText(object: Record<string, unknown>, field: string): string {
  const metadataKey = metadataKeyOf(field);
  if (metadataKey !== undefined) {
    const metadata = object['metadata'];
    if (!isPlainObject(metadata)) return NOT_RETURNED;
    return canonical(leaves(metadata[metadataKey], field));
  }
  if (!Object.hasOwn(object, field)) return NOT_RETURNED;
  return canonical(leaves(object[field], field));
}

/** Non-empty leaves of a value as [form path, text]; nulls, "", empty objects and arrays give none. */
export function leaves(value: unknown, path: string): [string, string][] {
  const out: [string, string][] = [];
  collect(value, path, out);
  return out;
}

function collect(value: unknown, path: string, out: [string, string][]): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => collect(item, `${path}[${i}]`, out));
    return;
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isFinite(ms)) out.push([path, String(Math.floor(ms / 1000))]);
    return;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) collect(v, `${path}[${k}]`, out);
    return;
  }
  const text = scalarText(value, path);
  if (text !== '') out.push([path, text]);
}

/** A scalar as the form encoder sends it; decimal-string amounts (`*_decimal`) without trailing fractional zeros. */
function scalarText(value: unknown, path: string): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? plainNumber(value) : `\u0000${String(value)}`;
  if (typeof value === 'bigint') return value.toString();
  const text = String(value);
  return /_decimal(\]|$)/.test(path) ? trimDecimal(text) : text;
}

/** Decimal text without exponent, the way the encoder writes numbers. */
function plainNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const text = String(n);
  return /e/i.test(text) ? n.toFixed(20).replace(/\.?0+$/, '') : text;
}

/** "10.50" → "10.5", "7.000" → "7"; anything that is not a plain decimal is left as it is. */
function trimDecimal(text: string): string {
  if (!/^-?\d+\.\d+$/.test(text)) return text;
  return text.replace(/0+$/, '').replace(/\.$/, '');
}

/** Leaves sorted by path (objects are unordered for Stripe; array positions are in the path). */
export function canonical(pairs: [string, string][]): string {
  if (pairs.length === 0) return '';
  if (pairs.length === 1) return JSON.stringify(pairs);
  return JSON.stringify([...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
