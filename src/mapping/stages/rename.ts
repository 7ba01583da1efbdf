// Stage 1: the stream's `fields` map renames record fields to Stripe paths (`city` → `address.city`), before anything else.
import type { Rejection } from '../../core/rejection.js';

type Body = Record<string, unknown>;

/**
 * Renames the record's top-level fields named in `fields` (record field → Stripe path). Fields in `keep`
 * (the matching key, the parent id) stay under their own name as well, since they still identify the
 * object. A renamed field whose target the record already holds under that name is refused.
 */
export function renameFields(record: Body, fields: ReadonlyMap<string, string>, keep: ReadonlySet<string>): { body: Body } | { rejection: Rejection } {
  if (fields.size === 0) return { body: record };
  let renamed = false;
  for (const from of fields.keys()) {
    if (Object.hasOwn(record, from)) {
      renamed = true;
      break;
    }
  }
  if (!renamed) return { body: record };
  const body: Body = {};
  for (const [name, value] of Object.entries(record)) {
    const target = fields.get(name);
    if (target === undefined || target === name) {
      if (Object.hasOwn(body, name)) return { rejection: twice(name, fieldMappedTo(fields, name)) };
      body[name] = value;
      continue;
    }
    if (Object.hasOwn(body, target) || (Object.hasOwn(record, target) && fields.get(target) === undefined)) return { rejection: twice(target, name) };
    body[target] = value;
    if (keep.has(name)) body[name] = value;
  }
  return { body };
}

function fieldMappedTo(fields: ReadonlyMap<string, string>, target: string): string {
  for (const [from, to] of fields) if (to === target) return from;
  return target;
}

function twice(target: string, from: string): Rejection {
  return { code: 'invalid_field', param: target, reason: `"${target}" is set twice: by the record's own field and by "${from}" through stream_settings fields` };
}
