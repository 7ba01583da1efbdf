// The protocol check itself: it fails on a bad line, and without ../shared it says loudly that it did not run.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { assertProtocolLines } from './protocol-schema.js';
import { hasShared, sharedSkipReason } from './shared.js';

describe('assertProtocolLines', () => {
  afterEach(() => vi.restoreAllMocks());

  it.skipIf(!hasShared)('names the line that is not an AirbyteMessage', () => {
    const good = JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: 'ok' } });
    expect(() => assertProtocolLines(`${good}\n${good}\n`)).not.toThrow();
    expect(() => assertProtocolLines(`${good}\n{"type":"LOG","log":{"level":"LOUD"}}\n`)).toThrow(/stdout line 2 is not a valid AirbyteMessage/);
  });

  it('without the schema, writes a SKIPPED CHECK line naming the test and the reason instead of passing silently', () => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (writes.push(String(chunk)), true));
    expect(() => assertProtocolLines('not even json', false)).not.toThrow();
    expect(writes.join('')).toContain('SKIPPED CHECK in "without the schema, writes a SKIPPED CHECK line');
    expect(writes.join('')).toContain(sharedSkipReason);
  });
});
