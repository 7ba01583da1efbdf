// What Stripe's idempotency layer compares: the method, the path and the parameters, whatever their key order.
import { createHash } from 'node:crypto';

/**
 * sha256 of `METHOD path` and the parameters as JSON with object keys sorted. Kept as a hash, so a stored key
 * costs 64 characters, not its whole body (a meter event batch is about 20 kB).
 */
export function requestFingerprint(method: string, path: string, params: unknown): string {
  return createHash('sha256').update(`${method} ${path} `).update(sortedJson(params)).digest('hex');
}

/** JSON.stringify's output with every object's keys in sorted order (`undefined` members and functions dropped). */
export function sortedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value) as string | undefined;
    return text ?? 'null';
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return sortedJson((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) out += (i === 0 ? '' : ',') + sortedJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (!isSorted(keys)) keys.sort();
  let out = '{';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined || typeof member === 'function') continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${sortedJson(member)}`;
  }
  return `${out}}`;
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i += 1) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}
