// Ends an input stream as soon as a shutdown signal arrives, even while a read is waiting on an open stdin.

/**
 * Yields the chunks of `input` until it ends or `signal` aborts. An abort ends the iteration at once:
 * a pending read is abandoned (not awaited), because a platform cancelling a sync may keep the
 * connector's stdin open and never send another byte.
 */
export async function* untilAborted<T>(input: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  if (!signal) {
    yield* input;
    return;
  }
  if (signal.aborted) return;
  const iterator = input[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<{ aborted: true }>((resolve) => {
    onAbort = () => resolve({ aborted: true });
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if ('aborted' in next) return;
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort!);
    // Only close a finished or idle source; an abandoned read on an open stdin is left for process exit.
    if (!signal.aborted) void iterator.return?.();
  }
}
