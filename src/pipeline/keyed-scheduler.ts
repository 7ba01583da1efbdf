// Runs tasks concurrently up to an adaptive limit while tasks sharing a key run one at a time, in order.
import PQueue from 'p-queue';

export interface KeyedSchedulerOptions {
  /** Current concurrency limit; read before every start, so it may change while the scheduler runs. */
  concurrency: () => number;
  /** Hard upper bound applied to whatever `concurrency()` answers. */
  maxConcurrency: number;
}

export interface KeyedScheduler {
  /**
   * Runs `task` and settles with its result. Tasks with the same `key` start strictly in submission
   * order, each after the previous one settled (fulfilled or rejected); undefined keys never wait.
   */
  run<T>(key: string | undefined, task: () => Promise<T>): Promise<T>;
  /** Resolves once every submitted task has settled (or was aborted). */
  idle(): Promise<void>;
  /** Stops starting tasks; running ones go on. */
  pause(): void;
  /** Starts tasks again after `pause`. */
  resume(): void;
  /**
   * Shutdown: running tasks finish, every task not yet started rejects with a `SchedulerAbortedError`,
   * and later `run` calls reject at once.
   */
  abort(): void;
  /** Tasks submitted and not yet started (waiting for a slot or for their key's predecessor). */
  readonly size: number;
  /** Tasks running now. */
  readonly pending: number;
  /** Keys that still have a task in flight or waiting; drops to 0 when idle. */
  readonly keyCount: number;
  readonly aborted: boolean;
}

export class SchedulerAbortedError extends Error {
  readonly code = 'scheduler_aborted';

  constructor() {
    super('The scheduler was aborted before this task started.');
    this.name = 'AbortError';
  }
}

interface Entry {
  reject: (error: unknown) => void;
}

export function createKeyedScheduler(options: KeyedSchedulerOptions): KeyedScheduler {
  const max = Math.max(1, Math.floor(options.maxConcurrency));
  const limit = (): number => {
    const wanted = Math.floor(options.concurrency());
    return Number.isFinite(wanted) ? Math.min(max, Math.max(1, wanted)) : max;
  };
  const queue = new PQueue({ concurrency: limit() });
  /** Tail of each key's chain: settles when the key's latest task settles. */
  const tails = new Map<string, Promise<void>>();
  const notStarted = new Set<Entry>();
  let running = 0;
  let sequence = 0;
  let aborted = false;
  let idleWaiters: Array<() => void> = [];

  function refreshLimit(): void {
    const next = limit();
    if (queue.concurrency !== next) queue.concurrency = next;
  }

  function checkIdle(): void {
    if (notStarted.size > 0 || running > 0 || idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  }

  function run<T>(key: string | undefined, task: () => Promise<T>): Promise<T> {
    if (aborted) return Promise.reject(new SchedulerAbortedError());
    // Earlier submissions get higher priority, so a task released by its key predecessor is not
    // pushed behind work submitted after it.
    const priority = -sequence++;
    const result = new Promise<T>((resolve, reject) => {
      const entry: Entry = { reject };
      notStarted.add(entry);
      const start = async (): Promise<void> => {
        if (!notStarted.delete(entry)) return; // aborted while queued
        running += 1;
        try {
          resolve(await task());
        } catch (error) {
          reject(error);
        } finally {
          running -= 1;
          refreshLimit();
          checkIdle();
        }
      };
      const enqueue = (): void => {
        if (!notStarted.has(entry)) return;
        refreshLimit();
        void queue.add(start, { priority });
      };
      const previous = key === undefined ? undefined : tails.get(key);
      if (previous === undefined) enqueue();
      else void previous.then(enqueue);
    });
    if (key !== undefined) {
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
    }
    return result;
  }

  return {
    run,
    idle() {
      if (notStarted.size === 0 && running === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    pause: () => queue.pause(),
    resume: () => {
      if (!aborted) queue.start();
    },
    abort() {
      if (aborted) return;
      aborted = true;
      queue.clear();
      const entries = [...notStarted];
      notStarted.clear();
      for (const entry of entries) entry.reject(new SchedulerAbortedError());
      checkIdle();
    },
    get size() {
      return notStarted.size;
    },
    get pending() {
      return running;
    },
    get keyCount() {
      return tails.size;
    },
    get aborted() {
      return aborted;
    },
  };
}
