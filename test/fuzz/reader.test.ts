// Property test: random bytes split at random chunk boundaries never make the line reader throw, and line numbers increase.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readMessages } from '../../src/protocol/reader.js';

async function* chunks(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Buffer> {
  let start = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    yield Buffer.from(bytes.subarray(start, cut));
    start = cut;
  }
  yield Buffer.from(bytes.subarray(start));
}

const piece = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc.constantFrom('\n', '\r\n', '{}', '{"type":"RECORD"}', '[1]', 'null', '"x"', '{"a":', '\u00e9', '\ud83d\ude00', '   ').map((s) => new TextEncoder().encode(s)),
);
const input = fc.array(piece, { maxLength: 30 }).map((parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
});

describe('readMessages (fuzzed)', () => {
  it('never throws, yields increasing line numbers within the input, and the same items however the input is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(input, fc.array(fc.nat(), { maxLength: 8 }), fc.integer({ min: 4, max: 64 }), async (bytes, cuts, maxLineBytes) => {
        const items = [];
        for await (const item of readMessages(chunks(bytes, cuts), maxLineBytes)) items.push(item);
        const whole = [];
        for await (const item of readMessages(chunks(bytes, []), maxLineBytes)) whole.push(item);
        expect(items).toEqual(whole);
        const lines = items.map((i) => i.line);
        const newlines = bytes.filter((b) => b === 10).length;
        for (let i = 1; i < lines.length; i++) expect(lines[i]!).toBeGreaterThan(lines[i - 1]!);
        for (const line of lines) expect(line).toBeLessThanOrEqual(newlines + 1);
        for (const item of items) if (item.kind === 'invalid') expect(item.reason).toMatch(new RegExp(`^line ${item.line} `));
      }),
      { numRuns: 500 },
    );
  });
});
