// In-memory streams for driving the connector in-process.
import { PassThrough, Readable } from 'node:stream';

export function collector(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export const linesInput = (lines: Array<string | object>): Readable =>
  Readable.from(lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l)) + '\n'));
