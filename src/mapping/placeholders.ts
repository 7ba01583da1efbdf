// Placeholder templates: compile a body or text template once, then render it against each record.
import { configError } from '../protocol/errors.js';
import { parseBodyTemplate, TemplateFault, type BodyNode, type TextPart } from './body-template-parse.js';
import { getPath, scanPlaceholder, startsPlaceholder, type Placeholder } from './placeholder-parse.js';

export { getPath, displayPath, messagePath } from './placeholder-parse.js';
export type { Placeholder, PathStep } from './placeholder-parse.js';
export type { TextPart } from './body-template-parse.js';

export interface CompiledBody {
  readonly root: BodyNode;
  /** Every placeholder of the template, in order of appearance. */
  readonly placeholders: readonly Placeholder[];
}

/** Why a record could not fill a template: a missing field, or a value that cannot go where it was placed. */
export type RenderFailure = { ok: false; missing: string } | { ok: false; invalid: string; reason: string };

export type RenderedBody = { ok: true; body: Record<string, unknown> } | RenderFailure;

/** 1-based line and column of `offset` in `text` (CRLF counts as one line break). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = 0; at < offset && at < text.length; at += 1) {
    if (text[at] === '\n') {
      line += 1;
      lineStart = at + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Compiles a body template; throws a config error naming line, column and reason when it is not valid. */
export function compileBodyTemplate(template: string, field = 'configuration.body'): CompiledBody {
  try {
    const root = parseBodyTemplate(template);
    return { root, placeholders: collect(root, []) };
  } catch (error) {
    if (!(error instanceof TemplateFault)) throw error;
    const { line, column } = lineColumn(template, error.offset);
    throw configError(`${field}: line ${line}, column ${column}: ${error.reason}.`);
  }
}

function collect(node: BodyNode, into: Placeholder[]): Placeholder[] {
  if (node.kind === 'value') into.push(node.placeholder);
  else if (node.kind === 'text') into.push(...node.parts.filter(isPlaceholder));
  else if (node.kind === 'array') node.items.forEach((item) => collect(item, into));
  else if (node.kind === 'object') {
    for (const entry of node.entries) {
      into.push(...entry.key.filter(isPlaceholder));
      collect(entry.value, into);
    }
  }
  return into;
}

const isPlaceholder = (part: TextPart): part is Placeholder => typeof part !== 'string';

/** Thrown inside rendering to unwind at the first field the record cannot fill. */
class RenderStop {
  constructor(readonly failure: RenderFailure) {}
}

const OMIT = Symbol('omit');

/** Fills a compiled body with one record. `{message.json}` as the whole body yields the record itself. */
export function renderBody(compiled: CompiledBody, record: Record<string, unknown>): RenderedBody {
  try {
    const body = renderNode(compiled.root, record);
    if (body === OMIT) return { ok: true, body: {} };
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      const placeholder = compiled.root.kind === 'value' ? compiled.root.placeholder.display : 'json';
      return { ok: false, invalid: placeholder, reason: 'must hold an object to be the whole body' };
    }
    return { ok: true, body: body as Record<string, unknown> };
  } catch (error) {
    if (error instanceof RenderStop) return error.failure;
    throw error;
  }
}

function renderNode(node: BodyNode, record: Record<string, unknown>): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'value':
      return lookUp(node.placeholder, record);
    case 'text':
      return renderText(node.parts, record);
    case 'array': {
      const out: unknown[] = [];
      for (const item of node.items) {
        const value = renderNode(item, record);
        if (value !== OMIT) out.push(value);
      }
      return out;
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const entry of node.entries) {
        const value = renderNode(entry.value, record);
        if (value === OMIT) continue;
        const key = entry.key.length === 1 && typeof entry.key[0] === 'string' ? entry.key[0] : renderText(entry.key, record);
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
  }
}

/** The field's value, OMIT for a missing optional field; stops rendering for a missing required one. */
function lookUp(placeholder: Placeholder, record: Record<string, unknown>): unknown {
  const value = getPath(record, placeholder.steps);
  if (value !== undefined) return value;
  if (placeholder.optional) return OMIT;
  throw new RenderStop({ ok: false, missing: placeholder.display });
}

/** Writes text parts with each value as text; a missing optional field writes nothing. */
function renderText(parts: readonly TextPart[], record: Record<string, unknown>): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const value = lookUp(part, record);
    if (value !== OMIT) out += valueToText(value);
  }
  return out;
}

/** How a value reads inside text: strings as they are, null as empty, objects and arrays as JSON. */
export function valueToText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export type TextScan = { ok: true; parts: TextPart[] } | { ok: false; offset: number; reason: string };

/** Splits plain text (not JSON) into literal text and placeholders; `{{` and `}}` are literal braces. */
export function parseTextTemplate(text: string): TextScan {
  const parts: TextPart[] = [];
  let literal = '';
  let at = 0;
  while (at < text.length) {
    const char = text[at]!;
    if (char !== '{' && char !== '}') {
      literal += char;
      at += 1;
      continue;
    }
    if (text[at + 1] === char) {
      literal += char;
      at += 2;
      continue;
    }
    if (char === '}' || !startsPlaceholder(text, at)) {
      return { ok: false, offset: at, reason: `write ${char}${char} for a literal brace, or a placeholder {message.<path>}` };
    }
    const scan = scanPlaceholder(text, at);
    if (!scan.ok) return scan;
    if (literal !== '') parts.push(literal);
    literal = '';
    parts.push(scan.placeholder);
    at = scan.end;
  }
  if (literal !== '') parts.push(literal);
  return { ok: true, parts };
}
