import { describe, expect, it } from 'vitest';
import { untilAborted } from '../../src/protocol/abortable.js';

/** A source that yields its chunks, then waits forever (an open stdin with nothing more to say). */
async function* openSource(chunks: string[]): AsyncGenerator<string> {
  yield* chunks;
  await new Promise(() => undefined);
}

describe('untilAborted', () => {
  it('ends a read that waits on an open source as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const chunk of untilAborted(openSource(['a', 'b']), controller.signal)) {
        seen.push(chunk);
        if (seen.length === 2) queueMicrotask(() => controller.abort('SIGTERM'));
      }
    })();
    await done;
    expect(seen).toEqual(['a', 'b']);
  });

  it('passes every chunk through when no signal comes', async () => {
    const out: string[] = [];
    for await (const chunk of untilAborted((async function* () { yield* ['x', 'y', 'z']; })(), new AbortController().signal)) out.push(chunk);
    expect(out).toEqual(['x', 'y', 'z']);
  });

  it('reads nothing when the signal has already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const out: string[] = [];
    for await (const chunk of untilAborted(openSource(['x']), controller.signal)) out.push(chunk);
    expect(out).toEqual([]);
  });

  it('without a signal, is the source itself', async () => {
    const out: string[] = [];
    for await (const chunk of untilAborted((async function* () { yield* ['x']; })(), undefined)) out.push(chunk);
    expect(out).toEqual(['x']);
  });
});
