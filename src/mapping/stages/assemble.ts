// Stage 2: top-level fields named by a path (`address.city`, `items[0].price`, `metadata.crm_id`) fill that place in the body.
import type { Rejection } from '../../core/rejection.js';
import { formatPath, isPathName, parsePath, type Segment } from '../field-paths.js';

type Body = Record<string, unknown>;

/**
 * Builds the nested body from path-named fields; nested objects and path names may mix. The record is not
 * changed (what a path writes into is copied). Refused, naming the path: a name that is not a path, the
 * same place set twice, a path through a value that is not an object or array, an array left with holes.
 */
export function assemblePaths(record: Body): { body: Body } | { rejection: Rejection } {
  let any = false;
  for (const name in record) {
    if (isPathName(name)) {
      any = true;
      break;
    }
  }
  if (!any) return { body: record };
  const body: Body = {};
  const paths: Array<[string, Segment[], unknown]> = [];
  for (const [name, value] of Object.entries(record)) {
    if (!isPathName(name)) {
      body[name] = value;
      continue;
    }
    const segments = parsePath(name);
    if (!segments) return { rejection: { code: 'invalid_field', param: name, reason: `field name "${name}" is not a path such as address.city or items[0].price` } };
    paths.push([name, segments, value]);
  }
  const copied = new Set<object>();
  const arrays = new Set<unknown[]>();
  for (const [name, segments, value] of paths) {
    let parent: Body | unknown[] = body;
    for (let i = 0; i < segments.length - 1; i++) {
      const step = segments[i]!;
      const wantsArray = typeof segments[i + 1] === 'number';
      const slot: unknown = (parent as Record<string | number, unknown>)[step as never];
      let next: Body | unknown[];
      if (slot === undefined || slot === null) {
        next = wantsArray ? [] : {};
        copied.add(next);
      } else if (wantsArray ? Array.isArray(slot) : isObject(slot)) {
        next = copied.has(slot as object) ? (slot as Body | unknown[]) : Array.isArray(slot) ? [...slot] : { ...(slot as Body) };
        copied.add(next);
      } else {
        return { rejection: { code: 'invalid_field', param: formatPath(segments.slice(0, i + 1)), reason: `"${name}" needs "${formatPath(segments.slice(0, i + 1))}" to be ${wantsArray ? 'an array' : 'an object'}` } };
      }
      if (Array.isArray(next)) arrays.add(next);
      (parent as Record<string | number, unknown>)[step as never] = next;
      parent = next;
    }
    const leaf = segments[segments.length - 1]!;
    const holder = parent as Record<string | number, unknown>;
    if (Array.isArray(parent) !== (typeof leaf === 'number')) {
      return { rejection: { code: 'invalid_field', param: name, reason: `"${name}" does not fit the ${Array.isArray(parent) ? 'array' : 'object'} it is written into` } };
    }
    if (holder[leaf as never] !== undefined) return { rejection: { code: 'invalid_field', param: name, reason: `"${name}" is set twice (by a field of that name and by the record's nested value or another path)` } };
    holder[leaf as never] = value;
  }
  for (const array of arrays) {
    for (let i = 0; i < array.length; i++) {
      if (!(i in array)) return { rejection: { code: 'invalid_field', param: holePath(body, array, i), reason: `"${holePath(body, array, i)}" is missing: array indexes must be dense, starting at 0` } };
    }
  }
  return { body };
}

function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The path of index `i` of `array` inside `body`, for the message. */
function holePath(body: Body, array: unknown[], i: number): string {
  const find = (node: unknown, path: Segment[]): Segment[] | undefined => {
    if (node === array) return path;
    if (Array.isArray(node)) {
      for (let k = 0; k < node.length; k++) {
        const found = find(node[k], [...path, k]);
        if (found) return found;
      }
    } else if (isObject(node)) {
      for (const [key, child] of Object.entries(node)) {
        const found = find(child, [...path, key]);
        if (found) return found;
      }
    }
    return undefined;
  };
  return formatPath([...(find(body, []) ?? []), i]);
}
