import { describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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

describe('untilAborted memory', () => {
  it('keeps no chunk it has passed on: after a full collection, the chunks already read are gone', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const controller = new AbortController();
    const read = 200;
    const refs: WeakRef<object>[] = [];
    // A source that never ends, so the iteration (and anything it holds) is still alive while we look.
    async function* endless(): AsyncGenerator<{ payload: Uint8Array }> {
      for (;;) yield { payload: new Uint8Array(1024) };
    }
    const iteration = untilAborted(endless(), controller.signal);
    for (let i = 0; i < read; i++) {
      const next = await iteration.next();
      refs.push(new WeakRef(next.value as object));
    }
    // WeakRef targets stay alive until the end of the job that made them: collect in a later turn.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const alive = refs.filter((ref) => ref.deref() !== undefined).length;
    controller.abort();
    await iteration.return(undefined);
    // The last chunk may still be referenced by the generator's frame; none of the earlier ones may be.
    expect(alive).toBeLessThanOrEqual(1);
  });
});

describe('untilAborted errors', () => {
  it('passes a failing read on to the consumer and leaves no abort listener behind', async () => {
    const controller = new AbortController();
    let listeners = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => { listeners += 1; add(...args); }) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => { listeners -= 1; remove(...args); }) as typeof remove;
    async function* failing(): AsyncGenerator<string> {
      yield 'a';
      throw new Error('stdin broke');
    }
    const seen: string[] = [];
    await expect((async () => {
      for await (const chunk of untilAborted(failing(), signal)) seen.push(chunk);
    })()).rejects.toThrow('stdin broke');
    expect(seen).toEqual(['a']);
    expect(listeners).toBe(0);
  });
});
