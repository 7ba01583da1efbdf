// Where a reference path (`product`, `items[].price`) sits in a record: nested, as a dotted column, or under a renamed column.

/** One step of a path: a field name, an array element (`index` set), or every element of an array (`[]`). */
type Step = { name: string } | { index: number } | { every: true };

/** A place in one record that holds a reference value, and how to replace it. */
export interface ReferenceSite {
  /** The value as the record holds it there. */
  value: unknown;
  /** The place in Stripe's words, e.g. `items[1].price`: what rejections name. */
  path: string;
  set(value: unknown): void;
}

const PATTERN_STEP = /^[A-Za-z0-9_]+(\[\])?$/;

/** Checks a reference path of the config: dotted names, `[]` after a name for every element of that array. Returns what is wrong, or undefined. */
export function referencePathProblem(path: string): string | undefined {
  if (path.split('.').every((step) => PATTERN_STEP.test(step))) return undefined;
  return 'must be a dotted path of field names, with [] after an array field for each of its elements (e.g. product, items[].price)';
}

/** `items[].price` → items, every, price. */
export function parsePattern(path: string): Step[] {
  const steps: Step[] = [];
  for (const part of path.split('.')) {
    if (part.endsWith('[]')) steps.push({ name: part.slice(0, -2) }, { every: true });
    else steps.push({ name: part });
  }
  return steps;
}

/** A record field name that is a path (`items[0].price`, `address.city`) → its steps; undefined when it is not one. */
function parseFieldPath(name: string): Step[] | undefined {
  const steps: Step[] = [];
  for (const part of name.split('.')) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) return undefined;
    steps.push({ name: m[1]! });
    for (const index of m[2]!.matchAll(/\[(\d+)\]/g)) steps.push({ index: Number(index[1]) });
  }
  return steps;
}

function matches(pattern: Step[], path: Step[]): boolean {
  if (pattern.length !== path.length) return false;
  return pattern.every((p, i) => {
    const q = path[i]!;
    if ('name' in p) return 'name' in q && q.name === p.name;
    return 'index' in q;
  });
}

function display(steps: Step[]): string {
  let out = '';
  for (const step of steps) {
    if ('name' in step) out += out === '' ? step.name : `.${step.name}`;
    else if ('index' in step) out += `[${step.index}]`;
    else out += '[]';
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Every place of `record` that `pattern` names, found the three ways a warehouse row can carry it:
 * nested (`{items: [{price}]}`), as a column whose name is the path (`items[0].price`), or as a column
 * the stream's `fields` renames to such a path (`{"price_code": "items[0].price"}`). Absent, null and
 * empty values are left out (nothing to resolve). `set` changes `record` in place: pass a copy.
 */
export function referenceSites(record: Record<string, unknown>, pattern: Step[], fields: Readonly<Record<string, string>> = {}): ReferenceSite[] {
  const sites: ReferenceSite[] = [];
  const add = (holder: Record<string, unknown> | unknown[], key: string | number, path: Step[]): void => {
    const value = (holder as Record<string | number, unknown>)[key];
    if (value === undefined || value === null || value === '') return;
    sites.push({ value, path: display(path), set: (v) => void ((holder as Record<string | number, unknown>)[key] = v) });
  };
  const walk = (value: unknown, at: number, path: Step[], holder: Record<string, unknown> | unknown[], key: string | number): void => {
    if (at === pattern.length) return add(holder, key, path);
    const step = pattern[at]!;
    if ('name' in step) {
      if (isObject(value) && Object.hasOwn(value, step.name)) walk(value[step.name], at + 1, [...path, step], value, step.name);
    } else if (Array.isArray(value)) {
      value.forEach((element, i) => walk(element, at + 1, [...path, { index: i }], value, i));
    }
  };
  const first = pattern[0];
  if (first && 'name' in first && Object.hasOwn(record, first.name)) walk(record[first.name], 1, [first], record, first.name);
  for (const name of Object.keys(record)) {
    const target = fields[name];
    const steps = target !== undefined ? parseFieldPath(target) : name.includes('.') || name.includes('[') ? parseFieldPath(name) : undefined;
    if (steps && matches(pattern, steps)) add(record, name, steps);
  }
  return sites;
}
