import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { readMessages } from '../../src/protocol/reader.js';

async function collect(chunks: Array<string | Buffer>, maxLineBytes?: number) {
  const out = [];
  for await (const item of readMessages(Readable.from(chunks), maxLineBytes)) out.push(item);
  return out;
}

describe('readMessages', () => {
  it('parses one object per line with line numbers, across chunk boundaries', async () => {
    const items = await collect(['{"type":"ST', 'ATE"}\n{"a":', '1}\n']);
    expect(items).toEqual([
      { kind: 'message', line: 1, message: { type: 'STATE' } },
      { kind: 'message', line: 2, message: { a: 1 } },
    ]);
  });

  it('reads a last line without a trailing newline', async () => {
    expect(await collect(['{"a":1}\n{"b":2}'])).toEqual([
      { kind: 'message', line: 1, message: { a: 1 } },
      { kind: 'message', line: 2, message: { b: 2 } },
    ]);
  });

  it('skips empty and blank lines but keeps counting them', async () => {
    const items = await collect(['\n  \n{"a":1}\n']);
    expect(items).toEqual([{ kind: 'message', line: 3, message: { a: 1 } }]);
  });

  it.each([
    ['malformed JSON', '{"email": "jane@example.com"', 'line 1 is not valid JSON'],
    ['a JSON array', '["jane@example.com"]', 'line 1 is an array, not a JSON object'],
    ['a JSON string', '"jane@example.com"', 'line 1 is a string, not a JSON object'],
    ['null', 'null', 'line 1 is null, not a JSON object'],
    ['a number', '42', 'line 1 is a number, not a JSON object'],
  ])('reports %s by line number without echoing it', async (_name, line, reason) => {
    const items = await collect([line + '\n']);
    expect(items).toEqual([{ kind: 'invalid', line: 1, reason }]);
    expect(JSON.stringify(items)).not.toContain('jane');
  });

  it('reads a 5 MB line', async () => {
    const big = JSON.stringify({ type: 'RECORD', record: { stream: 's', data: { blob: 'x'.repeat(5 * 1024 * 1024) }, emitted_at: 0 } });
    const chunks = [];
    for (let i = 0; i < big.length; i += 65536) chunks.push(big.slice(i, i + 65536));
    const items = await collect([...chunks, '\n{"b":1}\n']);
    expect(items).toHaveLength(2);
    expect(items[0]!.kind).toBe('message');
    expect(((items[0] as any).message.record.data.blob as string).length).toBe(5 * 1024 * 1024);
    expect(items[1]).toEqual({ kind: 'message', line: 2, message: { b: 1 } });
  });

  it('refuses a line over the byte limit and goes on with the next', async () => {
    const items = await collect(['{"a":"' + 'y'.repeat(50), 'z'.repeat(50) + '"}\n{"b":1}\n'], 64);
    expect(items[0]).toMatchObject({ kind: 'invalid', line: 1 });
    expect((items[0] as { reason: string }).reason).toContain('longer than the 64 byte limit');
    expect(items[1]).toEqual({ kind: 'message', line: 2, message: { b: 1 } });
  });

  it('decodes multi-byte characters split across chunks', async () => {
    const bytes = Buffer.from('{"name":"Zoë 🚀"}\n');
    const items = await collect([bytes.subarray(0, 12), bytes.subarray(12, 15), bytes.subarray(15)]);
    expect(items).toEqual([{ kind: 'message', line: 1, message: { name: 'Zoë 🚀' } }]);
  });

  it('pulls input only as it is consumed (backpressure)', async () => {
    let produced = 0;
    const source = Readable.from((function* () {
      for (let i = 0; i < 100_000; i++) {
        produced++;
        yield `{"i":${i}}\n`;
      }
    })(), { highWaterMark: 16, objectMode: true });
    const it = readMessages(source)[Symbol.asyncIterator]();
    await it.next();
    await new Promise((r) => setTimeout(r, 20));
    expect(produced).toBeLessThan(1000);
    await it.return?.(undefined);
  });
});
