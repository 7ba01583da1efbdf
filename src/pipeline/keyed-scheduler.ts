// Runs tasks concurrently up to an adaptive limit while tasks sharing a key run one at a time, in order.

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
  /** Submission order: among ready tasks, the earliest submitted starts first. */
  seq: number;
  start: () => void;
  reject: (error: unknown) => void;
}

/**
 * A binary min-heap of ready entries by `seq`. A task becomes ready when its key's predecessor settles,
 * which can be after later submissions became ready, so plain FIFO order would not do.
 */
class ReadyHeap {
  private items: Entry[] = [];

  get size(): number {
    return this.items.length;
  }

  push(entry: Entry): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]!.seq <= entry.seq) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = entry;
  }

  pop(): Entry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && items[right]!.seq < items[left]!.seq ? right : left;
      if (items[child]!.seq >= last.seq) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }

  clear(): void {
    this.items = [];
  }
}

/**
 * Its own small queue rather than p-queue: this runs once per record on the hot path, and p-queue's
 * event emitter and per-task promises cost a visible share of the CPU per record (benchmark P2).
 */
export function createKeyedScheduler(options: KeyedSchedulerOptions): KeyedScheduler {
  const max = Math.max(1, Math.floor(options.maxConcurrency));
  const limit = (): number => {
    const wanted = Math.floor(options.concurrency());
    return Number.isFinite(wanted) ? Math.min(max, Math.max(1, wanted)) : max;
  };
  const ready = new ReadyHeap();
  /** Tail of each key's chain: settles when the key's latest task settles. */
  const tails = new Map<string, Promise<void>>();
  const notStarted = new Set<Entry>();
  let running = 0;
  let sequence = 0;
  let aborted = false;
  let paused = false;
  let idleWaiters: Array<() => void> = [];

  function checkIdle(): void {
    if (notStarted.size > 0 || running > 0 || idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Starts ready tasks while slots are free; the limit is read afresh each time. */
  function pump(): void {
    if (paused || ready.size === 0) return;
    let slots = limit();
    while (!paused && running < slots && ready.size > 0) {
      const entry = ready.pop()!;
      if (!notStarted.delete(entry)) continue; // aborted while queued
      running += 1;
      entry.start();
      slots = limit();
    }
  }

  function run<T>(key: string | undefined, task: () => Promise<T>): Promise<T> {
    if (aborted) return Promise.reject(new SchedulerAbortedError());
    const result = new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        seq: sequence++,
        reject,
        start: () => {
          let settled: Promise<T>;
          try {
            settled = task();
          } catch (error) {
            settled = Promise.reject(error);
          }
          settled.then(resolve, reject).finally(() => {
            running -= 1;
            pump();
            checkIdle();
          });
        },
      };
      notStarted.add(entry);
      const enqueue = (): void => {
        if (!notStarted.has(entry)) return;
        ready.push(entry);
        pump();
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
    pause: () => {
      paused = true;
    },
    resume: () => {
      if (aborted) return;
      paused = false;
      pump();
    },
    abort() {
      if (aborted) return;
      aborted = true;
      ready.clear();
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
