// Streams stdin as numbered lines and parses each into a message, with backpressure and bounded line size.
import type { Readable } from 'node:stream';

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

export type ReadItem =
  | { kind: 'message'; line: number; message: Record<string, unknown> }
  | { kind: 'invalid'; line: number; reason: string };

/** Yields each non-empty line of the input (as text) with its 1-based line number; pulls input only as fast as it is consumed. */
export async function* readLines(input: AsyncIterable<Buffer | string>, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<{ line: number; text: string } | { line: number; tooLong: true }> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  let line = 0;
  for await (const raw of input) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      line += 1;
      const tail = chunk.subarray(start, nl);
      start = nl + 1;
      if (skipping || size + tail.length > maxLineBytes) {
        yield { line, tooLong: true };
      } else {
        const text = (parts.length ? Buffer.concat([...parts, tail]) : tail).toString('utf8');
        if (text.trim() !== '') yield { line, text };
      }
      parts = [];
      size = 0;
      skipping = false;
    }
    const rest = chunk.subarray(start);
    if (rest.length === 0 || skipping) continue;
    if (size + rest.length > maxLineBytes) {
      skipping = true;
      parts = [];
      size = 0;
    } else {
      parts.push(Buffer.from(rest));
      size += rest.length;
    }
  }
  if (skipping) yield { line: line + 1, tooLong: true };
  else if (size > 0) {
    const text = Buffer.concat(parts).toString('utf8');
    if (text.trim() !== '') yield { line: line + 1, text };
  }
}

/** Parses each line into a JSON object; anything else is reported by line number, never echoed. */
export async function* readMessages(input: Readable | AsyncIterable<Buffer | string>, maxLineBytes?: number): AsyncGenerator<ReadItem> {
  for await (const item of readLines(input, maxLineBytes)) {
    if ('tooLong' in item) {
      yield { kind: 'invalid', line: item.line, reason: `line ${item.line} is longer than the ${maxLineBytes ?? DEFAULT_MAX_LINE_BYTES} byte limit` };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(item.text);
    } catch {
      yield { kind: 'invalid', line: item.line, reason: `line ${item.line} is not valid JSON` };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
      yield { kind: 'invalid', line: item.line, reason: `line ${item.line} is ${kind}, not a JSON object` };
      continue;
    }
    yield { kind: 'message', line: item.line, message: value as Record<string, unknown> };
  }
}
