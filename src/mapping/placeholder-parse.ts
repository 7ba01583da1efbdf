// Reads one `{message...}` placeholder (path, optional mark) from template text and looks paths up in a record.

/** One step into a record: an object key or an array index. */
export type PathStep = { key: string } | { index: number };

export interface Placeholder {
  /** Steps from the record root; empty for `{message.json}` (the whole record). */
  steps: PathStep[];
  /** `{message.<path>?}`: a missing field omits the enclosing key (or renders empty in text). */
  optional: boolean;
  /** The path as users wrote it, without `message.`: `address.city`, `items[0].price`, `json`. */
  display: string;
}

export type PlaceholderScan = { ok: true; placeholder: Placeholder; end: number } | { ok: false; offset: number; reason: string };

const PREFIX = '{message';
/** Characters that end a bare key: structure, quotes, whitespace and the optional mark. */
const BARE_KEY = /[^.[\]{}?"'\s\\]+/y;
const DIGITS = /[0-9]+/y;
/** Names that would reach an object's prototype instead of its data. */
const UNREACHABLE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** True when `text` has a placeholder opening at `offset`. */
export function startsPlaceholder(text: string, offset: number): boolean {
  if (!text.startsWith(PREFIX, offset)) return false;
  const next = text[offset + PREFIX.length];
  return next === '.' || next === '[' || next === '}' || next === '?';
}

/**
 * Scans the placeholder that opens at `offset` (which must satisfy `startsPlaceholder`).
 * `end` is the offset just after its closing brace; failures give the offset of the fault.
 */
export function scanPlaceholder(text: string, offset: number): PlaceholderScan {
  let at = offset + PREFIX.length;
  const steps: PathStep[] = [];
  while (at < text.length && text[at] !== '}' && text[at] !== '?') {
    const char = text[at];
    if (char === '.') {
      BARE_KEY.lastIndex = at + 1;
      const match = BARE_KEY.exec(text);
      if (!match) return { ok: false, offset: at + 1, reason: 'expected a field name after "."' };
      steps.push({ key: match[0] });
      at = BARE_KEY.lastIndex;
    } else if (char === '[') {
      const step = scanBracket(text, at);
      if (!step.ok) return step;
      steps.push(step.step);
      at = step.end;
    } else {
      return { ok: false, offset: at, reason: 'expected ".name", "[index]", ["key"], "?" or "}" in a placeholder' };
    }
  }
  if (at >= text.length) return { ok: false, offset, reason: 'placeholder is not closed with "}"' };
  const optional = text[at] === '?';
  if (optional) at += 1;
  if (text[at] !== '}') return { ok: false, offset: at, reason: 'expected "}" after "?" in a placeholder' };
  if (steps.length === 0) {
    return { ok: false, offset, reason: 'write {message.json} for the whole record or {message.<path>} for a field' };
  }
  const wholeRecord = text.startsWith('.json', offset + PREFIX.length) && steps.length === 1;
  const finalSteps = wholeRecord ? [] : steps;
  const display = wholeRecord ? 'json' : displayPath(steps);
  return { ok: true, end: at + 1, placeholder: { steps: finalSteps, optional, display } };
}

type BracketScan = { ok: true; step: PathStep; end: number } | { ok: false; offset: number; reason: string };

function scanBracket(text: string, open: number): BracketScan {
  const inner = open + 1;
  if (text[inner] === '"') {
    const close = findStringEnd(text, inner);
    if (close < 0) return { ok: false, offset: inner, reason: 'quoted key is not closed' };
    let key: string;
    try {
      key = JSON.parse(text.slice(inner, close + 1)) as string;
    } catch {
      return { ok: false, offset: inner, reason: 'quoted key is not a valid JSON string' };
    }
    if (text[close + 1] !== ']') return { ok: false, offset: close + 1, reason: 'expected "]" after a quoted key' };
    return { ok: true, step: { key }, end: close + 2 };
  }
  DIGITS.lastIndex = inner;
  const match = DIGITS.exec(text);
  if (!match) return { ok: false, offset: inner, reason: 'expected an array index or a quoted key inside "[]"' };
  if (text[DIGITS.lastIndex] !== ']') return { ok: false, offset: DIGITS.lastIndex, reason: 'expected "]" after an array index' };
  return { ok: true, step: { index: Number(match[0]) }, end: DIGITS.lastIndex + 1 };
}

/** Offset of the quote closing the JSON string that opens at `open`, or -1. */
function findStringEnd(text: string, open: number): number {
  for (let at = open + 1; at < text.length; at += 1) {
    if (text[at] === '\\') at += 1;
    else if (text[at] === '"') return at;
  }
  return -1;
}

/**
 * `address.city`, `items[0].price`, `["odd key"].x`: the path without the `message` root.
 * A field really named `json` alone shows as `["json"]`, since `json` means the whole record.
 */
export function displayPath(steps: PathStep[]): string {
  let out = '';
  for (const step of steps) {
    if ('index' in step) out += `[${step.index}]`;
    else if (steps.length === 1 && step.key === 'json') out += '["json"]';
    else if (/^[^.[\]{}?"'\s\\]+$/.test(step.key)) out += out === '' ? step.key : `.${step.key}`;
    else out += `[${JSON.stringify(step.key)}]`;
  }
  return out;
}

/** `message.address.city` or `message["odd key"]`: how a path is named in rejections. */
export function messagePath(display: string): string {
  return display.startsWith('[') ? `message${display}` : `message.${display}`;
}

/**
 * Follows `steps` through `record` using own data only: prototype members never resolve.
 * Returns undefined when any step is missing.
 */
export function getPath(record: unknown, steps: readonly PathStep[]): unknown {
  let current: unknown = record;
  for (const step of steps) {
    if ('index' in step) {
      if (!Array.isArray(current) || step.index >= current.length) return undefined;
      current = current[step.index];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
      if (UNREACHABLE_KEYS.has(step.key) || !Object.hasOwn(current, step.key)) return undefined;
      current = (current as Record<string, unknown>)[step.key];
    }
  }
  return current;
}
