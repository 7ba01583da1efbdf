// Field paths (`address.city`, `items[0].price`, `metadata.crm_id`): parsing, and what a resource's request schema says at one.

/** One step of a path: a property name or an array index. */
export type Segment = string | number;

type Schema = Record<string, unknown>;

/**
 * `shipping.address.line1` → ['shipping', 'address', 'line1']; `items[0].price` → ['items', 0, 'price'].
 * After a `metadata` step the rest of the text is one key (metadata keys may hold dots). Undefined when the
 * text is not a path: an empty name, an unclosed or non-numeric `[...]`, or brackets in a metadata key.
 */
export function parsePath(text: string): Segment[] | undefined {
  const segments: Segment[] = [];
  let i = 0;
  let expectName = true;
  while (i < text.length) {
    if (segments.length > 0 && segments[segments.length - 1] === 'metadata' && !expectName) {
      if (text[i] !== '.') return undefined;
      const key = text.slice(i + 1);
      if (key === '' || /[[\]]/.test(key)) return undefined;
      segments.push(key);
      return segments;
    }
    if (expectName) {
      let j = i;
      while (j < text.length && text[j] !== '.' && text[j] !== '[' && text[j] !== ']') j++;
      if (j === i) return undefined;
      segments.push(text.slice(i, j));
      i = j;
      expectName = false;
      continue;
    }
    if (text[i] === '.') {
      i += 1;
      expectName = true;
      if (i === text.length) return undefined;
      continue;
    }
    if (text[i] === '[') {
      const close = text.indexOf(']', i);
      const digits = close < 0 ? '' : text.slice(i + 1, close);
      if (!/^(0|[1-9]\d{0,5})$/.test(digits)) return undefined;
      segments.push(Number(digits));
      i = close + 1;
      continue;
    }
    return undefined;
  }
  return expectName ? undefined : segments;
}

/** ['items', 0, 'price'] → `items[0].price`: the record's notation, for messages. */
export function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

/** Whether a top-level record field name is a path to assemble (holds `.` or `[`). */
export function isPathName(name: string): boolean {
  return name.includes('.') || name.includes('[');
}

/** The object branches of a schema (`anyOf [object, ""]` has one). */
function branches(schema: Schema): Schema[] {
  const anyOf = schema['anyOf'];
  return Array.isArray(anyOf) ? (anyOf as Schema[]) : [schema];
}

/**
 * The schema a path leads to inside `schemas` (tried in order, e.g. create then update), or undefined when
 * no schema has the path. A free-form map (metadata) takes any key.
 */
export function schemaAtPath(schemas: readonly Schema[], segments: readonly Segment[]): Schema | undefined {
  for (const root of schemas) {
    const found = walk(root, segments, 0);
    if (found) return found;
  }
  return undefined;
}

function walk(schema: Schema, segments: readonly Segment[], at: number): Schema | undefined {
  if (at === segments.length) return schema;
  const step = segments[at]!;
  for (const branch of branches(schema)) {
    if (typeof step === 'number') {
      const items = branch['type'] === 'array' ? (branch['items'] as Schema | undefined) : undefined;
      const found = items && walk(items, segments, at + 1);
      if (found) return found;
      continue;
    }
    if (branch['type'] !== 'object' && branch['properties'] === undefined) continue;
    const properties = (branch['properties'] ?? {}) as Record<string, Schema>;
    const child = Object.hasOwn(properties, step) ? properties[step] : typeof branch['additionalProperties'] === 'object' ? (branch['additionalProperties'] as Schema) : undefined;
    const found = child && walk(child, segments, at + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Every path a record can fill, down to `maxDepth` names (arrays as `[0]`, free-form maps as `<name>.<key>`,
 * listed once as a pattern by the caller). A field whose schema is an object is listed as well as its leaves.
 */
export function mappablePaths(schema: Schema, maxDepth: number): Map<string, Schema> {
  const out = new Map<string, Schema>();
  const visit = (node: Schema, prefix: Segment[], depth: number): void => {
    for (const branch of branches(node)) {
      if (branch['type'] === 'array' && branch['items'] && typeof branch['items'] === 'object') {
        visit(branch['items'] as Schema, [...prefix, 0], depth);
        continue;
      }
      if (depth >= maxDepth) continue;
      const properties = (branch['properties'] ?? {}) as Record<string, Schema>;
      for (const [name, child] of Object.entries(properties)) {
        const path = [...prefix, name];
        const text = formatPath(path);
        if (!out.has(text)) out.set(text, child);
        visit(child, path, depth + 1);
      }
    }
  };
  visit(schema, [], 0);
  return out;
}
