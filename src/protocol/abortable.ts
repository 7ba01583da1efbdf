// Ends an input stream as soon as a shutdown signal arrives, even while a read is waiting on an open stdin.

const ABORTED = Symbol('aborted');

/**
 * Yields the chunks of `input` until it ends or `signal` aborts. An abort ends the iteration at once:
 * a pending read is abandoned (not awaited), because a platform cancelling a sync may keep the
 * connector's stdin open and never send another byte.
 *
 * Each read waits on its own abort listener, removed as soon as the read settles. (Racing every read
 * against one long-lived, never-settling promise would add a reaction to that promise per read, and
 * each reaction keeps its read's result, so every chunk of stdin would stay in memory until the end.)
 */
export async function* untilAborted<T>(input: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  if (!signal) {
    yield* input;
    return;
  }
  if (signal.aborted) return;
  const iterator = input[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await readOrAbort(iterator, signal);
      if (next === ABORTED || next.done === true) return;
      yield next.value;
    }
  } finally {
    // Only close a finished or idle source; an abandoned read on an open stdin is left for process exit.
    if (!signal.aborted) void iterator.return?.();
  }
}

/** One read of `iterator`, or ABORTED as soon as `signal` aborts; the abort listener lives only as long as this read. */
function readOrAbort<T>(iterator: AsyncIterator<T>, signal: AbortSignal): Promise<IteratorResult<T> | typeof ABORTED> {
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    iterator.next().then(
      (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
