// Request bodies on the wire: Stripe's v1 form dialect, JSON for v2, and safe URL path segments.

/** Thrown when a body holds something the form dialect cannot carry; names the param, never the value. */
export class FormEncodeError extends Error {
  readonly param: string;
  constructor(param: string, rule: string) {
    super(`Cannot form-encode param ${param}: ${rule}`);
    this.name = 'FormEncodeError';
    this.param = param;
  }
}

/**
 * Encodes a body as application/x-www-form-urlencoded the way Stripe's v1 API reads it:
 * - nested objects `a[b]=v`, arrays by index `items[0][price]=v` (an `undefined` item keeps its index free);
 * - `null` becomes an empty value (`description=`), which unsets the field; `undefined` is skipped;
 * - booleans `true`/`false`; numbers as plain decimal strings (no exponent); Dates as Unix seconds;
 * - empty objects and arrays produce nothing;
 * - each key segment and each value is percent-encoded; the structural brackets stay literal.
 *   (A key that itself holds `[` or `]` is encoded, but form parsers decode before splitting,
 *   so such keys cannot round-trip; Stripe forbids brackets in metadata keys.)
 * Lone UTF-16 surrogates are replaced by U+FFFD so that encoding never throws on odd text.
 */
export function encodeForm(body: Record<string, unknown>): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    appendPairs(pairs, encodeText(key), key, value);
  }
  return pairs.join('&');
}

function appendPairs(pairs: string[], encodedKey: string, param: string, value: unknown): void {
  if (value === undefined) return;
  if (value === null) {
    pairs.push(`${encodedKey}=`);
    return;
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (!Number.isFinite(ms)) throw new FormEncodeError(param, 'invalid date');
    pairs.push(`${encodedKey}=${Math.floor(ms / 1000)}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => appendPairs(pairs, `${encodedKey}[${index}]`, `${param}[${index}]`, item));
    return;
  }
  if (typeof value === 'object') {
    for (const [child, childValue] of Object.entries(value as Record<string, unknown>)) {
      appendPairs(pairs, `${encodedKey}[${encodeText(child)}]`, `${param}[${child}]`, childValue);
    }
    return;
  }
  pairs.push(`${encodedKey}=${encodeText(scalarText(value, param))}`);
}

function scalarText(value: unknown, param: string): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new FormEncodeError(param, 'number is not finite');
      return decimalString(value);
    case 'bigint':
      return value.toString();
    default:
      throw new FormEncodeError(param, `a ${typeof value} cannot be sent`);
  }
}

/** A finite number as a plain decimal string: `1e21` → `1000000000000000000000`, `1e-7` → `0.0000001`. */
export function decimalString(value: number): string {
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign = '', lead = '', fraction = '', exponentText = '0'] = match;
  const digits = lead + fraction;
  const exponent = Number(exponentText);
  if (exponent >= 0) return sign + digits.padEnd(exponent + 1, '0');
  return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
}

function encodeText(text: string): string {
  return encodeURIComponent(wellFormed(text));
}

function wellFormed(text: string): string {
  return (text as string & { toWellFormed(): string }).toWellFormed();
}

/** JSON for v2 endpoints (Dates become RFC 3339 strings, `undefined` is dropped). */
export function encodeJson(body: Record<string, unknown>): string {
  return JSON.stringify(body);
}

/**
 * One URL path segment from a record value: `encodeURIComponent` of its string form (so `/`, `?`,
 * `#`, `%` and backslash are encoded). A value that is exactly `.` or `..` has its dots encoded twice
 * (`%252E`): URL parsers treat `%2E` as a dot and would still climb, whereas `%252E` reaches the
 * server as the literal text `%2E` (an id that does not exist). So a value can never climb the path.
 * An empty value gives an empty string: callers must refuse it before building a path.
 */
export function encodePathSegment(value: unknown): string {
  const encoded = encodeText(String(value));
  if (encoded === '.' || encoded === '..') return encoded.replaceAll('.', '%252E');
  return encoded;
}
