// What dry run logs for a record: the request it would send, with body keys but never body values.
import type { MappedRequest } from '../core/mapped-request.js';

export function describeDryRun(stream: string, position: number, mapped: MappedRequest): string {
  const { request } = mapped;
  const keys = request.body ? bodyKeys(request.body).join(', ') : '';
  const parts = [`dry run: record #${position} of stream "${stream}" would send ${request.method} ${redactPathIds(request.path)}`];
  parts.push(keys ? ` with fields [${keys}]` : ' with no body');
  if (request.idempotencyKey) parts.push(`, Idempotency-Key ${request.idempotencyKey}`);
  if (mapped.execute) parts.push(` (${mapped.operation}: may look up the object first)`);
  return parts.join('');
}

/** Form-style key paths of a body (`metadata[tier]`, `items[0][price]`), without values. */
export function bodyKeys(body: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    const path = prefix ? `${prefix}[${key}]` : key;
    if (value && typeof value === 'object' && !(value instanceof Date)) {
      const nested = bodyKeys(value as Record<string, unknown>, path);
      out.push(...(nested.length ? nested : [path]));
    } else out.push(path);
  }
  return out;
}

/** Path segments after the resource name can be record values (ids); show them as {id}. */
function redactPathIds(path: string): string {
  const [pathname] = path.split('?', 1);
  const segments = (pathname ?? '').split('/');
  return segments.map((s, i) => (i >= 3 && !/^[a-z_]+$/.test(s) ? '{id}' : s)).join('/') + (path.includes('?') ? '?…' : '');
}
