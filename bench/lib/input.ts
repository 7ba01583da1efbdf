// Airbyte input for the benchmarks: customer RECORD lines with a STATE every N records, as a lazy stream.
import { Readable } from 'node:stream';

export interface InputOptions {
  records: number;
  /** A STATE message after every `stateEvery` records and one after the last record. */
  stateEvery: number;
  /** Tag mixed into emails and primary keys so two runs against one emulator never share idempotency keys. */
  tag?: string;
  stream?: string;
}

/** One customer RECORD line (with its newline). */
export function recordLine(i: number, tag = 'b', stream = 'customers'): string {
  const data = { email: `user${i}.${tag}@example.com`, name: `User ${i}`, metadata: { crm_id: `crm-${tag}-${i}` } };
  return `${JSON.stringify({ type: 'RECORD', record: { stream, data, emitted_at: 1_764_200_000_000 + i } })}\n`;
}

export function stateLine(upTo: number, stream = 'customers'): string {
  return `${JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: { up_to: upTo } } } })}\n`;
}

/** How many STATE lines `inputStream` writes for these options. */
export function expectedStates(options: InputOptions): number {
  const full = Math.floor(options.records / options.stateEvery);
  return full + (options.records % options.stateEvery === 0 ? 0 : 1);
}

/** Lines generated on demand in chunks of ~200, so a consumer's backpressure bounds memory. */
export function inputStream(options: InputOptions): Readable {
  const { records, stateEvery, tag = 'b', stream = 'customers' } = options;
  function* chunks(): Generator<string> {
    let chunk = '';
    for (let i = 1; i <= records; i++) {
      chunk += recordLine(i, tag, stream);
      if (i % stateEvery === 0 || i === records) chunk += stateLine(i, stream);
      if (i % 200 === 0) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** Ready-made lines, joined with newlines in chunks of 200. */
export function linesStream(lines: string[]): Readable {
  function* chunks(): Generator<string> {
    for (let i = 0; i < lines.length; i += 200) yield `${lines.slice(i, i + 200).join('\n')}\n`;
  }
  return Readable.from(chunks(), { objectMode: false });
}
