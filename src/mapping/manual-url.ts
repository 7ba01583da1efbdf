// Manual-mode URL: checks the host and path once, then fills placeholders with percent-encoded record values.
import { configError } from '../protocol/errors.js';
import { getPath, lineColumn, parseTextTemplate, valueToText, type Placeholder, type RenderFailure, type TextPart } from './placeholders.js';

export type StripeHost = 'api' | 'meter_events';

export interface CompiledUrl {
  readonly template: string;
  readonly host: StripeHost;
  readonly version: 'v1' | 'v2';
  /** Path segments after the leading `/`, each made of literal text and placeholders. */
  readonly segments: readonly (readonly TextPart[])[];
  /** Everything after `?`, or undefined when the template has no query. */
  readonly query: readonly TextPart[] | undefined;
}

export type RenderedUrl = { ok: true; path: string; host: StripeHost; objectPath: string } | RenderFailure;

const FIELD = 'configuration.url';
const STRIPE_ORIGINS: Record<string, StripeHost> = {
  'https://api.stripe.com': 'api',
  'https://meter-events.stripe.com': 'meter_events',
};
const HOST_RULE =
  'must be a path starting with /v1/ or /v2/, or a URL on https://api.stripe.com, https://meter-events.stripe.com or the configured API base URL';
const ORIGIN = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)/;
/** Characters a literal path or query may hold as written (RFC 3986 pchar; queries also take `/`, `?` and the brackets of `expand[]`). */
const LITERAL_PATH = /^[A-Za-z0-9\-._~%!$&'()*+,;=:@]*$/;
const LITERAL_QUERY = /^[A-Za-z0-9\-._~%!$&'()*+,;=:@/?[\]]*$/;

/** Compiles a manual-mode URL; throws a config error naming the rule (and column) it breaks. */
export function compileUrl(url: string, options: { apiBaseUrl?: string } = {}): CompiledUrl {
  const { host, offset } = resolveOrigin(url, options.apiBaseUrl);
  const rest = url.slice(offset);
  const scan = parseTextTemplate(rest);
  if (!scan.ok) throw fault(url, offset + scan.offset, scan.reason);
  const first = scan.parts[0];
  const version = typeof first === 'string' ? /^\/(v[12])\//.exec(first)?.[1] : undefined;
  if (version !== 'v1' && version !== 'v2') throw fault(url, offset, 'the path must start with /v1/ or /v2/ (written out, not a placeholder)');

  const segments: TextPart[][] = [[]];
  let query: TextPart[] | undefined;
  for (const part of scan.parts) {
    if (typeof part !== 'string') {
      (query ?? segments[segments.length - 1]!).push(part);
      continue;
    }
    for (const char of part) {
      if (char === '#') throw configError(`${FIELD}: a URL cannot have a fragment (#).`);
      if (query) appendLiteral(query, char);
      else if (char === '?') query = [];
      else if (char === '/') segments.push([]);
      else appendLiteral(segments[segments.length - 1]!, char);
    }
  }
  segments.shift();
  checkLiterals(segments, query);
  return { template: url, host, version, segments, query };
}

function resolveOrigin(url: string, apiBaseUrl: string | undefined): { host: StripeHost; offset: number } {
  const match = ORIGIN.exec(url);
  if (!match) {
    if (url.startsWith('/') && !url.startsWith('//')) return { host: 'api', offset: 0 };
    throw configError(`${FIELD} ${HOST_RULE}.`);
  }
  const authority = match[2]!;
  if (authority.includes('{') || authority.includes('@')) throw configError(`${FIELD}: the host cannot hold placeholders or credentials; it ${HOST_RULE}.`);
  const origin = originOf(`${match[1]}://${authority}`);
  const stripe = origin === undefined ? undefined : STRIPE_ORIGINS[origin];
  if (stripe) return { host: stripe, offset: match[0].length };
  if (origin !== undefined && apiBaseUrl !== undefined && origin === originOf(apiBaseUrl)) return { host: 'api', offset: match[0].length };
  throw configError(`${FIELD}: the host is not allowed; the URL ${HOST_RULE}.`);
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function appendLiteral(parts: TextPart[], char: string): void {
  const last = parts[parts.length - 1];
  if (typeof last === 'string') parts[parts.length - 1] = last + char;
  else parts.push(char);
}

function checkLiterals(segments: TextPart[][], query: TextPart[] | undefined): void {
  segments.forEach((segment, index) => {
    const where = `path segment ${index + 1}`;
    if (segment.length === 0) throw configError(`${FIELD}: ${where} is empty (a "//" or a trailing "/").`);
    if (segment.length === 1 && typeof segment[0] === 'string' && isDotSegment(segment[0])) {
      throw configError(`${FIELD}: ${where} cannot be "." or "..".`);
    }
    for (const part of segment) {
      if (typeof part === 'string' && !LITERAL_PATH.test(part)) throw configError(`${FIELD}: ${where} has a character that must be percent-encoded.`);
    }
  });
  for (const part of query ?? []) {
    if (typeof part === 'string' && !LITERAL_QUERY.test(part)) throw configError(`${FIELD}: the query has a character that must be percent-encoded.`);
  }
}

function fault(url: string, offset: number, reason: string): Error {
  const { column } = lineColumn(url, offset);
  return configError(`${FIELD}: column ${column}: ${reason}.`);
}

function isDotSegment(segment: string): boolean {
  const plain = segment.replace(/%2e/gi, '.');
  return plain === '.' || plain === '..';
}

/** Percent-encodes one value so it stays inside its path segment or query value. */
function encodeValue(value: string): string | undefined {
  try {
    return encodeURIComponent(value);
  } catch {
    return undefined;
  }
}

type Filled = { ok: true; text: string; placeholder?: Placeholder } | RenderFailure;

function fill(parts: readonly TextPart[], record: Record<string, unknown>): Filled {
  let text = '';
  let placeholder: Placeholder | undefined;
  for (const part of parts) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    placeholder ??= part;
    const value = getPath(record, part.steps);
    if (value === undefined || value === null) {
      if (part.optional) continue;
      return { ok: false, missing: part.display };
    }
    if (typeof value === 'object') return { ok: false, invalid: part.display, reason: 'must be a string, number or boolean to go in the URL' };
    const encoded = encodeValue(valueToText(value));
    if (encoded === undefined) return { ok: false, invalid: part.display, reason: 'is not well-formed Unicode text' };
    text += encoded;
  }
  return placeholder ? { ok: true, text, placeholder } : { ok: true, text };
}

/** Fills the URL with one record; each value is encoded so it can never add a segment, a query or a fragment. */
export function renderUrl(compiled: CompiledUrl, record: Record<string, unknown>): RenderedUrl {
  let objectPath = '';
  for (const segment of compiled.segments) {
    const filled = fill(segment, record);
    if (!filled.ok) return filled;
    if (filled.placeholder && (filled.text === '' || isDotSegment(filled.text))) {
      const reason = filled.text === '' ? 'is empty, which would leave a URL path segment empty' : 'cannot make a URL path segment "." or ".."';
      return { ok: false, invalid: filled.placeholder.display, reason };
    }
    objectPath += `/${filled.text}`;
  }
  if (compiled.query === undefined) return { ok: true, path: objectPath, host: compiled.host, objectPath };
  const query = fill(compiled.query, record);
  if (!query.ok) return query;
  return { ok: true, path: `${objectPath}?${query.text}`, host: compiled.host, objectPath };
}
