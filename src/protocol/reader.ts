// Streams stdin as numbered lines and parses each into a message, with backpressure and bounded line size.
import type { Readable } from 'node:stream';

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

export type ReadItem =
  | { kind: 'message'; line: number; message: Record<string, unknown> }
  | { kind: 'invalid'; line: number; reason: string };

type LineItem = { line: number; text: string } | { line: number; tooLong: true };

/**
 * Yields, per input chunk, the non-empty lines that chunk completes (as text, with 1-based line numbers); pulls input only
 * as fast as it is consumed. One yield per chunk rather than per line: an async generator's step costs promises and a
 * microtask turn, which at a few hundred lines per 64 KiB chunk is most of the reader's cost per record.
 */
export async function* readLineBatches(input: AsyncIterable<Buffer | string>, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<LineItem[]> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  let line = 0;
  for await (const raw of input) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    const lines: LineItem[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      line += 1;
      if (skipping || size + (nl - start) > maxLineBytes) {
        lines.push({ line, tooLong: true });
      } else {
        const text = parts.length ? Buffer.concat([...parts, chunk.subarray(start, nl)]).toString('utf8') : chunk.toString('utf8', start, nl);
        if (text.trim() !== '') lines.push({ line, text });
      }
      start = nl + 1;
      parts = [];
      size = 0;
      skipping = false;
    }
    if (lines.length > 0) yield lines;
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
  if (skipping) yield [{ line: line + 1, tooLong: true }];
  else if (size > 0) {
    const text = Buffer.concat(parts).toString('utf8');
    if (text.trim() !== '') yield [{ line: line + 1, text }];
  }
}

/** Parses each line into a JSON object, a chunk's lines at a time; anything else is reported by line number, never echoed. */
export async function* readMessageBatches(input: Readable | AsyncIterable<Buffer | string>, maxLineBytes?: number): AsyncGenerator<ReadItem[]> {
  for await (const lines of readLineBatches(input, maxLineBytes)) {
    const items: ReadItem[] = new Array<ReadItem>(lines.length);
    for (let i = 0; i < lines.length; i += 1) items[i] = parseLine(lines[i]!, maxLineBytes);
    yield items;
  }
}

/** The same, one item at a time. */
export async function* readMessages(input: Readable | AsyncIterable<Buffer | string>, maxLineBytes?: number): AsyncGenerator<ReadItem> {
  for await (const items of readMessageBatches(input, maxLineBytes)) yield* items;
}

function parseLine(item: LineItem, maxLineBytes: number | undefined): ReadItem {
  if ('tooLong' in item) return { kind: 'invalid', line: item.line, reason: `line ${item.line} is longer than the ${maxLineBytes ?? DEFAULT_MAX_LINE_BYTES} byte limit` };
  let value: unknown;
  try {
    value = JSON.parse(item.text);
  } catch {
    return { kind: 'invalid', line: item.line, reason: `line ${item.line} is not valid JSON` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    return { kind: 'invalid', line: item.line, reason: `line ${item.line} is ${kind}, not a JSON object` };
  }
  return { kind: 'message', line: item.line, message: value as Record<string, unknown> };
}
